"""The basic server actions through the real clients: the ``openstack``
CLI (python-openstackclient), python-novaclient and openstacksdk, against
a deployment with one fake compute."""

import uuid

import pytest

from tests import conftest
from tests.integration import test_clients

pytestmark = [pytest.mark.integration, pytest.mark.timeout(900)]

openstack = test_clients.openstack


@pytest.fixture(scope='module')
def cloud(tmp_path_factory):
    from nova.local import deployment
    from nova.local import probe
    if test_clients._openstack_exe() is None:
        pytest.skip('python-openstackclient is not installed')
    mode = (deployment.MODE_PROCESSES
            if probe.rabbit_answers(conftest.RABBIT_URL)
            else deployment.MODE_INPROCESS)
    cloud, cleanup = conftest.start_cloud(
        tmp_path_factory.mktemp('clients-basic'), db='sqlite', mode=mode,
        computes=('ab1',))
    try:
        cloud.image_id = cloud.import_image('basic-cli-img')
        cloud.flavor = cloud.create_flavor('ab.small', vcpus=1, ram=128,
                                           disk=1)
        yield cloud
    finally:
        cleanup()


def _boot(cloud):
    name = 'abc-%s' % uuid.uuid4().hex[:6]
    server = openstack(cloud, 'server', 'create', '--flavor',
                       cloud.flavor['name'], '--image', cloud.image_id,
                       '--no-network', '--wait', name)
    assert server['status'] == 'ACTIVE'
    return server['id']


def _status(cloud, server_id, status):
    return cloud.wait_status(server_id, status)


def test_openstack_cli_drives_every_basic_action(cloud):
    server_id = _boot(cloud)
    run = lambda *args: openstack(cloud, 'server', *args, parse=False)  # noqa
    run('stop', server_id)
    _status(cloud, server_id, 'SHUTOFF')
    run('start', server_id)
    _status(cloud, server_id, 'ACTIVE')
    run('reboot', '--hard', '--wait', server_id)
    assert cloud.server(server_id)['status'] == 'ACTIVE'
    run('reboot', '--soft', '--wait', server_id)
    assert cloud.server(server_id)['status'] == 'ACTIVE'
    run('pause', server_id)
    _status(cloud, server_id, 'PAUSED')
    run('unpause', server_id)
    _status(cloud, server_id, 'ACTIVE')
    run('suspend', server_id)
    _status(cloud, server_id, 'SUSPENDED')
    run('resume', server_id)
    _status(cloud, server_id, 'ACTIVE')
    run('--os-compute-api-version', '2.73', 'lock', '--reason', 'cli test',
        server_id)
    shown = openstack(cloud, '--os-compute-api-version', '2.73', 'server',
                      'show', server_id)
    assert shown['locked'] in (True, 'True')
    assert shown['locked_reason'] == 'cli test'
    run('unlock', server_id)
    run('rescue', '--password', 'Cli-pass-1', server_id)
    _status(cloud, server_id, 'RESCUE')
    run('unrescue', server_id)
    _status(cloud, server_id, 'ACTIVE')

    events = openstack(cloud, '--os-compute-api-version', '2.84', 'server',
                       'event', 'list', server_id)
    actions = [e['Action'] for e in events]
    assert actions[:12] == ['unrescue', 'rescue', 'unlock', 'lock',
                            'resume', 'suspend', 'unpause', 'pause',
                            'reboot', 'reboot', 'start', 'stop']
    assert actions[-1] == 'create'
    stop_request = events[11]['Request ID']
    detail = openstack(cloud, '--os-compute-api-version', '2.84', 'server',
                       'event', 'show', server_id, stop_request)
    assert detail['action'] == 'stop'
    assert [e['event'] for e in detail['events']] == [
        'compute_stop_instance']
    assert detail['events'][0]['result'] == 'Success'

    # The CLI reports the API's 409 for an action from the wrong state.
    from nova.local import clients
    import subprocess
    result = subprocess.run(
        [test_clients._openstack_exe(), 'server', 'unpause', server_id],
        env=clients.client_env(cloud.settings), capture_output=True,
        text=True, timeout=300)
    assert result.returncode != 0 and '409' in result.stderr
    openstack(cloud, 'server', 'delete', '--wait', server_id, parse=False)


def test_novaclient_actions_console_and_instance_actions(cloud):
    from novaclient import client as nova_client
    from nova.local import clients
    nova = nova_client.Client('2.84', session=clients.keystone_session(
        cloud.settings))
    server_id = _boot(cloud)
    server = nova.servers.get(server_id)
    server.stop()
    _status(cloud, server_id, 'SHUTOFF')
    server.start()
    _status(cloud, server_id, 'ACTIVE')
    server.lock(reason='novaclient')
    assert nova.servers.get(server_id).locked_reason == 'novaclient'
    server.unlock()
    server.trigger_crash_dump()
    server.change_password('Nc-pass-2')
    output = server.get_console_output(length=50)
    assert 'NMI' in output and 'admin password changed' in output
    actions = nova.instance_action.list(server_id)
    names = [a.action for a in actions]
    assert names[:6] == ['changePassword', 'trigger_crash_dump', 'unlock',
                         'lock', 'start', 'stop']
    stop = nova.instance_action.get(server_id, actions[5].request_id)
    assert stop.events[0]['event'] == 'compute_stop_instance'
    assert 'details' in stop.events[0]
    nova.servers.delete(server_id)
    cloud.wait_gone(server_id)


def test_openstacksdk_actions(cloud):
    import openstack as sdk
    from openstack.config import loader
    region = loader.OpenStackConfig(
        config_files=[cloud.settings.path('clouds.yaml')]).get_one(
        cloud='nova-local')
    conn = sdk.connection.Connection(config=region)
    server_id = _boot(cloud)
    conn.compute.pause_server(server_id)
    _status(cloud, server_id, 'PAUSED')
    conn.compute.unpause_server(server_id)
    _status(cloud, server_id, 'ACTIVE')
    conn.compute.reboot_server(server_id, 'HARD')
    _status(cloud, server_id, 'ACTIVE')
    conn.compute.suspend_server(server_id)
    _status(cloud, server_id, 'SUSPENDED')
    conn.compute.resume_server(server_id)
    _status(cloud, server_id, 'ACTIVE')
    actions = [a.action for a in conn.compute.server_actions(server_id)]
    assert actions[:5] == ['resume', 'suspend', 'reboot', 'unpause',
                           'pause']
    conn.compute.delete_server(server_id)
    cloud.wait_gone(server_id)
