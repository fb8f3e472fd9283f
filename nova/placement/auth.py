"""Authentication seam of the placement service.

``middleware(app, strategy)`` is the one place that picks how requests
are authenticated, from [api] auth_strategy:

- ``noauth2``: a request must carry an X-Auth-Token (any value); every
  caller is an administrator. Placement is a service-facing API, so
  nothing finer is needed for development and tests.
- ``keystone``: keystonemiddleware's auth_token (options in
  [keystone_authtoken]) validates the token; KeystoneContext builds the
  context from the headers it sets. Only holders of the "admin" or
  "service" role may use placement, as upstream's default policy says.

The version document at ``/`` is public, as upstream's is.
"""

import json

import webob
import webob.dec

ENV_CONTEXT = 'placement.context'
PUBLIC_PATHS = frozenset(['', '/'])


class Context:
    """Who is calling; placement only asks whether they are admin."""

    def __init__(self, user_id, project_id, is_admin, roles):
        self.user_id = user_id
        self.project_id = project_id
        self.is_admin = is_admin
        self.roles = roles


def _unauthorized():
    resp = webob.Response(status=401, content_type='application/json',
                          charset='utf-8')
    resp.body = json.dumps({'error': {
        'code': 401, 'title': 'Unauthorized',
        'message': 'The request you have made requires authentication.',
    }}).encode('utf-8')
    resp.headers['WWW-Authenticate'] = 'Keystone uri="http://127.0.0.1"'
    return resp


class NoAuth2:
    def __init__(self, app):
        self.app = app

    @webob.dec.wsgify
    def __call__(self, req):
        if req.path_info in PUBLIC_PATHS:
            return req.get_response(self.app)
        token = req.headers.get('X-Auth-Token', '').strip()
        if not token:
            return _unauthorized()
        user_id, _sep, project_id = token.partition(':')
        req.environ[ENV_CONTEXT] = Context(
            user_id=user_id, project_id=project_id or user_id,
            is_admin=True, roles=['admin', 'member', 'reader'])
        return req.get_response(self.app)


class KeystoneContext:
    """The caller as keystonemiddleware's auth_token saw it."""

    def __init__(self, app):
        self.app = app

    @webob.dec.wsgify
    def __call__(self, req):
        if req.path_info in PUBLIC_PATHS:
            return req.get_response(self.app)
        if req.headers.get('X-Identity-Status', 'Confirmed') != 'Confirmed':
            return _unauthorized()
        roles = [r.strip().lower()
                 for r in req.headers.get('X-Roles', '').split(',')
                 if r.strip()]
        if 'admin' not in roles and 'service' not in roles:
            resp = webob.Response(status=403,
                                  content_type='application/json',
                                  charset='utf-8')
            resp.body = json.dumps({'errors': [{
                'status': 403, 'title': 'Forbidden',
                'detail': 'Policy does not allow this request: the admin '
                          'or service role is required.'}]}).encode('utf-8')
            return resp
        req.environ[ENV_CONTEXT] = Context(
            user_id=req.headers.get('X-User-Id'),
            project_id=req.headers.get('X-Project-Id'),
            is_admin=True, roles=roles)
        return req.get_response(self.app)


class _PublicBypass:
    def __init__(self, app, protected):
        self.app = app
        self.protected = protected

    def __call__(self, environ, start_response):
        if environ.get('PATH_INFO', '') in PUBLIC_PATHS:
            return self.app(environ, start_response)
        return self.protected(environ, start_response)


def _keystone(app):
    import nova.conf
    from keystonemiddleware import auth_token
    protected = auth_token.AuthProtocol(
        KeystoneContext(app), {'oslo_config_config': nova.conf.CONF})
    return _PublicBypass(app, protected)


def middleware(app, strategy):
    if strategy == 'noauth2':
        return NoAuth2(app)
    if strategy == 'keystone':
        return _keystone(app)
    raise RuntimeError('auth_strategy %r is not supported by the placement '
                       'service' % strategy)
