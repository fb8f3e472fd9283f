"""The Glance v2 image source against a real HTTP peer on loopback.

The peer is nova's own Glance v2 face (nova.image.glance_v2_app) over a
local image directory, behind the noauth2 middleware (tokens
"<user>:<project>", user "admin" is an administrator), served by wsgiref
in a thread under /image as nova-local serves it. A recorder in front of
it keeps the headers of every request.
"""

import threading
from wsgiref import simple_server

import pytest
from keystoneauth1 import loading as ks_loading

from nova.api import auth
from nova import context as nova_context
from nova import exception
from nova.image import api as image_api
from nova.image import glance
from nova.image import glance_v2_app
from nova.image import local
from nova import service_auth


class _QuietHandler(simple_server.WSGIRequestHandler):
    def log_message(self, *args):
        pass


class Recorder:
    """WSGI middleware that keeps (method, path, headers) of requests."""

    def __init__(self, app):
        self.app = app
        self.requests = []

    def __call__(self, environ, start_response):
        headers = {key[5:].replace('_', '-').title(): value
                   for key, value in environ.items()
                   if key.startswith('HTTP_')}
        self.requests.append((environ['REQUEST_METHOD'],
                              environ.get('PATH_INFO', ''),
                              environ.get('QUERY_STRING', ''), headers))
        return self.app(environ, start_response)


def _not_found(environ, start_response):
    start_response('404 Not Found', [('Content-Type', 'text/html')])
    return [b'<html><body><h1>404 Not Found</h1>nothing here</body></html>']


class Peer:
    """A Glance v2 API on a free loopback port."""

    def __init__(self, app):
        self.server = simple_server.make_server(
            '127.0.0.1', 0, app, handler_class=_QuietHandler)
        self.url = 'http://127.0.0.1:%d' % self.server.server_port
        self.thread = threading.Thread(target=self.server.serve_forever,
                                       daemon=True)
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)


@pytest.fixture
def peer(tmp_path):
    source = local.LocalImageSource(str(tmp_path / 'glance-store'))
    recorder = Recorder(glance_v2_app.mount(
        _not_found, api=image_api.API(source)))
    server = Peer(auth.NoAuth2(recorder))
    server.recorder = recorder
    server.source = source
    yield server
    server.stop()


@pytest.fixture
def glance_conf(conf, peer):
    service_auth.reset()
    conf.config(source='glance', group='image')
    conf.config(endpoint_override=peer.url + '/image', connect_retries=0,
                group='glance')
    yield conf
    service_auth.reset()


@pytest.fixture
def images(glance_conf):
    return image_api.API()


def _ctx(user='alice', project='p1', **kwargs):
    kwargs.setdefault('auth_token', '%s:%s' % (user, project))
    return nova_context.RequestContext(
        user_id=user, project_id=project, is_admin=(user == 'admin'),
        roles=['member', 'reader'], **kwargs)


ALICE = _ctx()
BOB = _ctx('bob', 'p2')


def test_source_glance_selects_the_glance_backend(images):
    assert isinstance(images.backend, glance.GlanceImageSource)


def test_create_with_data_then_get_and_download(images, peer, tmp_path):
    image = images.create(ALICE, {'name': 'cirros', 'disk_format': 'qcow2',
                                  'min_ram': 64, 'hw_arch': 'x86_64',
                                  'properties': {'os_distro': 'cirros'}},
                          data=b'x' * 5000)
    assert image['status'] == 'active'
    assert image['size'] == 5000
    assert image['owner'] == 'p1' and image['visibility'] == 'private'
    assert image['properties'] == {'hw_arch': 'x86_64',
                                   'os_distro': 'cirros'}
    # The same record shape as the local source: the rest of nova never
    # knows which source answered.
    stored = peer.source.get(None, image['id'])
    assert set(image) == set(stored)
    assert images.get(ALICE, image['id']) == image
    assert images.download(ALICE, image['id']) == b'x' * 5000
    dst = tmp_path / 'copy'
    assert images.download(ALICE, image['id'], dst_path=str(dst)) is None
    assert dst.read_bytes() == b'x' * 5000


def test_the_users_token_goes_to_glance(images, peer):
    images.create(ALICE, {'name': 'mine'})
    methods = [(m, p) for m, p, _q, _h in peer.recorder.requests]
    assert methods == [('POST', '/image/v2/images')]
    headers = peer.recorder.requests[0][3]
    assert headers['X-Auth-Token'] == 'alice:p1'
    assert 'X-Service-Token' not in headers


def test_service_token_goes_along_when_enabled(glance_conf, images, peer):
    glance_conf.config(send_service_user_token=True, auth_type='admin_token',
                       group='service_user')
    glance_conf.register_opts(
        ks_loading.get_auth_plugin_conf_options('admin_token'),
        group='service_user')
    glance_conf.config(token='nova-service-token', endpoint='http://unused',
                       group='service_user')
    ctx = _ctx(global_request_id='req-' + '1' * 36)
    image = images.create(ctx, {'name': 'snap'}, data=b'data')
    images.download(ctx, image['id'])
    assert [m for m, _p, _q, _h in peer.recorder.requests] == [
        'POST', 'PUT', 'GET', 'GET', 'GET']
    for _method, _path, _query, headers in peer.recorder.requests:
        assert headers['X-Auth-Token'] == 'alice:p1'
        assert headers['X-Service-Token'] == 'nova-service-token'
        assert headers['X-Openstack-Request-Id'] == 'req-' + '1' * 36


def test_create_queued_then_upload(images):
    image = images.create(ALICE, {'name': 'later', 'container_format': 'bare'})
    assert image['status'] == 'queued' and image['size'] is None
    with pytest.raises(exception.ImageNotActive):
        images.download(ALICE, image['id'])
    image = images.upload(ALICE, image['id'], b'payload')
    assert image['status'] == 'active' and image['size'] == 7
    with pytest.raises(exception.Conflict):
        images.upload(ALICE, image['id'], b'again')


def test_upload_from_a_file_object(images, tmp_path):
    path = tmp_path / 'disk.img'
    path.write_bytes(b'0123456789' * 1000)
    image = images.create(ALICE, {'name': 'file'})
    with open(path, 'rb') as data:
        image = images.upload(ALICE, image['id'], data)
    assert image['size'] == 10000
    assert images.download(ALICE, image['id']) == path.read_bytes()


def test_existing_id_is_a_conflict(images):
    image = images.create(ALICE, {'name': 'one'})
    with pytest.raises(exception.ImageExists):
        images.create(ALICE, {'id': image['id'], 'name': 'two'})


def test_other_projects_see_public_images_only(images):
    private = images.create(ALICE, {'name': 'private'}, data=b'p')
    public = images.create(ALICE, {'name': 'public', 'visibility': 'public'},
                           data=b'q')
    with pytest.raises(exception.ImageNotFound):
        images.get(BOB, private['id'])
    with pytest.raises(exception.ImageNotFound):
        images.download(BOB, private['id'])
    assert images.get(BOB, public['id'])['name'] == 'public'
    assert [i['name'] for i in images.get_all(BOB)] == ['public']
    with pytest.raises(exception.Forbidden):
        images.delete(BOB, public['id'])
    with pytest.raises(exception.Forbidden):
        images.update_properties(BOB, public['id'], {'a': 'b'})
    admin = _ctx('admin', 'admin')
    assert {i['name'] for i in images.get_all(admin)} == {'private',
                                                          'public'}


def test_unknown_image(images):
    with pytest.raises(exception.ImageNotFound):
        images.get(ALICE, '6a4f3c0e-4a9b-4f7e-9e39-2f6b0b8f2c11')
    with pytest.raises(exception.ImageNotFound):
        images.delete(ALICE, '6a4f3c0e-4a9b-4f7e-9e39-2f6b0b8f2c11')
    with pytest.raises(exception.ImageNotFound):
        images.get(ALICE, None)


def test_delete(images):
    image = images.create(ALICE, {'name': 'gone'}, data=b'z')
    images.delete(ALICE, image['id'])
    with pytest.raises(exception.ImageNotFound):
        images.get(ALICE, image['id'])


def test_list_filters_sorts_and_pages(images, monkeypatch):
    for n in range(7):
        images.create(ALICE, {'name': 'img%d' % n, 'min_ram': n * 64,
                              'flavor': 'odd' if n % 2 else 'even'},
                      data=b'x' * (n + 1))
    # Pages of two make the client follow Glance's paging.
    monkeypatch.setattr(glance, 'PAGE_SIZE', 2)
    names = [i['name'] for i in images.get_all(ALICE, sort_key='name',
                                                sort_dir='asc')]
    assert names == ['img%d' % n for n in range(7)]
    page = images.get_all(ALICE, sort_key='name', sort_dir='asc', limit=3)
    assert [i['name'] for i in page] == ['img0', 'img1', 'img2']
    page = images.get_all(ALICE, sort_key='name', sort_dir='asc', limit=3,
                          marker=page[-1]['id'])
    assert [i['name'] for i in page] == ['img3', 'img4', 'img5']
    assert [i['name'] for i in images.get_all(
        ALICE, filters={'name': 'img4'})] == ['img4']
    assert sorted(i['name'] for i in images.get_all(
        ALICE, filters={'name': ['img1', 'img2']})) == ['img1', 'img2']
    # A custom property, as a "properties" dict or a bare key.
    odd = ['img1', 'img3', 'img5']
    assert sorted(i['name'] for i in images.get_all(
        ALICE, filters={'properties': {'flavor': 'odd'}})) == odd
    assert sorted(i['name'] for i in images.get_all(
        ALICE, filters={'flavor': 'odd'})) == odd
    assert sorted(i['name'] for i in images.get_all(
        ALICE, filters={'size_min': 6})) == ['img5', 'img6']
    # Glance has no min_ram filter: applied here, paging still right.
    big = images.get_all(ALICE, filters={'min_ram': [256, 320, 384]},
                         sort_key='name', sort_dir='desc', limit=2)
    assert [i['name'] for i in big] == ['img6', 'img5']
    assert [i['name'] for i in images.get_all(
        ALICE, filters={'min_ram': [256, 320, 384]}, sort_key='name',
        sort_dir='desc', marker=big[-1]['id'])] == ['img4']
    assert images.get_all(ALICE, filters={'name': []}) == []
    assert images.get_all(ALICE, limit=0) == []


def test_list_errors(images):
    images.create(ALICE, {'name': 'one'})
    with pytest.raises(exception.MarkerNotFound):
        images.get_all(ALICE, marker='6a4f3c0e-4a9b-4f7e-9e39-2f6b0b8f2c11')
    with pytest.raises(exception.InvalidSortKey):
        images.get_all(ALICE, sort_key='nope')
    with pytest.raises(exception.InvalidInput):
        images.get_all(ALICE, sort_dir='sideways')


def test_update_properties(images):
    image = images.create(ALICE, {'name': 'p', 'a': '1', 'b': '2'})
    image = images.update_properties(ALICE, image['id'],
                                      {'a': 'one', 'c': 3, 'b': None})
    assert image['properties'] == {'a': 'one', 'c': '3'}
    assert images.get(ALICE, image['id'])['properties'] == image['properties']
    image = images.update_properties(ALICE, image['id'], {'d': 'x'},
                                     purge=True)
    assert image['properties'] == {'d': 'x'}
    # Nothing to change: no request.
    assert images.update_properties(ALICE, image['id'], {'d': 'x'}) == image


def test_no_token_and_no_service_user_is_refused(images):
    with pytest.raises(glance.ImageServiceError) as info:
        images.get_all(nova_context.get_admin_context())
    assert 'HTTP 401' in str(info.value)


def test_unreachable_glance(glance_conf, images):
    glance_conf.config(endpoint_override='http://127.0.0.1:9/image',
                       group='glance')
    with pytest.raises(glance.ImageServiceError):
        images.get(ALICE, '6a4f3c0e-4a9b-4f7e-9e39-2f6b0b8f2c11')


def test_endpoint_from_the_users_catalog(glance_conf, images, peer):
    glance_conf.config(endpoint_override=None, group='glance')
    catalog = [{'type': 'image', 'name': 'glance', 'endpoints': [
        {'region': 'RegionOne', 'publicURL': 'http://127.0.0.1:9/image',
         'internalURL': peer.url + '/image'}]}]
    ctx = _ctx(service_catalog=catalog)
    image = images.create(ctx, {'name': 'via-catalog'})
    assert images.get(ctx, image['id'])['name'] == 'via-catalog'
    with pytest.raises(glance.ImageServiceError) as info:
        images.get(ALICE, image['id'])
    assert 'no image endpoint' in str(info.value)


def test_html_error_pages_are_read(glance_conf, images, peer):
    # Outside /image the peer answers with an HTML page, as Glance does
    # for some errors.
    glance_conf.config(endpoint_override=peer.url + '/elsewhere',
                       group='glance')
    with pytest.raises(exception.NotFound) as info:
        images.get_all(ALICE)
    assert 'nothing here' in info.value.format_message()
