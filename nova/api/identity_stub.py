"""A stand-in for the Identity v3 endpoints clients need, for noauth2.

There is no identity service in the noauth2 mode, yet clients ask for
one:

- some ``openstack`` commands insist on an Identity v3 client even when
  they will not use it (``openstack flavor create`` builds one in case
  ``--project`` is given), and building it runs version discovery;
- python-novaclient's ``nova`` command always authenticates against an
  auth URL, even when given a token and an endpoint.

This app answers, under ``/identity``: the version documents, and
``POST /v3/auth/tokens`` with the "token" method (the token must have the
noauth2 form "<user>:<project>" and is handed back unchanged as
X-Subject-Token) or the "password" method (any password; the token is
"<user name>:<project>"), with a service catalog that lists this API for
compute and its /image face for image. It validates nothing: it only
spells the noauth2 token the way keystone clients expect. Everything else
is 404 saying that there is no identity service.

Mount it only with [api] auth_strategy = noauth2, and outside the
authentication middleware (clients ask for a token without one).
"""

import json

import webob
import webob.dec

PREFIX = '/identity'


def _json(status, body):
    resp = webob.Response(status=status, content_type='application/json',
                          charset='utf-8')
    resp.body = json.dumps(body).encode('utf-8')
    return resp


class IdentityDiscovery:

    @webob.dec.wsgify
    def __call__(self, req):
        parts = [p for p in req.path_info.split('/') if p]
        base = req.application_url.rstrip('/')
        version = {'id': 'v3.14', 'status': 'stable',
                   'updated': '2020-04-07T00:00:00Z',
                   'links': [{'rel': 'self', 'href': base + '/v3/'}],
                   'media-types': [{
                       'base': 'application/json',
                       'type': 'application/vnd.openstack.identity-v3+json'}]}
        if req.method in ('GET', 'HEAD'):
            if not parts:
                return _json(300, {'versions': {'values': [version]}})
            if parts == ['v3']:
                return _json(200, {'version': version})
        if req.method == 'POST' and parts == ['v3', 'auth', 'tokens']:
            return self.issue_token(req)
        message = ('There is no identity service: this cloud runs with '
                   'auth_strategy noauth2 (token "<user>:<project>").')
        return _json(404, {'error': {'code': 404, 'title': 'Not Found',
                                     'message': message}})


def _token_owner(body):
    """(user, project) from a v3 auth request, or None."""
    identity = body.get('auth', {}).get('identity', {})
    scope = body.get('auth', {}).get('scope') or {}
    project = (scope.get('project') or {})
    project = project.get('id') or project.get('name')
    methods = identity.get('methods') or []
    if 'token' in methods:
        token = (identity.get('token') or {}).get('id', '')
        user, _sep, token_project = token.partition(':')
        if not user:
            return None
        return user, project or token_project or user
    if 'password' in methods:
        user = (identity.get('password') or {}).get('user') or {}
        user = user.get('name') or user.get('id')
        if not user:
            return None
        return user, project or user
    return None


def _catalog(host_url):
    def service(kind, name, url):
        return {'type': kind, 'name': name, 'id': name, 'endpoints': [
            {'id': '%s-%s' % (name, interface), 'interface': interface,
             'region': 'RegionOne', 'region_id': 'RegionOne', 'url': url}
            for interface in ('public', 'internal', 'admin')]}
    return [service('compute', 'nova', host_url + '/v2.1'),
            service('image', 'glance', host_url + '/image'),
            service('identity', 'keystone', host_url + PREFIX + '/v3')]


def _issue_token(req):
    try:
        owner = _token_owner(json.loads(req.body or b'{}'))
    except (ValueError, AttributeError):
        owner = None
    if owner is None:
        return _json(401, {'error': {
            'code': 401, 'title': 'Unauthorized',
            'message': 'noauth2 expects the token "<user>:<project>" or a '
                       'user name.'}})
    user, project = owner
    domain = {'id': 'default', 'name': 'Default'}
    roles = (['admin', 'member', 'reader'] if user == 'admin'
             else ['member', 'reader'])
    body = {'token': {
        'methods': ['token'],
        'issued_at': '2020-01-01T00:00:00.000000Z',
        'expires_at': '2999-12-31T23:59:59.000000Z',
        'user': {'id': user, 'name': user, 'domain': domain},
        'project': {'id': project, 'name': project, 'domain': domain},
        'roles': [{'id': r, 'name': r} for r in roles],
        'catalog': _catalog(req.host_url),
    }}
    resp = _json(201, body)
    resp.headers['X-Subject-Token'] = '%s:%s' % (user, project)
    return resp


IdentityDiscovery.issue_token = staticmethod(_issue_token)


def mount(app, prefix=PREFIX):
    """``app`` with the identity discovery document under ``prefix``."""
    from nova.image import glance_v2_app
    return glance_v2_app.PrefixMount(app, IdentityDiscovery(), prefix)
