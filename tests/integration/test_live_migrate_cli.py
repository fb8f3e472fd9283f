"""Live migration and evacuation through the real clients: the
``openstack`` CLI (server migrate --live-migration --wait, server
evacuate --wait, compute service set --down), python-novaclient and
openstacksdk, against a deployment with two fake computes running as
processes over RabbitMQ.
"""

import uuid

import pytest

from tests import conftest
from tests.integration.test_clients import _openstack_exe
from tests.integration.test_clients import openstack

pytestmark = [pytest.mark.integration, pytest.mark.timeout(900)]

HOSTS = ('lc1', 'lc2')


@pytest.fixture(scope='module')
def cloud(tmp_path_factory, rabbit_available):
    if _openstack_exe() is None:
        pytest.skip('python-openstackclient is not installed')
    cloud, cleanup = conftest.start_cloud(
        tmp_path_factory.mktemp('livecli'), computes=HOSTS,
        host_conf={h: {'fake': {'live_migration_seconds': 1}}
                   for h in HOSTS})
    try:
        cloud.image_id = cloud.import_image('cirros-live')
        cloud.flavor_name = 'it.live-%s' % uuid.uuid4().hex[:6]
        openstack(cloud, 'flavor', 'create', '--vcpus', '1', '--ram', '128',
                  '--disk', '1', cloud.flavor_name)
        yield cloud
    finally:
        cleanup()


def _other(host):
    return [h for h in HOSTS if h != host][0]


def _create(cloud):
    name = 'live-%s' % uuid.uuid4().hex[:6]
    server = openstack(cloud, 'server', 'create', '--flavor',
                       cloud.flavor_name, '--image', 'cirros-live',
                       '--no-network', '--wait', name)
    assert server['status'] == 'ACTIVE'
    return server['id']


def _show(cloud, server_id):
    return openstack(cloud, '--os-compute-api-version', '2.53', 'server',
                     'show', server_id)


def _host(cloud, server_id):
    server = _show(cloud, server_id)
    return server.get('OS-EXT-SRV-ATTR:host') or server.get('host')


def _delete(cloud, server_id):
    openstack(cloud, 'server', 'delete', '--wait', server_id, parse=False)


def test_openstack_cli_live_migrate_wait(cloud):
    server_id = _create(cloud)
    source = _host(cloud, server_id)
    dest = _other(source)
    openstack(cloud, '--os-compute-api-version', '2.30', 'server',
              'migrate', '--live-migration', '--host', dest, '--wait',
              server_id, parse=False)
    assert _host(cloud, server_id) == dest
    assert _show(cloud, server_id)['status'] == 'ACTIVE'
    # The scheduler picks when no host is named: the only other host.
    openstack(cloud, '--os-compute-api-version', '2.30', 'server',
              'migrate', '--live-migration', '--wait', server_id,
              parse=False)
    assert _host(cloud, server_id) == source
    migrations = openstack(cloud, '--os-compute-api-version', '2.59',
                           'server', 'migration', 'list', '--server',
                           server_id)
    assert sorted(m['Status'] for m in migrations) == ['completed',
                                                       'completed']
    _delete(cloud, server_id)


def test_openstack_cli_evacuate(cloud):
    server_id = _create(cloud)
    source = _host(cloud, server_id)
    compute = 'nova-compute-' + source
    cloud.dep.stop_process(compute)
    try:
        openstack(cloud, '--os-compute-api-version', '2.11', 'compute',
                  'service', 'set', '--down', source, 'nova-compute',
                  parse=False)
        # No --wait: python-openstackclient 10.x compares the lower-cased
        # status with 'ACTIVE' there and so never sees the end.
        openstack(cloud, '--os-compute-api-version', '2.29', 'server',
                  'evacuate', server_id)
        cloud.wait_for('evacuation of %s' % server_id, lambda: (
            _host(cloud, server_id) == _other(source) and
            _show(cloud, server_id)['status'] == 'ACTIVE'), timeout=120)
    finally:
        openstack(cloud, '--os-compute-api-version', '2.11', 'compute',
                  'service', 'set', '--up', source, 'nova-compute',
                  parse=False)
        cloud.dep.start_process(compute)
    cloud.dep.wait_until_ready(timeout=120)
    _delete(cloud, server_id)


def test_novaclient_live_migration(cloud):
    from novaclient import client as nova_client
    from nova.local import clients
    nova = nova_client.Client('2.30', session=clients.keystone_session(
        cloud.settings))
    server_id = _create(cloud)
    source = _host(cloud, server_id)
    nova.servers.live_migrate(server_id, host=_other(source),
                              block_migration='auto')

    def moved():
        server = nova.servers.get(server_id)
        info = server.to_dict()
        return (server.status == 'ACTIVE' and
                info.get('OS-EXT-SRV-ATTR:host') == _other(source))
    cloud.wait_for('novaclient live migration', moved, timeout=90)
    _delete(cloud, server_id)


def test_openstacksdk_live_migration(cloud):
    import openstack as sdk
    from nova.local import clients
    conn = sdk.connection.Connection(
        session=clients.keystone_session(cloud.settings),
        compute_api_version='2',
        compute_endpoint_override=cloud.settings.compute_endpoint)
    server_id = _create(cloud)
    source = _host(cloud, server_id)
    conn.compute.live_migrate_server(server_id, host=None,
                                     block_migration='auto')

    def moved():
        server = conn.compute.get_server(server_id)
        return server.status == 'ACTIVE' and \
            server.compute_host == _other(source)
    cloud.wait_for('openstacksdk live migration', moved, timeout=90)
    _delete(cloud, server_id)
