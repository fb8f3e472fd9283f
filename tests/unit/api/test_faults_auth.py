import json

import pytest
import webob

from nova.api import auth
from nova.api import faults
from nova import exception


def test_missing_token_is_401(client):
    resp = client.request('GET', '/v2.1/flavors', token=None)
    assert resp.status_int == 401
    assert resp.json['error']['code'] == 401


def test_empty_user_is_401(client):
    resp = client.request('GET', '/v2.1/flavors', token=':proj')
    assert resp.status_int == 401


def test_noauth2_context(app):
    seen = {}

    def inner(environ, start_response):
        seen['ctx'] = environ['nova.context']
        return webob.Response(status=204)(environ, start_response)

    wrapped = auth.NoAuth2(inner)
    req = webob.Request.blank('/v2.1/x')
    req.headers['X-Auth-Token'] = 'admin:adminproj'
    req.get_response(wrapped)
    assert seen['ctx'].is_admin
    assert seen['ctx'].project_id == 'adminproj'
    assert 'admin' in seen['ctx'].roles
    req.headers['X-Auth-Token'] = 'bob'
    req.get_response(wrapped)
    assert not seen['ctx'].is_admin
    assert seen['ctx'].project_id == 'bob'
    assert seen['ctx'].roles == ['member', 'reader']


def test_unknown_strategy_is_refused():
    with pytest.raises(RuntimeError, match='Unknown'):
        auth.pipeline(lambda e, s: None, 'kerberos')


def test_unknown_route_is_item_not_found(client):
    resp = client.request('GET', '/v2.1/no-such-thing')
    assert resp.status_int == 404
    assert resp.json == {'itemNotFound': {
        'code': 404, 'message': 'The resource could not be found.'}}


def test_wrong_method_is_405(client):
    resp = client.request('DELETE', '/v2.1/flavors')
    assert resp.status_int == 405
    assert resp.json['badMethod']['code'] == 405


@pytest.mark.parametrize('exc,name,code', [
    (exception.FlavorNotFound(flavor_id='9'), 'itemNotFound', 404),
    (exception.InvalidInput(reason='x'), 'badRequest', 400),
    (exception.Forbidden(), 'forbidden', 403),
    (exception.InstanceInvalidState(instance_uuid='u', attr='vm_state',
                                    state='error', method='x'),
     'conflictingRequest', 409),
    (exception.QuotaError(code='x'), 'overLimit', 413),
])
def test_nova_exceptions_map_by_code(exc, name, code):
    resp = faults.from_exception(exc)
    assert resp.status_int == code
    body = json.loads(resp.body)
    assert body[name]['code'] == code
    assert body[name]['message'] == exc.format_message()


def test_unexpected_error_is_generic_500(client, monkeypatch, caplog):
    from nova.api.controllers import flavors

    def boom(*args, **kwargs):
        raise ZeroDivisionError('secret detail')
    monkeypatch.setattr(flavors, '_list', boom)
    resp = client.request('GET', '/v2.1/flavors')
    assert resp.status_int == 500
    assert 'secret' not in resp.text
    assert resp.json['computeFault']['message'] == faults.GENERIC_500


def test_request_id_headers(client):
    resp = client.request('GET', '/', token=None)
    assert resp.headers['X-Compute-Request-Id'].startswith('req-')
    assert resp.headers['X-Openstack-Request-Id'] == (
        resp.headers['X-Compute-Request-Id'])


def test_project_in_url_must_match(client):
    resp = client.request('GET', '/v2.1/other/flavors')
    assert resp.status_int == 400
    assert "doesn't match" in resp.json['badRequest']['message']
