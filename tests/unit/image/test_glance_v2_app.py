"""The Glance v2 face of the local image source."""

import json

import pytest
import webob

from nova.image import glance_v2_app
from nova.api import identity_stub


class FakeImageAPI:
    def __init__(self, images):
        self.images = images
        self.calls = []

    def get(self, context, image_id):
        from nova import exception
        for image in self.images:
            if image['id'] == image_id:
                return image
        raise exception.ImageNotFound(image_id=image_id)

    def get_all(self, context, filters=None, limit=None, marker=None,
                sort_key='created_at', sort_dir='desc'):
        self.calls.append(dict(filters=filters, limit=limit, marker=marker,
                               sort_key=sort_key, sort_dir=sort_dir))
        images = [i for i in self.images
                  if all(i.get(k) == v for k, v in (filters or {}).items()
                         if k != 'properties')]
        images.sort(key=lambda i: i['name'], reverse=sort_dir == 'desc')
        if marker:
            ids = [i['id'] for i in images]
            images = images[ids.index(marker) + 1:]
        return images[:limit]


def _image(n):
    return {'id': 'id-%d' % n, 'name': 'img%d' % n, 'status': 'active',
            'visibility': 'public', 'size': 10, 'disk_format': 'raw',
            'container_format': 'bare', 'properties': {'os_distro': 'x'}}


@pytest.fixture
def api():
    return FakeImageAPI([_image(n) for n in range(1, 6)])


def _outer(environ, start_response):
    start_response('200 OK', [('Content-Type', 'text/plain')])
    return [b'outer']


@pytest.fixture
def app(api):
    return glance_v2_app.mount(_outer, api=api)


def _get(app, path, token='demo:demo'):
    """A request as the API's authentication middleware passes it on:
    with the request context in the environ."""
    from nova import context
    req = webob.Request.blank(path)
    if token:
        user, _sep, project = token.partition(':')
        req.environ[glance_v2_app.ENV_CONTEXT] = context.RequestContext(
            user_id=user, project_id=project, is_admin=(user == 'admin'))
    return req.get_response(app)


def test_requests_outside_the_prefix_go_to_the_wrapped_app(app):
    assert _get(app, '/v2.1/servers').body == b'outer'
    assert _get(app, '/imagery').body == b'outer'


def test_version_document_links_honour_the_prefix(app):
    resp = _get(app, '/image', token=None)
    assert resp.status_int == 300
    versions = resp.json['versions']
    assert versions[0]['status'] == 'CURRENT'
    assert versions[0]['links'][0]['href'] == 'http://localhost/image/v2/'


def test_show_flattens_properties(app):
    body = _get(app, '/image/v2/images/id-2').json
    assert body['name'] == 'img2'
    assert body['os_distro'] == 'x'
    assert 'properties' not in body
    assert body['self'] == '/v2/images/id-2'


def test_unknown_image_is_404_with_message(app):
    resp = _get(app, '/image/v2/images/nope')
    assert resp.status_int == 404
    assert 'nope' in resp.json['message']


def test_list_filters_by_name(app, api):
    body = _get(app, '/image/v2/images?name=img3').json
    assert [i['id'] for i in body['images']] == ['id-3']
    assert api.calls[-1]['filters'] == {'name': 'img3'}
    assert 'next' not in body


def test_list_pages_with_next_link(app, api):
    body = _get(app, '/image/v2/images?limit=2&sort_key=name&sort_dir=asc'
                ).json
    assert [i['id'] for i in body['images']] == ['id-1', 'id-2']
    assert body['next'].startswith('/v2/images?')
    assert 'marker=id-2' in body['next']
    body = _get(app, '/image' + body['next']).json
    assert [i['id'] for i in body['images']] == ['id-3', 'id-4']


def test_sort_parameter_of_glance(app, api):
    _get(app, '/image/v2/images?sort=name:asc')
    assert api.calls[-1]['sort_key'] == 'name'
    assert api.calls[-1]['sort_dir'] == 'asc'


def test_unsupported_writes_are_refused(app):
    assert _call(app, 'PUT', '/image/v2/images/id-1').status_int == 405
    assert _call(app, 'POST', '/image/v2/images/id-1/file').status_int \
        == 405


def _call(app, method, path, body=None, token='demo:demo', **kwargs):
    from nova import context
    req = webob.Request.blank(path, method=method, **kwargs)
    if body is not None:
        req.body = body
    user, _sep, project = token.partition(':')
    req.environ[glance_v2_app.ENV_CONTEXT] = context.RequestContext(
        user_id=user, project_id=project, is_admin=(user == 'admin'))
    return req.get_response(app)


def test_create_upload_download_delete(tmp_path):
    from nova.image import api as image_api
    from nova.image import local
    app = glance_v2_app.mount(_outer, api=image_api.API(
        local.LocalImageSource(str(tmp_path))))
    resp = _call(app, 'POST', '/image/v2/images', json.dumps({
        'name': 'snap', 'disk_format': 'raw', 'container_format': 'bare',
        'min_ram': 64, 'visibility': 'private', 'tags': ['a'],
        'hw_arch': 'x86_64'}).encode())
    assert resp.status_int == 201, resp.body
    image = resp.json
    assert image['status'] == 'queued'
    assert image['hw_arch'] == 'x86_64' and image['min_ram'] == 64
    assert resp.headers['Location'].endswith('/image/v2/images/%s'
                                             % image['id'])
    path = '/image/v2/images/%s' % image['id']
    assert _call(app, 'GET', path + '/file').status_int == 204
    assert _call(app, 'PUT', path + '/file', b'data').status_int == 204
    assert _call(app, 'PUT', path + '/file', b'again').status_int == 409
    assert _call(app, 'GET', path).json['status'] == 'active'
    assert _call(app, 'GET', path + '/file').body == b'data'
    assert _call(app, 'GET', path + '/tasks').json == {'tasks': []}
    # Another project neither sees nor deletes a private image.
    assert _call(app, 'DELETE', path, token='other:other').status_int == 404
    assert _call(app, 'DELETE', path).status_int == 204
    assert _call(app, 'GET', path).status_int == 404
    assert _call(app, 'DELETE', path).status_int == 404


def test_create_rejects_bad_bodies(tmp_path):
    from nova.image import api as image_api
    from nova.image import local
    app = glance_v2_app.mount(_outer, api=image_api.API(
        local.LocalImageSource(str(tmp_path))))
    assert _call(app, 'POST', '/image/v2/images',
                 b'not json').status_int == 400
    assert _call(app, 'POST', '/image/v2/images', json.dumps(
        {'disk_format': 'nope'}).encode()).status_int == 400


def test_credentials_are_required(app):
    assert _get(app, '/image/v2/images', token=None).status_int == 401


def test_identity_stub_answers_discovery_only():
    app = identity_stub.mount(_outer)
    resp = _get(app, '/identity/v3', token=None)
    assert resp.status_int == 200
    assert resp.json['version']['id'].startswith('v3')
    assert _get(app, '/identity/v3/projects').status_int == 404
    assert _get(app, '/v2.1').body == b'outer'


def test_identity_stub_hands_back_the_noauth2_token_with_a_catalog():
    import json
    app = identity_stub.mount(_outer)
    req = webob.Request.blank('/identity/v3/auth/tokens', method='POST')
    req.body = json.dumps({'auth': {
        'identity': {'methods': ['token'], 'token': {'id': 'admin:admin'}},
        'scope': {'project': {'id': 'admin'}}}}).encode()
    resp = req.get_response(app)
    assert resp.status_int == 201
    assert resp.headers['X-Subject-Token'] == 'admin:admin'
    catalog = {s['type']: s for s in resp.json['token']['catalog']}
    assert catalog['compute']['endpoints'][0]['url'] == \
        'http://localhost/v2.1'
    assert catalog['image']['endpoints'][0]['url'] == 'http://localhost/image'


def _patch(app, path, changes, token='demo:demo',
           content_type=glance_v2_app.PATCH_TYPE):
    return _call(app, 'PATCH', path, json.dumps(changes).encode(), token,
                 content_type=content_type)


def test_json_patch_of_custom_properties(tmp_path):
    from nova.image import api as image_api
    from nova.image import local
    app = glance_v2_app.mount(_outer, api=image_api.API(
        local.LocalImageSource(str(tmp_path))))
    image = _call(app, 'POST', '/image/v2/images', json.dumps({
        'name': 'p', 'hw_arch': 'x86_64', 'os_distro': 'cirros'}).encode()
    ).json
    path = '/image/v2/images/%s' % image['id']
    resp = _patch(app, path, [
        {'op': 'replace', 'path': '/hw_arch', 'value': 'aarch64'},
        {'op': 'add', 'path': '/a~1b', 'value': 'slash'},
        {'op': 'remove', 'path': '/os_distro'}])
    assert resp.status_int == 200, resp.body
    assert resp.json['hw_arch'] == 'aarch64'
    assert resp.json['a/b'] == 'slash'
    assert 'os_distro' not in resp.json
    assert _call(app, 'GET', path).json['hw_arch'] == 'aarch64'


def test_json_patch_is_all_or_nothing(tmp_path):
    from nova.image import api as image_api
    from nova.image import local
    app = glance_v2_app.mount(_outer, api=image_api.API(
        local.LocalImageSource(str(tmp_path))))
    image = _call(app, 'POST', '/image/v2/images', json.dumps({
        'name': 'p', 'hw_arch': 'x86_64'}).encode()).json
    path = '/image/v2/images/%s' % image['id']
    # A later bad change leaves the earlier good one unapplied.
    resp = _patch(app, path, [
        {'op': 'replace', 'path': '/hw_arch', 'value': 'aarch64'},
        {'op': 'remove', 'path': '/missing'}])
    assert resp.status_int == 409
    assert _call(app, 'GET', path).json['hw_arch'] == 'x86_64'
    assert _patch(app, path, [{'op': 'replace', 'path': '/name',
                               'value': 'x'}]).status_int == 403
    assert _patch(app, path, [{'op': 'move', 'path': '/hw_arch'}]
                  ).status_int == 400
    assert _patch(app, path, [{'op': 'add', 'path': '/n', 'value': 1}]
                  ).status_int == 400
    assert _patch(app, path, [], content_type='application/json'
                  ).status_int == 415
    # Another project's private image does not exist for it.
    assert _patch(app, path, [], token='other:other').status_int == 404


# What Glance 2.x answers for an image (GET /v2/images/{id}), without
# custom properties.
GLANCE_FIELDS = {'id', 'name', 'status', 'visibility', 'owner', 'size',
                 'virtual_size', 'checksum', 'os_hash_algo', 'os_hash_value',
                 'disk_format', 'container_format', 'min_ram', 'min_disk',
                 'protected', 'os_hidden', 'created_at', 'updated_at',
                 'tags', 'self', 'file', 'schema'}


def test_image_imported_by_nova_manage_has_every_glance_field(
        tmp_path, conf):
    """An image imported without a project (nova-manage) shows the
    default owner, never null: clients look the owner up in Keystone."""
    from nova import context
    from nova.image import api as image_api
    from nova.image import local
    conf.config(local_default_owner='admin', group='image')
    api = image_api.API(local.LocalImageSource(str(tmp_path)))
    image = api.create(context.get_admin_context(),
                       {'name': 'cirros', 'visibility': 'public',
                        'properties': {'os_distro': 'cirros'}},
                       data=b'abc')
    app = glance_v2_app.mount(_outer, api=api)
    for body in (_get(app, '/image/v2/images/%s' % image['id']).json,
                 _get(app, '/image/v2/images').json['images'][0]):
        assert GLANCE_FIELDS <= set(body), GLANCE_FIELDS - set(body)
        assert 'properties' not in body and 'locations' not in body
        assert body['owner'] == 'admin'
        assert body['os_distro'] == 'cirros'
        assert body['size'] == 3 and body['status'] == 'active'
        assert body['checksum'] and body['os_hash_value']
        assert body['os_hash_algo'] == 'sha512'
        assert (body['min_ram'], body['min_disk']) == (0, 0)
        assert body['protected'] is False and body['os_hidden'] is False
        assert body['tags'] == []
        assert body['file'] == '/v2/images/%s/file' % image['id']


def test_view_fills_what_a_record_lacks():
    body = glance_v2_app.image_view({'id': 'x', 'name': 'n',
                                     'properties': {}})
    assert GLANCE_FIELDS <= set(body)
    assert body['visibility'] == 'shared' and body['min_ram'] == 0
