"""Personality files (create and rebuild before microversion 2.57) against
real daemons: the files reach the fake driver's guest record, the
injected_files* quotas refuse what is too much with a 403, and 2.57 no
longer takes them.
"""

import base64
import json
import uuid

import pytest

from tests import conftest

pytestmark = [pytest.mark.functional, pytest.mark.timeout(600)]

OLD = {'OpenStack-API-Version': 'compute 2.56'}
NEW = {'OpenStack-API-Version': 'compute 2.57'}


@pytest.fixture(scope='module')
def cloud(tmp_path_factory, rabbit_available):
    cloud, cleanup = conftest.start_cloud(
        tmp_path_factory.mktemp('personality'), computes=('pc1',))
    try:
        cloud.flavor = cloud.create_flavor('pers.small')
        cloud.image_id = cloud.import_image('pers-image')
        cloud.image2_id = cloud.import_image('pers-image-2')
        yield cloud
    finally:
        cleanup()


def _b64(text):
    return base64.b64encode(text.encode()).decode()


def _server_body(cloud, personality, name=None):
    return {'server': {'name': name or 'pers-%s' % uuid.uuid4().hex[:6],
                       'flavorRef': cloud.flavor['id'],
                       'imageRef': cloud.image_id, 'networks': 'none',
                       'personality': personality}}


def _create(cloud, personality, headers=OLD, expect=202, name=None,
            client=None):
    return (client or cloud).request(
        'POST', '/servers', expect=expect, headers=headers,
        json=_server_body(cloud, personality, name=name))


def _guest_files(cloud, server_id):
    server = cloud.server(server_id)
    path = cloud.settings.path('fake-virt',
                               server['OS-EXT-SRV-ATTR:host'],
                               '%s.json' % server_id)
    with open(path) as f:
        return json.load(f)['injected_files']


def _servers_named(cloud, name, client=None):
    return (client or cloud).get('/servers', params={'name': name})[
        'servers']


def test_boot_with_personality_puts_the_files_in_the_guest(cloud):
    files = [{'path': '/etc/motd', 'contents': _b64('This is a test file.')},
             {'path': 'relative.txt', 'contents': ''}]
    server_id = _create(cloud, files).json()['server']['id']
    cloud.wait_status(server_id, 'ACTIVE')
    assert _guest_files(cloud, server_id) == files


def test_rebuild_with_personality_replaces_the_files(cloud):
    server_id = _create(cloud, [{'path': '/etc/old',
                                 'contents': _b64('old')}]).json()[
        'server']['id']
    cloud.wait_status(server_id, 'ACTIVE')
    files = [{'path': 'rebuild.txt', 'contents': _b64('Test server rebuild.')}]
    resp = cloud.request('POST', '/servers/%s/action' % server_id,
                         expect=202, headers=OLD, json={'rebuild': {
                             'imageRef': cloud.image2_id,
                             'personality': files}})
    assert resp.json()['server']['image']['id'] == cloud.image2_id

    def rebuilt():
        server = cloud.server(server_id)
        return (server['status'] == 'ACTIVE' and
                server['OS-EXT-STS:task_state'] is None and
                _guest_files(cloud, server_id) == files)
    cloud.wait_for('server %s rebuilt with its new files' % server_id,
                   rebuilt)


def test_personality_is_refused_from_2_57(cloud):
    name = 'pers-257-%s' % uuid.uuid4().hex[:6]
    resp = _create(cloud, [{'path': '/etc/x', 'contents': _b64('x')}],
                   headers=NEW, expect=400, name=name)
    assert 'personality' in resp.json()['badRequest']['message']
    assert _servers_named(cloud, name) == []
    server_id = _create(cloud, [], name=name).json()['server']['id']
    cloud.wait_status(server_id, 'ACTIVE')
    resp = cloud.request('POST', '/servers/%s/action' % server_id,
                         expect=400, headers=NEW, json={'rebuild': {
                             'imageRef': cloud.image_id,
                             'personality': []}})
    assert 'personality' in resp.json()['badRequest']['message']


@pytest.mark.parametrize('personality,status,message', [
    ([{'path': '/etc/f%d' % i, 'contents': _b64('x')} for i in range(6)],
     403, 'Personality file limit exceeded'),
    ([{'path': '/' + 'p' * 255, 'contents': _b64('x')}],
     403, 'Personality file path exceeds maximum 255'),
    ([{'path': '/etc/big', 'contents': _b64('x' * 7681)}],
     403, 'Personality file content exceeds maximum 10240'),
    ([{'path': '/etc/bad', 'contents': 'not base64!'}],
     400, 'Personality content for /etc/bad cannot be decoded'),
])
def test_too_much_or_undecodable_personality_is_refused(
        cloud, personality, status, message):
    name = 'pers-no-%s' % uuid.uuid4().hex[:6]
    resp = _create(cloud, personality, expect=status, name=name)
    fault = 'forbidden' if status == 403 else 'badRequest'
    assert resp.json() == {fault: {'code': status, 'message': message}}
    assert _servers_named(cloud, name) == []


def test_the_maximum_number_of_files_is_accepted(cloud):
    files = [{'path': '/etc/f%d' % i, 'contents': _b64('file %d' % i)}
             for i in range(5)]
    server_id = _create(cloud, files).json()['server']['id']
    cloud.wait_status(server_id, 'ACTIVE')
    assert _guest_files(cloud, server_id) == files


def test_limits_follow_the_projects_quota(cloud):
    project = 'pers-%s' % uuid.uuid4().hex[:6]
    client = conftest.Cloud(cloud.dep, token='user-%s:%s' % (project,
                                                             project))
    cloud.request('PUT', '/os-quota-sets/%s' % project, expect=200,
                  headers=OLD, json={'quota_set': {
                      'injected_files': 1,
                      'injected_file_content_bytes': 8}})
    absolute = client.get('/limits', headers=OLD)['limits']['absolute']
    assert absolute['maxPersonality'] == 1
    assert absolute['maxPersonalitySize'] == 8
    absolute = client.get('/limits', headers=NEW)['limits']['absolute']
    assert 'maxPersonality' not in absolute
    assert 'maxPersonalitySize' not in absolute
    two = [{'path': '/a', 'contents': ''}, {'path': '/b', 'contents': ''}]
    resp = _create(cloud, two, expect=403, client=client)
    assert resp.json()['forbidden']['message'] == \
        'Personality file limit exceeded'
    resp = _create(cloud, [{'path': '/a', 'contents': _b64('123456789')}],
                   expect=403, client=client)
    assert resp.json()['forbidden']['message'] == \
        'Personality file content exceeds maximum 8'
