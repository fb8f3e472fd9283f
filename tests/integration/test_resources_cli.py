"""The real clients on server metadata and tags, keypairs, compute
services, hypervisors, server groups with rules and diagnostics: the
openstack CLI, python-novaclient and openstacksdk against a running
deployment (two compute hosts)."""

import uuid

import pytest

from tests import conftest
from tests.integration.test_clients import _openstack_exe
from tests.integration.test_clients import openstack

pytestmark = [pytest.mark.integration, pytest.mark.timeout(900)]

PUBLIC = ('ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHhZ6Bg1Gm4Hh1d1pDLKfL0aE0o'
          'H0k8f1wN6Hn4iK+Fa test@example')


@pytest.fixture(scope='module')
def cloud(tmp_path_factory):
    from nova.local import deployment
    from nova.local import probe
    if _openstack_exe() is None:
        pytest.skip('python-openstackclient is not installed')
    mode = (deployment.MODE_PROCESSES
            if probe.rabbit_answers(conftest.RABBIT_URL)
            else deployment.MODE_INPROCESS)
    cloud, cleanup = conftest.start_cloud(
        tmp_path_factory.mktemp('resources-cli'), db='sqlite', mode=mode,
        computes=('rs1', 'rs2'))
    try:
        cloud.flavor = cloud.create_flavor('rs.small', vcpus=1, ram=128,
                                           disk=1)
        cloud.image_id = cloud.import_image('rs-img')
        body = cloud.boot('rs-vm', cloud.flavor['id'], cloud.image_id)
        cloud.server_id = body['server']['id']
        server = cloud.wait_status(cloud.server_id, 'ACTIVE')
        cloud.host = server['OS-EXT-SRV-ATTR:host']
        cloud.idle = 'rs2' if cloud.host == 'rs1' else 'rs1'
        yield cloud
    finally:
        cleanup()


def test_server_set_unset_property_and_tag(cloud):
    sid = cloud.server_id
    openstack(cloud, '--os-compute-api-version', '2.26', 'server', 'set',
              '--property', 'role=web', '--property', 'tier=1',
              '--tag', 'blue', '--tag', 'green', sid, parse=False)
    shown = openstack(cloud, '--os-compute-api-version', '2.26', 'server',
                      'show', sid)
    assert shown['properties'] == {'role': 'web', 'tier': '1'}
    assert sorted(shown['tags']) == ['blue', 'green']
    listed = openstack(cloud, '--os-compute-api-version', '2.26', 'server',
                       'list', '--tags', 'blue')
    assert [s['ID'] for s in listed] == [sid]
    openstack(cloud, '--os-compute-api-version', '2.26', 'server', 'unset',
              '--property', 'tier', '--tag', 'green', sid, parse=False)
    shown = openstack(cloud, '--os-compute-api-version', '2.26', 'server',
                      'show', sid)
    assert shown['properties'] == {'role': 'web'}
    assert shown['tags'] == ['blue']


def test_keypairs_cli(cloud, tmp_path):
    made = openstack(cloud, 'keypair', 'create', '--type', 'ssh',
                     'cli-gen', parse=False)
    assert 'PRIVATE KEY' in made
    pub = tmp_path / 'key.pub'
    pub.write_text(PUBLIC + '\n')
    imported = openstack(cloud, 'keypair', 'create', '--public-key',
                         str(pub), 'cli-imp')
    assert imported['name'] == 'cli-imp'
    assert imported['type'] == 'ssh'
    names = {k['Name'] for k in openstack(cloud, 'keypair', 'list')}
    assert {'cli-gen', 'cli-imp'} <= names
    shown = openstack(cloud, 'keypair', 'show', 'cli-imp')
    assert shown['fingerprint'] == imported['fingerprint']
    openstack(cloud, 'keypair', 'delete', 'cli-gen', 'cli-imp',
              parse=False)
    names = {k['Name'] for k in openstack(cloud, 'keypair', 'list')}
    assert not {'cli-gen', 'cli-imp'} & names


def test_keypairs_openstacksdk(cloud, monkeypatch):
    import openstack as sdk
    from nova.local import clients
    monkeypatch.setenv('OS_CLIENT_CONFIG_FILE',
                       cloud.settings.path('clouds.yaml'))
    conn = sdk.connect(cloud=clients.CLOUD_NAME)
    name = 'sdk-%s' % uuid.uuid4().hex[:6]
    kp = conn.compute.create_keypair(name=name, public_key=PUBLIC)
    assert kp.fingerprint
    assert name in [k.name for k in conn.compute.keypairs()]
    assert conn.compute.get_keypair(name).public_key == PUBLIC
    conn.compute.delete_keypair(name)
    assert name not in [k.name for k in conn.compute.keypairs()]


def _compute_service(cloud, host):
    services = openstack(cloud, 'compute', 'service', 'list', '--host',
                         host, '--service', 'nova-compute')
    assert len(services) == 1
    return services[0]


def test_compute_service_set(cloud):
    host = cloud.idle
    openstack(cloud, 'compute', 'service', 'set', '--disable',
              '--disable-reason', 'patching', host, 'nova-compute',
              parse=False)
    svc = _compute_service(cloud, host)
    assert svc['Status'] == 'disabled'
    openstack(cloud, 'compute', 'service', 'set', '--enable', host,
              'nova-compute', parse=False)
    openstack(cloud, 'compute', 'service', 'set', '--down', host,
              'nova-compute', parse=False)
    svc = _compute_service(cloud, host)
    assert svc['Status'] == 'enabled' and svc['State'] == 'down'
    openstack(cloud, 'compute', 'service', 'set', '--up', host,
              'nova-compute', parse=False)
    cloud.wait_for('%s up again' % host,
                   lambda: _compute_service(cloud, host)['State'] == 'up',
                   timeout=30)


def test_hypervisors_cli(cloud):
    hvs = openstack(cloud, 'hypervisor', 'list')
    assert len(hvs) == 2
    shown = openstack(cloud, 'hypervisor', 'show', hvs[0]['ID'])
    assert shown['hypervisor_type'] == 'fake'
    stats = openstack(cloud, '--os-compute-api-version', '2.87',
                      'hypervisor', 'stats', 'show')
    assert stats['count'] == 2


def test_server_group_with_rule(cloud):
    name = 'rule-%s' % uuid.uuid4().hex[:6]
    group = openstack(cloud, '--os-compute-api-version', '2.64', 'server',
                      'group', 'create', '--policy', 'anti-affinity',
                      '--rule', 'max_server_per_host=2', name)
    assert group['policy'] == 'anti-affinity'
    assert 'max_server_per_host' in str(group['rules'])
    openstack(cloud, 'server', 'group', 'delete', name, parse=False)


def test_novaclient_diagnostics(cloud):
    from novaclient import client as nova_client
    from nova.local import clients
    nova = nova_client.Client('2.48', session=clients.keystone_session(
        cloud.settings))
    _resp, body = nova.servers.diagnostics(cloud.server_id)
    assert body['driver'] == 'libvirt' and body['num_cpus'] == 1


def test_compute_service_delete(cloud):
    cloud.dep.stop_process('nova-compute-' + cloud.idle)
    svc = _compute_service(cloud, cloud.idle)
    openstack(cloud, 'compute', 'service', 'delete', str(svc['ID']),
              parse=False)
    hosts = {s['Host'] for s in openstack(cloud, 'compute', 'service',
                                          'list', '--service',
                                          'nova-compute')}
    assert hosts == {cloud.host}
