"""Authentication seam of the API.

``pipeline(app)`` wraps the API application in the middleware that turns
a request's credentials into a nova.context.RequestContext stored in the
WSGI environ (nova.api.common.ENV_CONTEXT). Which middleware is chosen by
[api] auth_strategy:

- ``noauth2``: trust ``X-Auth-Token: user:project``; for development and
  tests only.
- ``keystone``: keystonemiddleware's auth_token in front of a middleware
  that builds the context from the headers it sets (not available yet).

Version documents (``/``, ``/v2.1/``, ``/v2/``) are served without
credentials, as upstream does.
"""

import json

import webob
import webob.dec

import nova.conf
from nova.api import common
from nova import context as nova_context

CONF = nova.conf.CONF

PUBLIC_PATHS = frozenset(['', '/', '/v2', '/v2/', '/v2.1', '/v2.1/'])

ADMIN_ROLES = ['admin', 'member', 'reader']
MEMBER_ROLES = ['member', 'reader']


def unauthorized():
    """The 401 answer, shaped like the one of keystonemiddleware."""
    resp = webob.Response(status=401, content_type='application/json',
                          charset='utf-8')
    resp.body = json.dumps({'error': {
        'code': 401,
        'title': 'Unauthorized',
        'message': 'The request you have made requires authentication.',
    }}).encode('utf-8')
    return resp


def is_public(req):
    return req.path_info in PUBLIC_PATHS


class NoAuth2:
    """Credentials from ``X-Auth-Token: <user>[:<project>]``.

    The user named "admin" is an administrator with the admin, member and
    reader roles; every other user is a member and reader of the project.
    A token without a project part acts in a project named after the user.
    """

    def __init__(self, app):
        self.app = app

    @webob.dec.wsgify
    def __call__(self, req):
        if is_public(req):
            return req.get_response(self.app)
        token = req.headers.get('X-Auth-Token', '').strip()
        user_id, _sep, project_id = token.partition(':')
        project_id = req.headers.get('X-Auth-Project-Id', project_id)
        project_id = project_id or user_id
        if not user_id or ':' in project_id or not project_id.strip():
            return unauthorized()
        is_admin = user_id == 'admin'
        req.environ[common.ENV_CONTEXT] = nova_context.RequestContext(
            user_id=user_id,
            project_id=project_id,
            is_admin=is_admin,
            roles=list(ADMIN_ROLES if is_admin else MEMBER_ROLES),
            request_id=req.environ.get('openstack.request_id'),
            global_request_id=req.environ.get('openstack.global_request_id'),
        )
        return req.get_response(self.app)


def _keystone(app):
    raise RuntimeError(
        '[api] auth_strategy = keystone is not available yet in this '
        'release; use auth_strategy = noauth2 for now.')


def _noauth2(app):
    # Clients ask an identity service for a token before anything else;
    # with no Keystone, a stand-in answers (outside authentication).
    from nova.api import identity_stub
    return identity_stub.mount(NoAuth2(app))


STRATEGIES = {
    'noauth2': _noauth2,
    'keystone': _keystone,
}


def pipeline(app, strategy=None):
    """``app`` behind the authentication middleware of ``strategy``."""
    strategy = strategy or CONF.api.auth_strategy
    try:
        factory = STRATEGIES[strategy]
    except KeyError:
        raise RuntimeError('Unknown [api] auth_strategy %r' % strategy)
    return factory(app)
