"""[api] auth_strategy = keystone: the context from keystonemiddleware's
headers, and the version documents served without a token."""

import json

import webob
import webob.dec

from nova.api import auth
from nova.api import common
from nova.placement import auth as placement_auth


@webob.dec.wsgify
def _echo(req):
    ctx = req.environ.get(common.ENV_CONTEXT)
    body = None if ctx is None else {
        'user': ctx.user_id, 'project': ctx.project_id,
        'admin': ctx.is_admin, 'roles': ctx.roles,
        'catalog': ctx.service_catalog}
    return webob.Response(json=body)


def _confirmed(roles, **extra):
    headers = {'X-Identity-Status': 'Confirmed', 'X-User-Id': 'u1',
               'X-Project-Id': 'p1', 'X-Roles': roles,
               'X-Auth-Token': 'tok'}
    headers.update(extra)
    return headers


def test_member_context_from_headers():
    req = webob.Request.blank('/v2.1/servers', headers=_confirmed(
        'member,reader', **{'X-Service-Catalog': json.dumps(
            [{'type': 'image', 'endpoints': []}])}))
    body = req.get_response(auth.KeystoneContext(_echo)).json
    assert body == {'user': 'u1', 'project': 'p1', 'admin': False,
                    'roles': ['member', 'reader'],
                    'catalog': [{'type': 'image', 'endpoints': []}]}


def test_admin_role_makes_an_admin():
    req = webob.Request.blank('/v2.1/servers',
                              headers=_confirmed('reader,admin'))
    assert req.get_response(auth.KeystoneContext(_echo)).json['admin']


def test_invalid_or_missing_identity_is_401():
    headers = _confirmed('member', **{'X-Identity-Status': 'Invalid'})
    req = webob.Request.blank('/v2.1/servers', headers=headers)
    assert req.get_response(auth.KeystoneContext(_echo)).status_int == 401
    req = webob.Request.blank('/v2.1/servers')
    req.headers['X-Identity-Status'] = 'Confirmed'
    assert req.get_response(auth.KeystoneContext(_echo)).status_int == 401


def test_version_documents_bypass_auth_token():
    @webob.dec.wsgify
    def protected(req):
        return webob.Response(status=401)
    app = auth.PublicBypass(_echo, protected)
    assert webob.Request.blank('/').get_response(app).status_int == 200
    assert webob.Request.blank('/v2.1/').get_response(app).status_int == 200
    assert webob.Request.blank(
        '/v2.1/servers').get_response(app).status_int == 401


def test_keystone_pipeline_builds(monkeypatch):
    # keystonemiddleware is built with nova's configuration; no request
    # reaches Keystone here (the version document is public).
    app = auth.pipeline(_echo, 'keystone')
    assert webob.Request.blank('/').get_response(app).status_int == 200


def test_placement_needs_admin_or_service_role():
    @webob.dec.wsgify
    def ok(req):
        ctx = req.environ[placement_auth.ENV_CONTEXT]
        return webob.Response(json={'admin': ctx.is_admin})
    app = placement_auth.KeystoneContext(ok)
    req = webob.Request.blank('/resource_providers',
                              headers=_confirmed('member'))
    assert req.get_response(app).status_int == 403
    req = webob.Request.blank('/resource_providers',
                              headers=_confirmed('service'))
    assert req.get_response(app).json == {'admin': True}
