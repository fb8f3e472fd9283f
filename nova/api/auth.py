"""Authentication seam of the API.

``pipeline(app)`` wraps the API application in the middleware that turns
a request's credentials into a nova.context.RequestContext stored in the
WSGI environ (nova.api.common.ENV_CONTEXT). Which middleware is chosen by
[api] auth_strategy:

- ``noauth2``: trust ``X-Auth-Token: user:project``; for development and
  tests only.
- ``keystone``: keystonemiddleware's auth_token (options in
  [keystone_authtoken]) validates the token; KeystoneContext builds the
  context from the X-* headers it sets, keeping the user's token and
  service catalog on it so that the conductor and the computes can call
  other services (the image service) as the user (nova.service_auth).

Service tokens: another service calling nova for a user (or nova's own
services, see [service_user]) may send its service user's token as
X-Service-Token next to the user's. auth_token validates it and, when it
carries one of [keystone_authtoken] service_token_roles ("service" by
default; required with service_token_roles_required, the default of
keystonemiddleware and what upstream deployments set), accepts the user's
token even if it expired meanwhile. A service token that fails that
check makes the request unauthenticated (401), also when
delay_auth_decision leaves the decision to us.

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
            # Passed on to other services as the user's token (an image
            # service behind noauth2 takes the same form).
            auth_token=token,
            request_id=req.environ.get('openstack.request_id'),
            global_request_id=req.environ.get('openstack.global_request_id'),
        )
        return req.get_response(self.app)


class KeystoneContext:
    """The request context from the headers keystonemiddleware sets.

    auth_token has validated the token by then (it answers 401 itself
    otherwise) and put X-User-Id, X-Project-Id, X-Roles and the service
    catalog in the request; a user with the "admin" role is an
    administrator.
    """

    def __init__(self, app):
        self.app = app

    @webob.dec.wsgify
    def __call__(self, req):
        if req.headers.get('X-Identity-Status', 'Confirmed') != 'Confirmed':
            return unauthorized()
        # Set only when an X-Service-Token came with the request.
        if req.headers.get('X-Service-Identity-Status',
                           'Confirmed') != 'Confirmed':
            return unauthorized()
        user_id = req.headers.get('X-User-Id') or req.headers.get('X-User')
        project_id = (req.headers.get('X-Project-Id') or
                      req.headers.get('X-Tenant-Id'))
        if not user_id or not project_id:
            return unauthorized()
        roles = [r.strip() for r in req.headers.get('X-Roles', '').split(',')
                 if r.strip()]
        catalog = []
        raw_catalog = req.headers.get('X-Service-Catalog')
        if raw_catalog:
            try:
                catalog = json.loads(raw_catalog)
            except ValueError:
                catalog = []
        req.environ[common.ENV_CONTEXT] = nova_context.RequestContext(
            user_id=user_id,
            project_id=project_id,
            is_admin='admin' in (r.lower() for r in roles),
            roles=roles,
            user_name=req.headers.get('X-User-Name'),
            project_name=(req.headers.get('X-Project-Name') or
                          req.headers.get('X-Tenant-Name')),
            user_domain_id=req.headers.get('X-User-Domain-Id'),
            project_domain_id=req.headers.get('X-Project-Domain-Id'),
            auth_token=req.headers.get('X-Auth-Token'),
            service_catalog=catalog,
            request_id=req.environ.get('openstack.request_id'),
            global_request_id=req.environ.get('openstack.global_request_id'),
        )
        return req.get_response(self.app)


class PublicBypass:
    """Send the credential-free paths (version documents) straight to
    ``app``; everything else through ``protected``."""

    def __init__(self, app, protected):
        self.app = app
        self.protected = protected

    def __call__(self, environ, start_response):
        if environ.get('PATH_INFO', '') in PUBLIC_PATHS:
            return self.app(environ, start_response)
        return self.protected(environ, start_response)


def keystone_auth_token(app):
    """``app`` behind keystonemiddleware's auth_token, which reads
    [keystone_authtoken] from nova's configuration."""
    from keystonemiddleware import auth_token
    return auth_token.AuthProtocol(app, {'oslo_config_config': CONF})


def _keystone(app):
    return PublicBypass(app, keystone_auth_token(KeystoneContext(app)))


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
