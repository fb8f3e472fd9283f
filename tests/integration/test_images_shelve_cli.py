"""Server images, backups, rebuild, shelve and restore with the real
clients: the openstack CLI (incl. --wait), novaclient and openstacksdk,
against a deployment with two fake computes that soft-deletes
(reclaim_instance_interval) and offloads shelved servers at once
(shelved_offload_time 0, the upstream default)."""

import uuid

import pytest

from tests.integration import test_clients
from tests.integration.test_clients import openstack

pytestmark = [pytest.mark.integration, pytest.mark.timeout(900)]


@pytest.fixture(scope='module')
def cloud(tmp_path_factory):
    cloud, cleanup = test_clients.start_client_cloud(
        tmp_path_factory.mktemp('imagescli'),
        computes=('sc1', 'sc2'),
        extra_conf={'DEFAULT': {'reclaim_instance_interval': 600,
                                'shelved_offload_time': 0}})
    try:
        cloud.image_id = cloud.import_image('cirros-ish')
        cloud.image2_id = cloud.import_image('cirros-two')
        cloud.small = cloud.create_flavor('sc.small', vcpus=1, ram=128,
                                          disk=1)
        yield cloud
    finally:
        cleanup()


def _unique(prefix):
    return '%s-%s' % (prefix, uuid.uuid4().hex[:6])


def _create(cloud, name):
    return openstack(cloud, 'server', 'create', '--flavor', 'sc.small',
                     '--image', 'cirros-ish', '--no-network', '--wait',
                     name)


def test_cli_image_create_backup_and_rebuild(cloud):
    name = _unique('cli')
    server = _create(cloud, name)
    snap = _unique('snap')
    image = openstack(cloud, 'server', 'image', 'create', '--name', snap,
                      '--wait', server['id'])
    assert image['name'] == snap
    shown = openstack(cloud, 'image', 'show', snap)
    assert shown['status'] == 'active'
    props = shown.get('properties') or shown
    assert props['image_type'] == 'snapshot'
    assert props['instance_uuid'] == server['id']
    cloud.wait_for('server idle', lambda: cloud.server(server['id'])[
        'OS-EXT-STS:task_state'] is None)

    backup = _unique('bk')
    openstack(cloud, 'server', 'backup', 'create', '--name', backup,
              '--type', 'weekly', '--rotate', '1', '--wait', server['id'])
    assert openstack(cloud, 'image', 'show', backup)['status'] == 'active'
    cloud.wait_for('server idle', lambda: cloud.server(server['id'])[
        'OS-EXT-STS:task_state'] is None)

    openstack(cloud, 'server', 'rebuild', '--image', 'cirros-two',
              '--wait', server['id'])
    # The CLI prints the rebuild answer, then waits for ACTIVE.
    shown = cloud.server(server['id'])
    assert shown['status'] == 'ACTIVE'
    assert shown['image']['id'] == cloud.image2_id
    openstack(cloud, 'server', 'delete', server['id'], parse=False)


def test_cli_shelve_unshelve_and_restore(cloud):
    name = _unique('shelf')
    server = _create(cloud, name)
    openstack(cloud, 'server', 'shelve', '--wait', server['id'],
              parse=False)
    # shelved_offload_time 0: offloaded at once.
    shown = cloud.wait_status(server['id'], 'SHELVED_OFFLOADED')
    assert shown['OS-EXT-SRV-ATTR:host'] is None
    openstack(cloud, 'server', 'unshelve', '--wait', server['id'],
              parse=False)
    assert cloud.wait_status(server['id'], 'ACTIVE')[
        'OS-EXT-SRV-ATTR:host'] in ('sc1', 'sc2')

    # Soft delete, then restore.
    openstack(cloud, 'server', 'delete', server['id'], parse=False)
    cloud.wait_status(server['id'], 'SOFT_DELETED')
    openstack(cloud, 'server', 'restore', server['id'], parse=False)
    cloud.wait_status(server['id'], 'ACTIVE')
    openstack(cloud, 'server', 'delete', '--force', server['id'],
              parse=False)
    cloud.wait_gone(server['id'])


def test_novaclient_image_backup_shelve_and_force_delete(cloud):
    from novaclient import client as nova_client
    from nova.local import clients
    nova = nova_client.Client('2.45', session=clients.keystone_session(
        cloud.settings))
    server = nova.servers.create(_unique('nc'), image=cloud.image_id,
                                 flavor=cloud.small['id'], nics='none')
    cloud.wait_status(server.id, 'ACTIVE')
    image_id = nova.servers.create_image(server.id, _unique('ncsnap'),
                                         metadata={'via': 'novaclient'})
    cloud.wait_for('snapshot done', lambda: cloud.server(server.id)[
        'OS-EXT-STS:task_state'] is None)
    nova.servers.backup(server.id, _unique('ncbk'), 'daily', 2)
    cloud.wait_for('backup done', lambda: cloud.server(server.id)[
        'OS-EXT-STS:task_state'] is None)
    assert image_id
    nova.servers.shelve(server.id)
    cloud.wait_status(server.id, 'SHELVED_OFFLOADED')
    nova.servers.unshelve(server.id)
    cloud.wait_status(server.id, 'ACTIVE')
    nova.servers.delete(server.id)
    cloud.wait_status(server.id, 'SOFT_DELETED')
    nova.servers.force_delete(server.id)
    cloud.wait_gone(server.id)


def test_openstacksdk_rebuild_and_snapshot(cloud):
    import openstack as sdk
    from nova.local import clients
    conn = sdk.connection.Connection(
        session=clients.keystone_session(cloud.settings),
        compute_api_version='2.57')
    server = conn.compute.create_server(
        name=_unique('sdk'), image_id=cloud.image_id,
        flavor_id=cloud.small['id'], networks='none')
    server = conn.compute.wait_for_server(server, status='ACTIVE', wait=120)
    conn.compute.rebuild_server(server, image=cloud.image2_id,
                                name='sdk-rebuilt', admin_password='pw123')
    cloud.wait_for('rebuild done', lambda: (
        cloud.server(server.id)['status'] == 'ACTIVE' and
        cloud.server(server.id)['name'] == 'sdk-rebuilt'))
    server = conn.compute.get_server(server.id)
    assert server.image['id'] == cloud.image2_id
    conn.compute.create_server_image(server, _unique('sdksnap'),
                                     wait=False)
    cloud.wait_for('snapshot done', lambda: cloud.server(server.id)[
        'OS-EXT-STS:task_state'] is None)
    conn.compute.delete_server(server, force=True)
    cloud.wait_gone(server.id)
