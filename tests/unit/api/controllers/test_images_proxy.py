"""The images proxy on a real local image source: delete, the server and
type filters, and /images/{id}/metadata."""

import pytest

from nova.image import api as image_api
from nova.image import local
from nova import context

SERVER = '0b1d7b5e-5b8e-4b4c-8a47-3d1c3c4b2a10'


@pytest.fixture
def source(tmp_path, monkeypatch):
    from nova.api.controllers import image_metadata
    from nova.api.controllers import images
    api = image_api.API(local.LocalImageSource(str(tmp_path)))
    monkeypatch.setattr(images, '_image_api', lambda: api)
    monkeypatch.setattr(image_metadata, '_image_api', lambda: api)
    ctx = context.RequestContext(user_id='demo', project_id='demo')
    base = api.create(ctx, {'name': 'base', 'visibility': 'public',
                            'min_ram': 64}, data=b'x')
    snap = api.create(ctx, {'name': 'snap', 'instance_uuid': SERVER,
                            'image_type': 'snapshot'}, data=b'y')
    return {'api': api, 'base': base['id'], 'snap': snap['id']}


def _names(resp):
    return sorted(i['name'] for i in resp.json['images'])


def test_server_and_type_filters(client, source):
    assert _names(client.request(
        'GET', '/v2.1/images?server=%s' % SERVER)) == ['snap']
    assert _names(client.request(
        'GET', '/v2.1/images/detail?server=http://x/servers/%s'
        % SERVER)) == ['snap']
    assert _names(client.request(
        'GET', '/v2.1/images?type=snapshot')) == ['snap']
    assert _names(client.request(
        'GET', '/v2.1/images/detail?minRam=64')) == ['base']
    assert len(client.request(
        'GET', '/v2.1/images?status=ACTIVE&limit=1').json['images']) == 1


def test_delete(client, source):
    path = '/v2.1/images/%s' % source['snap']
    assert client.request('DELETE', path,
                          token='other:other').status_int == 404
    assert client.request('DELETE', path).status_int == 204
    assert client.request('GET', path).status_int == 404
    assert client.request('DELETE', path).status_int == 404
    assert client.request('DELETE', '/v2.1/images/%s' % source['base'],
                          version='2.36').status_int == 404


def test_metadata(client, source):
    path = '/v2.1/images/%s/metadata' % source['base']
    assert client.request('GET', path).json == {'metadata': {}}
    resp = client.request('POST', path, body={'metadata': {'a': '1'}})
    assert resp.json == {'metadata': {'a': '1'}}
    resp = client.request('POST', path, body={'metadata': {'b': '2'}})
    assert resp.json == {'metadata': {'a': '1', 'b': '2'}}
    resp = client.request('PUT', path, body={'metadata': {'c': '3'}})
    assert resp.json == {'metadata': {'c': '3'}}
    assert client.request('GET', path + '/c').json == {'meta': {'c': '3'}}
    assert client.request('GET', path + '/zz').status_int == 404
    resp = client.request('PUT', path + '/d', body={'meta': {'d': '4'}})
    assert resp.json == {'meta': {'d': '4'}}
    assert client.request('PUT', path + '/d',
                          body={'meta': {'e': '4'}}).status_int == 400
    assert client.request('DELETE', path + '/c').status_int == 204
    assert client.request('DELETE', path + '/c').status_int == 404
    assert client.request('GET', path).json == {'metadata': {'d': '4'}}
    # Another project sees the public image but may not change it.
    assert client.request('POST', path, body={'metadata': {'x': '1'}},
                          token='other:other').status_int == 403
    assert client.request('GET', '/v2.1/images/%s/metadata' % 'f' * 36
                          ).status_int == 404


def test_disk_config_shown_from_the_image_property(client, source):
    api, ctx = source['api'], context.RequestContext(user_id='demo',
                                                     project_id='demo')
    auto = api.create(ctx, {'name': 'auto', 'auto_disk_config': 'True'},
                      data=b'a')
    manual = api.create(ctx, {'name': 'manual',
                              'auto_disk_config': 'disabled'}, data=b'm')
    shown = {i['name']: i.get('OS-DCF:diskConfig') for i in client.request(
        'GET', '/v2.1/images/detail').json['images']}
    assert shown == {'base': None, 'snap': None, 'auto': 'AUTO',
                     'manual': 'MANUAL'}
    assert client.request('GET', '/v2.1/images/%s' % auto['id']).json[
        'image']['OS-DCF:diskConfig'] == 'AUTO'
    assert client.request('GET', '/v2.1/images/%s' % manual['id']).json[
        'image']['OS-DCF:diskConfig'] == 'MANUAL'
