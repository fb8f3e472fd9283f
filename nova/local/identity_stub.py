"""Identity version discovery for clients of a noauth2 deployment.

There is no identity service in the noauth2 mode, yet some ``openstack``
commands insist on an Identity v3 client even when they will not use it
(``openstack flavor create`` builds one in case ``--project`` is given),
and building it runs version discovery on the identity endpoint. This app
answers that discovery, under ``/identity``, with a v3 version document
and nothing else: every other path is 404 with a message saying that
there is no identity service. clouds.yaml points
``identity_endpoint_override`` at it (see nova.local.clients).

Mount it only with [api] auth_strategy = noauth2.
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
        message = ('There is no identity service: this cloud runs with '
                   'auth_strategy noauth2 (token "<user>:<project>").')
        return _json(404, {'error': {'code': 404, 'title': 'Not Found',
                                     'message': message}})


def mount(app, prefix=PREFIX):
    """``app`` with the identity discovery document under ``prefix``."""
    from nova.image import glance_v2_app
    return glance_v2_app.PrefixMount(app, IdentityDiscovery(), prefix)
