"""createImage, createBackup, rebuild, shelve/unshelve and soft delete
against real daemons (two fake computes), driven through the REST API.

The deployment soft-deletes (reclaim_instance_interval 6) and never
offloads shelved servers on its own (shelved_offload_time -1), so each
step of the shelve and soft-delete state machines can be observed.
"""

import base64
import os
import time
import uuid

import pytest

from tests import conftest

pytestmark = [pytest.mark.functional, pytest.mark.timeout(900)]

RECLAIM = 6


@pytest.fixture(scope='module')
def cloud(tmp_path_factory, rabbit_available):
    cloud, cleanup = conftest.start_cloud(
        tmp_path_factory.mktemp('cloud-images'), computes=('fc1', 'fc2'),
        extra_conf={'DEFAULT': {'reclaim_instance_interval': RECLAIM,
                                'shelved_offload_time': -1}})
    try:
        cloud.flavor = cloud.create_flavor('img.small', vcpus=1, ram=128,
                                           disk=1)
        cloud.image_id = cloud.import_image('img-base')
        cloud.image2_id = cloud.import_image('img-other')
        yield cloud
    finally:
        cleanup()


def _unique(prefix):
    return '%s-%s' % (prefix, uuid.uuid4().hex[:6])


def _headers(version):
    return {'OpenStack-API-Version': 'compute %s' % version}


def _action(cloud, server_id, body, expect=202, version=None):
    kwargs = {'headers': _headers(version)} if version else {}
    return cloud.post('/servers/%s/action' % server_id, body,
                      expect=expect, **kwargs)


def _boot_active(cloud, name=None, **extra):
    body = cloud.boot(name or _unique('srv'), cloud.flavor['id'],
                      cloud.image_id, **extra)
    server_id = body['server']['id']
    cloud.wait_status(server_id, 'ACTIVE')
    return server_id


def _image(cloud, image_id):
    resp = cloud.request('GET', cloud.settings.image_endpoint +
                         '/v2/images/%s' % image_id)
    if resp.status_code == 404:
        return None
    assert resp.status_code == 200, resp.text
    return resp.json()


def _wait_image_active(cloud, image_id):
    def check():
        image = _image(cloud, image_id)
        return image if image and image['status'] == 'active' else None
    return cloud.wait_for('image %s active' % image_id, check)


def _images_of(cloud, server_id, **props):
    params = dict(props, instance_uuid=server_id)
    resp = cloud.request('GET', cloud.settings.image_endpoint + '/v2/images',
                         params=params, expect=200)
    return resp.json()['images']


def _wait_idle(cloud, server_id, status):
    def check():
        server = cloud.server(server_id)
        if server['status'] == status and \
                server['OS-EXT-STS:task_state'] is None:
            return server
        return None
    return cloud.wait_for('server %s %s with no task' % (server_id, status),
                          check)


def _allocations(cloud, server_id):
    return cloud.placement('GET', '/allocations/%s' % server_id,
                           expect=200).json()['allocations']


# ----------------------------------------------------------------------
# createImage / createBackup
# ----------------------------------------------------------------------
def test_create_image_puts_snapshot_in_image_service(cloud):
    server_id = _boot_active(cloud)
    resp = _action(cloud, server_id, {'createImage': {
        'name': 'snap-245', 'metadata': {'purpose': 'test'}}},
        version='2.45')
    image_id = resp.json()['image_id']
    assert 'Location' not in resp.headers
    image = _wait_image_active(cloud, image_id)
    assert image['name'] == 'snap-245'
    assert image['image_type'] == 'snapshot'
    assert image['instance_uuid'] == server_id
    assert image['base_image_ref'] == cloud.image_id
    assert image['user_id'] == 'admin'
    assert image['owner'] == 'admin'
    assert image['purpose'] == 'test'
    assert image['visibility'] == 'private'
    server = _wait_idle(cloud, server_id, 'ACTIVE')
    assert server['status'] == 'ACTIVE'

    # Before 2.45: an empty 202 whose Location names the image.
    resp = _action(cloud, server_id, {'createImage': {'name': 'snap-old'}})
    location = resp.headers['Location']
    assert not resp.content
    _wait_image_active(cloud, location.rsplit('/', 1)[-1])
    _wait_idle(cloud, server_id, 'ACTIVE')

    # Bad bodies and states.
    _action(cloud, server_id, {'createImage': {}}, expect=400)
    _action(cloud, server_id, {'createImage': {'name': 'x',
                                               'bogus': 1}}, expect=400)
    cloud.request('DELETE', '/servers/%s' % server_id, expect=204)


def test_create_backup_rotation_keeps_the_newest(cloud):
    server_id = _boot_active(cloud)
    ids = []
    for n in range(3):
        resp = _action(cloud, server_id, {'createBackup': {
            'name': 'bk-%d' % n, 'backup_type': 'daily', 'rotation': 2}},
            version='2.45')
        ids.append(resp.json()['image_id'])
        _wait_idle(cloud, server_id, 'ACTIVE')
        time.sleep(1.1)
    left = _images_of(cloud, server_id, image_type='backup',
                      backup_type='daily')
    assert sorted(i['id'] for i in left) == sorted(ids[1:])
    for image in left:
        assert image['backup_type'] == 'daily'
        assert image['status'] == 'active'
    _action(cloud, server_id, {'createBackup': {
        'name': 'bk', 'backup_type': 'daily', 'rotation': -1}}, expect=400)
    _action(cloud, server_id, {'createBackup': {
        'name': 'bk', 'rotation': 1}}, expect=400)
    cloud.request('DELETE', '/servers/%s' % server_id, expect=204)


# ----------------------------------------------------------------------
# rebuild
# ----------------------------------------------------------------------
def test_rebuild_with_new_image_name_metadata_key_and_user_data(cloud):
    key = _unique('key')
    resp = cloud.post('/os-keypairs', {'keypair': {'name': key}})
    assert resp.status_code in (200, 201), resp.text
    server_id = _boot_active(cloud)
    user_data = base64.b64encode(b'#!/bin/sh\necho hi\n').decode()
    resp = _action(cloud, server_id, {'rebuild': {
        'imageRef': cloud.image2_id, 'name': 'rebuilt',
        'metadata': {'k': 'v'}, 'key_name': key, 'user_data': user_data,
        'adminPass': 'Secret123', 'description': 'again'}},
        version='2.57')
    body = resp.json()['server']
    assert body['adminPass'] == 'Secret123'
    assert body['status'] == 'REBUILD'
    assert body['key_name'] == key
    assert body['user_data'] == user_data
    server = _wait_idle(cloud, server_id, 'ACTIVE')
    assert server['image']['id'] == cloud.image2_id
    assert server['name'] == 'rebuilt'
    assert server['metadata'] == {'k': 'v'}
    assert server['key_name'] == key

    # 2.54: a null key_name takes the key away.
    resp = _action(cloud, server_id, {'rebuild': {
        'imageRef': cloud.image_id, 'key_name': None}}, version='2.75')
    body = resp.json()['server']
    assert body['key_name'] is None
    assert 'adminPass' in body
    server = _wait_idle(cloud, server_id, 'ACTIVE')
    assert server['image']['id'] == cloud.image_id
    assert server['key_name'] is None

    actions = cloud.get('/servers/%s/os-instance-actions' % server_id)
    assert 'rebuild' in [a['action'] for a in actions['instanceActions']]
    cloud.request('DELETE', '/servers/%s' % server_id, expect=204)


def test_rebuild_refusals(cloud):
    server_id = _boot_active(cloud)
    # Unknown image, bad key, too-small flavor: 400.
    _action(cloud, server_id, {'rebuild': {'imageRef': str(uuid.uuid4())}},
            expect=400)
    _action(cloud, server_id, {'rebuild': {
        'imageRef': cloud.image_id, 'key_name': 'nope'}},
        version='2.54', expect=400)
    big = cloud.settings.path('big.img')
    with open(big, 'wb') as f:
        f.write(os.urandom(1024))
    big_id = cloud.manage('image', 'import', big, '--name', 'img-big',
                          '--min-disk', '50').strip().splitlines()[-1]
    _action(cloud, server_id, {'rebuild': {'imageRef': big_id}}, expect=400)
    # key_name before 2.54 and user_data before 2.57: schema errors.
    _action(cloud, server_id, {'rebuild': {
        'imageRef': cloud.image_id, 'key_name': None}}, expect=400)
    _action(cloud, server_id, {'rebuild': {
        'imageRef': cloud.image_id, 'user_data': 'aGk='}},
        version='2.56', expect=400)
    # A shelved server cannot be rebuilt: 409.
    _action(cloud, server_id, {'shelve': None})
    _wait_idle(cloud, server_id, 'SHELVED')
    _action(cloud, server_id, {'rebuild': {'imageRef': cloud.image_id}},
            expect=409)
    cloud.request('DELETE', '/servers/%s' % server_id, expect=204)


def test_rebuild_of_stopped_server_stays_stopped(cloud):
    server_id = _boot_active(cloud)
    _action(cloud, server_id, {'os-stop': None})
    _wait_idle(cloud, server_id, 'SHUTOFF')
    _action(cloud, server_id, {'rebuild': {'imageRef': cloud.image2_id}})
    server = _wait_idle(cloud, server_id, 'SHUTOFF')
    assert server['image']['id'] == cloud.image2_id
    assert server['OS-EXT-STS:power_state'] == 4
    cloud.request('DELETE', '/servers/%s' % server_id, expect=204)


# ----------------------------------------------------------------------
# shelve / unshelve
# ----------------------------------------------------------------------
def test_shelve_then_unshelve_in_place(cloud):
    name = _unique('shelf')
    server_id = _boot_active(cloud, name)
    host = cloud.server(server_id)['OS-EXT-SRV-ATTR:host']
    _action(cloud, server_id, {'shelve': None})
    server = _wait_idle(cloud, server_id, 'SHELVED')
    assert server['OS-EXT-SRV-ATTR:host'] == host
    shelved = [i for i in _images_of(cloud, server_id)
               if i['name'] == '%s-shelved' % name]
    assert len(shelved) == 1 and shelved[0]['status'] == 'active'
    # The zone and host parameters only apply to offloaded servers.
    _action(cloud, server_id, {'unshelve': {'availability_zone': 'nova'}},
            version='2.77', expect=409)
    _action(cloud, server_id, {'unshelve': None})
    server = _wait_idle(cloud, server_id, 'ACTIVE')
    assert server['OS-EXT-SRV-ATTR:host'] == host
    assert _image(cloud, shelved[0]['id']) is None
    cloud.request('DELETE', '/servers/%s' % server_id, expect=204)


def _shelve_offloaded(cloud, server_id):
    _action(cloud, server_id, {'shelve': None})
    _wait_idle(cloud, server_id, 'SHELVED')
    _action(cloud, server_id, {'shelveOffload': None})
    server = _wait_idle(cloud, server_id, 'SHELVED_OFFLOADED')
    assert server['OS-EXT-SRV-ATTR:host'] is None
    assert server['OS-EXT-SRV-ATTR:hypervisor_hostname'] is None
    assert _allocations(cloud, server_id) == {}
    return server


def test_shelve_offload_and_unshelve_to_a_host_and_into_a_zone(cloud):
    server_id = _boot_active(cloud)
    first = cloud.server(server_id)['OS-EXT-SRV-ATTR:host']
    other = 'fc2' if first == 'fc1' else 'fc1'
    _shelve_offloaded(cloud, server_id)

    # 2.91: an admin names the host.
    _action(cloud, server_id, {'unshelve': {'host': 'no-such-host'}},
            version='2.91', expect=400)
    _action(cloud, server_id, {'unshelve': {'host': other}}, version='2.90',
            expect=400)
    _action(cloud, server_id, {'unshelve': {'host': other}}, version='2.91')
    server = _wait_idle(cloud, server_id, 'ACTIVE')
    assert server['OS-EXT-SRV-ATTR:host'] == other
    allocations = _allocations(cloud, server_id)
    assert len(allocations) == 1
    assert _images_of(cloud, server_id, image_type='snapshot') == []

    # 2.77: into a zone, made of the first host.
    agg = cloud.post('/os-aggregates', {'aggregate': {
        'name': _unique('agg'), 'availability_zone': 'az-shelf'}},
        expect=200).json()['aggregate']
    cloud.post('/os-aggregates/%s/action' % agg['id'],
               {'add_host': {'host': first}}, expect=200)
    try:
        _shelve_offloaded(cloud, server_id)
        _action(cloud, server_id, {'unshelve': {
            'availability_zone': 'no-such-zone'}}, version='2.77',
            expect=400)
        _action(cloud, server_id, {'unshelve': {
            'availability_zone': 'az-shelf', 'host': other}},
            version='2.91', expect=400)
        _action(cloud, server_id, {'unshelve': {
            'availability_zone': 'az-shelf'}}, version='2.77')
        server = _wait_idle(cloud, server_id, 'ACTIVE')
        assert server['OS-EXT-SRV-ATTR:host'] == first
        assert server['OS-EXT-AZ:availability_zone'] == 'az-shelf'
    finally:
        cloud.request('DELETE', '/servers/%s' % server_id, expect=204)
        cloud.post('/os-aggregates/%s/action' % agg['id'],
                   {'remove_host': {'host': first}})


def test_shelve_offload_needs_an_admin(cloud):
    server_id = _boot_active(cloud)
    _action(cloud, server_id, {'shelveOffload': None}, expect=409)
    _action(cloud, server_id, {'shelve': None})
    _wait_idle(cloud, server_id, 'SHELVED')
    resp = cloud.request('POST', '/servers/%s/action' % server_id,
                         json={'shelveOffload': None},
                         headers={'X-Auth-Token': 'demo:admin'})
    assert resp.status_code == 403, resp.text
    cloud.request('DELETE', '/servers/%s' % server_id, expect=204)


# ----------------------------------------------------------------------
# soft delete
# ----------------------------------------------------------------------
def _soft_delete(cloud, server_id):
    cloud.request('DELETE', '/servers/%s' % server_id, expect=204)
    server = _wait_idle(cloud, server_id, 'SOFT_DELETED')
    assert server['OS-EXT-STS:power_state'] == 4
    return server


def test_soft_delete_then_restore(cloud):
    server_id = _boot_active(cloud)
    _soft_delete(cloud, server_id)
    assert _allocations(cloud, server_id)
    _action(cloud, server_id, {'restore': None})
    server = _wait_idle(cloud, server_id, 'ACTIVE')
    assert server['OS-EXT-STS:power_state'] == 1
    _action(cloud, server_id, {'restore': None}, expect=409)
    # Long after the reclaim interval, a restored server is still there.
    time.sleep(RECLAIM + 2)
    assert cloud.server(server_id)['status'] == 'ACTIVE'
    _soft_delete(cloud, server_id)
    _action(cloud, server_id, {'forceDelete': None})
    cloud.wait_gone(server_id)


def test_soft_deleted_server_is_reclaimed_by_the_periodic(cloud):
    server_id = _boot_active(cloud)
    _soft_delete(cloud, server_id)
    cloud.wait_gone(server_id, timeout=RECLAIM * 4 + 30)
    assert _allocations(cloud, server_id) == {}
