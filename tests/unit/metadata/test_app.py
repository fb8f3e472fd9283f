"""The metadata service over HTTP (nova.metadata.app): response formats,
statuses and the password, for requests signed as Neutron's proxy signs
them; servers in real SQLite cell databases."""

import hashlib
import hmac
import json

import pytest
import webob

from nova.metadata import app as metadata_app
from nova.metadata import content
from nova.metadata import password
from tests.unit.metadata.conftest import b64
from tests.unit.metadata.conftest import KEY

SECRET = 'neutron-metadata-secret'


@pytest.fixture
def app(conf):
    conf.config(service_metadata_proxy=True,
                metadata_proxy_shared_secret=SECRET, group='neutron')
    return metadata_app.build()


@pytest.fixture
def server(servers):
    return servers.create(
        key_name='alice', key_data=KEY, user_data=b64('#!/bin/sh\nid\n'),
        metadata={'role': 'db'}, hostname='db1',
        system_metadata={'network_security_groups': '["default"]'})


def _request(app, path, inst=None, method='GET', body=None, **headers):
    if inst is not None:
        headers.setdefault('X-Instance-ID', inst.uuid)
        headers.setdefault('X-Instance-ID-Signature', hmac.new(
            SECRET.encode(), headers['X-Instance-ID'].encode(),
            hashlib.sha256).hexdigest())
        headers.setdefault('X-Tenant-ID', inst.project_id)
        headers.setdefault('X-Forwarded-For', '10.0.0.5')
    req = webob.Request.blank(path, method=method, headers=headers)
    if body is not None:
        req.body = body
    return req.get_response(app)


def test_the_root_lists_the_ec2_versions_to_anyone(app):
    resp = _request(app, '/')
    assert resp.status_int == 200
    assert resp.content_type == 'text/plain'
    assert resp.text == '\n'.join(list(content.EC2_VERSIONS) + ['latest'])


def test_openstack_listings_are_one_name_a_line(app, server):
    resp = _request(app, '/openstack', server)
    assert resp.status_int == 200
    assert resp.content_type == 'text/plain'
    assert resp.text.split('\n') == list(content.OPENSTACK_VERSIONS) + [
        'latest']
    resp = _request(app, '/openstack/latest/', server)
    assert resp.text == ('meta_data.json\nuser_data\npassword\n'
                         'vendor_data.json\nnetwork_data.json\n'
                         'vendor_data2.json')


def test_meta_data_json(app, server):
    resp = _request(app, '/openstack/latest/meta_data.json', server)
    assert resp.status_int == 200
    assert resp.content_type == 'application/json'
    data = json.loads(resp.body)
    assert data['uuid'] == server.uuid
    assert data['meta'] == {'role': 'db'}
    assert data['public_keys'] == {'alice': KEY}
    assert data['hostname'] == 'db1.novalocal'
    assert data['project_id'] == server.project_id


@pytest.mark.parametrize('path', ['/openstack/latest/network_data.json',
                                  '/openstack/latest/vendor_data.json',
                                  '/openstack/latest/vendor_data2.json'])
def test_other_json_files(app, server, path):
    resp = _request(app, path, server)
    assert resp.status_int == 200
    assert resp.content_type == 'application/json'
    assert isinstance(json.loads(resp.body), dict)


def test_user_data_as_posted(app, server):
    for path in ('/openstack/latest/user_data', '/latest/user-data',
                 '/2009-04-04/user-data'):
        resp = _request(app, path, server)
        assert resp.status_int == 200
        assert resp.content_type == 'text/plain'
        assert resp.body == b'#!/bin/sh\nid\n'


def test_ec2_directories_values_and_lists(app, server):
    resp = _request(app, '/latest', server)
    assert resp.text == 'meta-data/\nuser-data'
    lines = _request(app, '/latest/meta-data/', server).text.split('\n')
    assert 'public-keys/' in lines
    assert 'placement/' in lines
    assert 'instance-id' in lines
    assert lines == sorted(lines)

    def text(path):
        resp = _request(app, '/latest/meta-data/' + path, server)
        assert resp.status_int == 200, resp
        assert resp.content_type == 'text/plain'
        return resp.text

    assert text('instance-id') == 'i-%08x' % server.id
    assert text('ami-launch-index') == '0'
    assert text('hostname') == 'db1.novalocal'
    assert text('security-groups') == 'default'
    assert text('public-keys/') == '0=alice'
    assert text('public-keys/0/') == 'openssh-key'
    assert text('public-keys/0/openssh-key') == KEY
    assert text('placement/availability-zone') == 'nova'
    assert text('block-device-mapping/root') == '/dev/vda'
    # The same under /ec2.
    assert _request(app, '/ec2/latest/meta-data/instance-id',
                    server).text == 'i-%08x' % server.id


def test_head_answers_like_get_without_a_body(app, server):
    get = _request(app, '/openstack/latest/meta_data.json', server)
    head = _request(app, '/openstack/latest/meta_data.json', server,
                    method='HEAD')
    assert head.status_int == 200
    assert head.content_type == 'application/json'
    assert head.body == b''
    assert head.content_length == get.content_length


@pytest.mark.parametrize('path', [
    '/openstack/2010-01-01/meta_data.json', '/openstack/latest/nothing',
    '/latest/meta-data/nothing', '/2000-01-01', '/openstack/content/0000',
    '/openstack/2012-08-10/password',
])
def test_unknown_paths_are_404(app, server, path):
    assert _request(app, path, server).status_int == 404


def test_no_user_data_is_404(app, servers):
    inst = servers.create(user_data=None)
    assert _request(app, '/openstack/latest/user_data', inst
                    ).status_int == 404
    assert _request(app, '/latest/user-data', inst).status_int == 404


@pytest.mark.parametrize('method', ['PUT', 'DELETE', 'PATCH', 'OPTIONS'])
def test_other_methods_are_405(app, server, method):
    resp = _request(app, '/openstack/latest/meta_data.json', server,
                    method=method)
    assert resp.status_int == 405
    assert resp.headers['Allow'] == 'GET, HEAD'
    resp = _request(app, '/openstack/latest/password', server,
                    method=method)
    assert resp.status_int == 405
    assert resp.headers['Allow'] == 'GET, HEAD, POST'


def test_post_is_only_for_the_password(app, server):
    for path in ('/', '/openstack/latest/meta_data.json',
                 '/latest/meta-data/hostname'):
        resp = _request(app, path, server, method='POST', body=b'x')
        assert resp.status_int == 405, path
        assert resp.headers['Allow'] == 'GET, HEAD'


def test_the_password_is_posted_once_and_read_back(app, server, servers):
    path = '/openstack/latest/password'
    resp = _request(app, path, server)
    assert (resp.status_int, resp.body) == (200, b'')
    resp = _request(app, path, server, method='POST', body=b'c2VjcmV0')
    assert (resp.status_int, resp.body) == (200, b'')
    assert password.extract(servers.get(server.uuid).system_metadata) == \
        'c2VjcmV0'
    resp = _request(app, path, server)
    assert (resp.status_int, resp.body) == (200, b'c2VjcmV0')
    assert resp.content_type == 'text/plain'
    resp = _request(app, '/openstack/%s/password' % content.GRIZZLY,
                    server, method='POST', body=b'again')
    assert resp.status_int == 409
    assert password.extract(servers.get(server.uuid).system_metadata) == \
        'c2VjcmV0'


def test_a_password_too_long_is_400(app, server, servers):
    resp = _request(app, '/openstack/latest/password', server,
                    method='POST', body=b'x' * (password.MAX_SIZE + 1))
    assert resp.status_int == 400
    assert 'too large' in resp.text
    assert password.extract(servers.get(server.uuid).system_metadata) is None
    resp = _request(app, '/openstack/latest/password', server,
                    method='POST', body=b'x' * password.MAX_SIZE)
    assert resp.status_int == 200


def test_signature_errors(app, server):
    resp = _request(app, '/openstack/latest/meta_data.json', server,
                    **{'X-Instance-ID-Signature': 'forged'})
    assert resp.status_int == 403
    assert 'Invalid proxy request signature.' in resp.text
    resp = _request(app, '/openstack/latest/meta_data.json')
    assert resp.status_int == 400
    assert 'X-Instance-ID header is missing from request.' in resp.text
    resp = _request(app, '/openstack/latest/meta_data.json', server,
                    **{'X-Tenant-ID': 'someone-else'})
    assert resp.status_int == 404


def test_a_fatal_vendordata_failure_is_500(app, server, conf):
    conf.config(vendordata_providers=['DynamicJSON'],
                vendordata_dynamic_targets=['x@http://127.0.0.1:9/'],
                vendordata_dynamic_failure_fatal=True, group='api')
    resp = _request(app, '/openstack/latest/vendor_data2.json', server)
    assert resp.status_int == 500
    assert 'vendordata service x' in resp.text
    # The rest of the tree still answers.
    assert _request(app, '/openstack/latest/meta_data.json',
                    server).status_int == 200


def test_logs_say_which_server_asked_what(app, server, caplog):
    caplog.set_level('INFO')
    _request(app, '/latest/meta-data/hostname', server)
    assert ('GET /latest/meta-data/hostname of instance %s (from '
            '10.0.0.5): 200' % server.uuid) in caplog.text
