"""Resize, confirm, revert and cold migration with the real clients: the
openstack CLI (incl. --wait), novaclient and openstacksdk, against a
deployment with two fake computes."""

import uuid

import pytest

from tests.integration import test_clients
from tests.integration.test_clients import openstack

pytestmark = [pytest.mark.integration, pytest.mark.timeout(900)]


@pytest.fixture(scope='module')
def cloud(tmp_path_factory):
    cloud, cleanup = test_clients.start_client_cloud(
        tmp_path_factory.mktemp('resizecli'),
        computes=('rc1', 'rc2'))
    try:
        cloud.image_id = cloud.import_image('cirros-ish')
        cloud.small = cloud.create_flavor('rc.small', vcpus=1, ram=128,
                                          disk=1)
        cloud.big = cloud.create_flavor('rc.big', vcpus=2, ram=256, disk=2)
        yield cloud
    finally:
        cleanup()


def _boot_cli(cloud):
    name = 'rcli-%s' % uuid.uuid4().hex[:6]
    server = openstack(cloud, 'server', 'create', '--flavor', 'rc.small',
                       '--image', 'cirros-ish', '--no-network', '--wait',
                       name)
    assert server['status'] == 'ACTIVE'
    return server


def test_cli_resize_confirm_revert_and_migrate(cloud):
    server = _boot_cli(cloud)
    sid = server['id']
    openstack(cloud, 'server', 'resize', '--flavor', 'rc.big', '--wait',
              sid, parse=False)
    shown = openstack(cloud, 'server', 'show', sid)
    assert shown['status'] == 'VERIFY_RESIZE'
    openstack(cloud, 'server', 'resize', 'confirm', sid, parse=False)
    cloud.wait_status(sid, 'ACTIVE')
    assert cloud.server(sid)['flavor']['id'] == cloud.big['id']

    host = cloud.server(sid)['OS-EXT-SRV-ATTR:host']
    openstack(cloud, '--os-compute-api-version', '2.56', 'server',
              'migrate', '--wait', sid, parse=False)
    assert cloud.server(sid)['status'] == 'VERIFY_RESIZE'
    assert cloud.server(sid)['OS-EXT-SRV-ATTR:host'] != host
    openstack(cloud, 'server', 'resize', 'revert', sid, parse=False)
    cloud.wait_status(sid, 'ACTIVE')
    assert cloud.server(sid)['OS-EXT-SRV-ATTR:host'] == host

    listed = openstack(cloud, '--os-compute-api-version', '2.80', 'server',
                       'migration', 'list', '--server', sid)
    statuses = sorted(m['Status'] for m in listed)
    assert statuses == ['confirmed', 'reverted']
    openstack(cloud, 'server', 'delete', '--wait', sid, parse=False)


def test_novaclient_resize_and_confirm(cloud):
    from novaclient import client as nova_client
    from nova.local import clients
    nova = nova_client.Client('2.56', session=clients.keystone_session(
        cloud.settings))
    server = nova.servers.create('nc-%s' % uuid.uuid4().hex[:6],
                                 image=cloud.image_id,
                                 flavor=cloud.small['id'], nics='none')
    cloud.wait_status(server.id, 'ACTIVE')
    nova.servers.resize(server.id, cloud.big['id'])
    cloud.wait_status(server.id, 'VERIFY_RESIZE')
    nova.servers.revert_resize(server.id)
    cloud.wait_status(server.id, 'ACTIVE')
    assert nova.servers.get(server.id).flavor['original_name'] == 'rc.small'
    nova.servers.migrate(server.id)
    cloud.wait_status(server.id, 'VERIFY_RESIZE')
    nova.servers.confirm_resize(server.id)
    cloud.wait_status(server.id, 'ACTIVE')
    migrations = nova.migrations.list(instance_uuid=server.id)
    assert {m.status for m in migrations} == {'reverted', 'confirmed'}
    nova.servers.delete(server.id)
    cloud.wait_gone(server.id)


def test_openstacksdk_resize_and_confirm(cloud):
    import openstack as sdk
    from nova.local import clients
    conn = sdk.connection.Connection(
        session=clients.keystone_session(cloud.settings),
        compute_api_version='2.56')
    server = conn.compute.create_server(
        name='sdk-%s' % uuid.uuid4().hex[:6], image_id=cloud.image_id,
        flavor_id=cloud.small['id'], networks='none')
    server = conn.compute.wait_for_server(server, status='ACTIVE', wait=120)
    conn.compute.resize_server(server, cloud.big['id'])
    server = conn.compute.wait_for_server(server, status='VERIFY_RESIZE',
                                          wait=120)
    conn.compute.confirm_server_resize(server)
    server = conn.compute.wait_for_server(server, status='ACTIVE', wait=120)
    assert server.flavor['original_name'] == 'rc.big'
    conn.compute.delete_server(server)
    cloud.wait_gone(server.id)
