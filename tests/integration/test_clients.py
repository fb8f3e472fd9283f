"""The real clients against a running deployment.

- the ``openstack`` CLI (python-openstackclient), run as a subprocess with
  the deployment's clouds.yaml (OS_CLIENT_CONFIG_FILE, OS_CLOUD): it finds
  compute at <api>/v2.1, images through the Glance v2 face at <api>/image
  and sends the noauth2 token with keystoneauth's admin_token plugin;
- python-novaclient's Python API over a keystoneauth session with the
  token plugin.

The deployment runs its daemons over RabbitMQ when a broker answers, and
in one process over the in-process transport otherwise.
"""

import json
import os
import shutil
import subprocess
import sys
import uuid

import pytest

from tests import conftest

pytestmark = [pytest.mark.integration, pytest.mark.timeout(600)]


def _openstack_exe():
    exe = os.path.join(os.path.dirname(sys.executable), 'openstack')
    return exe if os.path.exists(exe) else shutil.which('openstack')


def start_client_cloud(tmp_dir, **kwargs):
    """start_cloud for the client tests: skipped without the openstack
    CLI, on RabbitMQ when it answers and in one process otherwise."""
    from nova.local import deployment
    from nova.local import probe
    if _openstack_exe() is None:
        pytest.skip('python-openstackclient is not installed')
    mode = (deployment.MODE_PROCESSES
            if probe.rabbit_answers(conftest.RABBIT_URL)
            else deployment.MODE_INPROCESS)
    return conftest.start_cloud(tmp_dir, db='sqlite', mode=mode, **kwargs)


@pytest.fixture(scope='module')
def cloud(tmp_path_factory):
    cloud, cleanup = start_client_cloud(tmp_path_factory.mktemp('clients'),
                                        computes=('ic1', 'ic2'))
    try:
        cloud.image_id = cloud.import_image('cirros-ish')
        yield cloud
    finally:
        cleanup()


def openstack(cloud, *args, parse=True):
    from nova.local import clients
    env = clients.client_env(cloud.settings)
    env['PYTHONWARNINGS'] = 'ignore'
    argv = [_openstack_exe()] + list(args)
    if parse:
        argv += ['-f', 'json']
    result = subprocess.run(argv, env=env, capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, (
        'openstack %s failed (%d):\n%s\n%s' % (
            ' '.join(args), result.returncode, result.stdout,
            result.stderr))
    if not parse:
        return result.stdout
    # "--wait" may print "Complete" before the JSON document.
    out = result.stdout
    starts = [i for i in (out.find('{'), out.find('[')) if i >= 0]
    return json.loads(out[min(starts):] if starts else out)


def test_openstack_cli_create_list_show_delete(cloud):
    flavor_name = 'it.cli-%s' % uuid.uuid4().hex[:6]
    flavor = openstack(cloud, 'flavor', 'create', '--vcpus', '1', '--ram',
                       '128', '--disk', '1', flavor_name)
    assert flavor['name'] == flavor_name

    images = openstack(cloud, 'image', 'list')
    assert {'ID': cloud.image_id, 'Name': 'cirros-ish',
            'Status': 'active'} in images

    name = 'cli-%s' % uuid.uuid4().hex[:6]
    server = openstack(cloud, 'server', 'create', '--flavor', flavor_name,
                       '--image', 'cirros-ish', '--no-network', '--wait',
                       name)
    assert server['status'] == 'ACTIVE'
    assert server['name'] == name

    listed = openstack(cloud, 'server', 'list', '--name', name)
    assert [(s['ID'], s['Status']) for s in listed] == [
        (server['id'], 'ACTIVE')]
    # The image column is resolved through the image service.
    assert listed[0]['Image'] == 'cirros-ish'

    shown = openstack(cloud, 'server', 'show', name)
    assert shown['id'] == server['id']
    assert shown['OS-EXT-SRV-ATTR:host'] in ('ic1', 'ic2')

    openstack(cloud, 'server', 'delete', '--wait', server['id'],
              parse=False)
    assert openstack(cloud, 'server', 'list', '--name', name) == []


@pytest.fixture
def nova(cloud):
    from novaclient import client as nova_client
    from nova.local import clients
    return nova_client.Client(conftest.MICROVERSION,
                              session=clients.keystone_session(
                                  cloud.settings))


def test_novaclient_create_list_show_delete(cloud, nova):
    flavor = nova.flavors.create('it.nc-%s' % uuid.uuid4().hex[:6],
                                 ram=128, vcpus=1, disk=1)
    name = 'nc-%s' % uuid.uuid4().hex[:6]
    server = nova.servers.create(name, image=cloud.image_id, flavor=flavor,
                                 nics='none')

    def active():
        current = nova.servers.get(server.id)
        assert current.status != 'ERROR', getattr(current, 'fault', None)
        return current if current.status == 'ACTIVE' else None

    active = cloud.wait_for('server %s to be ACTIVE' % server.id, active)
    assert active.name == name
    assert [s.id for s in nova.servers.list(search_opts={'name': name})] \
        == [server.id]
    assert nova.servers.get(server.id).to_dict()['image']['id'] == \
        cloud.image_id
    nova.servers.delete(server.id)
    cloud.wait_gone(server.id)
    assert nova.servers.list(search_opts={'name': name}) == []
    nova.flavors.delete(flavor.id)
