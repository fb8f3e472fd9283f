"""A read-only Glance v2 face of nova's image source.

The ``openstack`` CLI (openstacksdk) and other clients find images through
the Image service, never through the compute API's /images proxy:
``openstack server create --image NAME`` resolves the name with
``GET /v2/images/NAME`` then ``GET /v2/images?name=NAME``, and ``openstack
server list`` looks up the image of each server. Without Glance, this app
answers those requests from nova.image.api.API (the local directory
source), so the real clients work against a standalone nova.

Served requests::

    GET /                   version document (300, like Glance)
    GET /versions           the same, with 200
    GET /v2/images          list: name, status, visibility, owner,
                            disk_format, container_format, id, size_min,
                            size_max, other keys as custom properties;
                            limit, marker, sort_key/sort_dir or
                            sort=key:dir; a "next" link while a page is full
    GET /v2/images/{id}     one image
    GET /v2/schemas/image(s) minimal schemas
    POST /v2/images         create a queued image (201)
    PUT /v2/images/{id}/file  upload its data (204; the image turns active)
    GET /v2/images/{id}/file  download (204 while queued)
    DELETE /v2/images/{id}  delete (204)
    PATCH /v2/images/{id}   JSON patch (application/openstack-images-v2.1-
                            json-patch) of custom properties: add, replace,
                            remove; base fields cannot be changed here (403)
    GET /v2/images/{id}/tasks  always empty (no import tasks here)

Anything else is 404 (unknown path) or 405. Errors carry a JSON
body with the HTTP status, title and message. Credentials: the request
context another middleware put in the environ (the compute API's
``nova.context``) if there is one, else the noauth2 token
``X-Auth-Token: user:project`` (admin when the user is "admin").

Mount it under a path prefix of another WSGI app with mount() (the
compute API serves it under /image); links it returns honour the prefix.
"""

import json
import urllib.parse

import webob
import webob.dec

from nova import exception
from nova.image import api as image_api

ENV_CONTEXT = 'nova.context'
PREFIX = '/image'
VERSION = '2.16'
DEFAULT_LIMIT = 25
MAX_LIMIT = 1000
# Record fields the local source filters on exactly.
FIELD_FILTERS = ('name', 'status', 'visibility', 'owner', 'disk_format',
                 'container_format', 'id', 'size_min', 'size_max',
                 'checksum', 'protected', 'min_ram', 'min_disk')
# Glance parameters that have no meaning here: accepted and ignored.
IGNORED = ('member_status', 'os_hidden', 'created_at', 'updated_at')
PAGING = ('limit', 'marker', 'sort_key', 'sort_dir', 'sort')


PATCH_TYPE = 'application/openstack-images-v2.1-json-patch'


def _pointer_key(path):
    """The property a JSON pointer of one level names, or None."""
    if not path.startswith('/') or '/' in path[1:] or len(path) < 2:
        return None
    return path[1:].replace('~1', '/').replace('~0', '~')


def _json_response(status, body, headers=None):
    resp = webob.Response(status=status, content_type='application/json',
                          charset='utf-8')
    resp.body = json.dumps(body).encode('utf-8')
    for key, value in (headers or {}).items():
        resp.headers[key] = value
    return resp


def _error(status, message):
    titles = {400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden',
              404: 'Not Found', 405: 'Method Not Allowed', 409: 'Conflict',
              415: 'Unsupported Media Type'}
    title = titles.get(status, 'Error')
    return _json_response(status, {'code': status, 'title': title,
                                   'message': message,
                                   'error': {'code': status, 'title': title,
                                             'message': message}})


# Every image Glance v2 shows has these keys (null when unknown); clients
# read them without checking (the dashboard looks the owner up in the
# identity service, openstacksdk fills its Image resource from them).
BASE_FIELDS = {
    'id': None, 'name': None, 'status': 'queued', 'visibility': 'shared',
    'owner': None, 'size': None, 'virtual_size': None, 'checksum': None,
    'os_hash_algo': None, 'os_hash_value': None, 'disk_format': None,
    'container_format': None, 'min_ram': 0, 'min_disk': 0,
    'protected': False, 'os_hidden': False, 'created_at': None,
    'updated_at': None,
}


def image_view(image, prefix=''):
    """A local image record as Glance v2 shows it: every base field,
    custom properties at the top level next to them."""
    body = {key: value for key, value in image.items()
            if key != 'properties'}
    for key, default in BASE_FIELDS.items():
        if body.get(key) is None:
            body[key] = default
    for key, value in (image.get('properties') or {}).items():
        body.setdefault(key, value)
    body.setdefault('tags', [])
    body['self'] = '/v2/images/%s' % image['id']
    body['file'] = '/v2/images/%s/file' % image['id']
    body['schema'] = '/v2/schemas/image'
    return body


class GlanceV2App:
    """The WSGI application (see the module docstring)."""

    def __init__(self, api=None):
        self.api = api or image_api.API()

    # -- plumbing ------------------------------------------------------------
    @staticmethod
    def _context(req):
        # Set by the API's authentication middleware, which wraps this app.
        return req.environ.get(ENV_CONTEXT)

    @webob.dec.wsgify
    def __call__(self, req):
        parts = [p for p in req.path_info.split('/') if p]
        if not parts or parts == ['versions']:
            if req.method not in ('GET', 'HEAD'):
                return _error(405, 'The method is not allowed here.')
            return self.versions(req, status=300 if not parts else 200)
        if parts[0] != 'v2':
            return _error(404, 'The resource could not be found.')
        if parts[1:2] == ['images'] and (
                req.method in ('POST', 'PUT', 'DELETE', 'PATCH') or
                parts[3:] == ['file']):
            return self.write(req, parts[2:])
        if req.method not in ('GET', 'HEAD'):
            return _error(405, 'This method is not supported by this image '
                               'service.')
        if parts[1:] == []:
            return self.versions(req, status=200)
        if parts[1] == 'schemas' and len(parts) == 3:
            return self.schema(parts[2])
        if parts[1] == 'images' and parts[3:] == ['tasks']:
            return self.tasks(req, parts[2])
        if parts[1] != 'images' or len(parts) > 3:
            return _error(404, 'The resource could not be found.')
        ctx = self._context(req)
        if ctx is None:
            return _error(401, 'The request you have made requires '
                               'authentication.')
        try:
            if len(parts) == 2:
                return self.index(req, ctx)
            return self.show(req, ctx, parts[2])
        except exception.NotFound as exc:
            code = getattr(exc, 'code', 404)
            return _error(code, exc.format_message())
        except exception.Invalid as exc:
            return _error(400, exc.format_message())
        except exception.Forbidden as exc:
            return _error(403, exc.format_message())

    def tasks(self, req, image_id):
        """GET /v2/images/{id}/tasks: images here are never imported by
        tasks, so the list is empty for any image one may see."""
        ctx = self._context(req)
        if ctx is None:
            return _error(401, 'The request you have made requires '
                               'authentication.')
        try:
            self.api.get(ctx, image_id)
            return _json_response(200, {'tasks': []})
        except exception.NotFound as exc:
            code = getattr(exc, 'code', 404)
            return _error(code, exc.format_message())
        except exception.Invalid as exc:
            return _error(400, exc.format_message())
        except exception.Forbidden as exc:
            return _error(403, exc.format_message())

    # -- writes: create, upload, download, delete ----------------------------
    def write(self, req, rest):
        """POST /v2/images, PUT|GET /v2/images/{id}/file and
        DELETE /v2/images/{id}, as Glance answers them."""
        ctx = self._context(req)
        if ctx is None:
            return _error(401, 'The request you have made requires '
                               'authentication.')
        routes = {
            ('POST', 0): self.create,
            ('DELETE', 1): self.delete,
            ('PATCH', 1): self.patch,
            ('PUT', 2): self.upload,
            ('GET', 2): self.download,
            ('HEAD', 2): self.download,
        }
        handler = routes.get((req.method, len(rest)))
        if handler is None or (len(rest) == 2 and rest[1] != 'file'):
            return _error(405, 'This method is not supported by this '
                               'image service.')
        try:
            return handler(req, ctx, *rest[:1])
        except exception.ImageExists as exc:
            return _error(409, exc.format_message())
        except exception.Conflict as exc:
            return _error(409, exc.format_message())
        except exception.NotFound as exc:
            return _error(404, exc.format_message())
        except exception.Invalid as exc:
            return _error(400, exc.format_message())
        except exception.Forbidden as exc:
            return _error(403, exc.format_message())

    def create(self, req, ctx):
        try:
            body = json.loads(req.body or b'{}')
        except ValueError:
            return _error(400, 'The request body is not valid JSON.')
        if not isinstance(body, dict):
            return _error(400, 'The request body must be a JSON object.')
        body.pop('tags', None)
        body.pop('os_hidden', None)
        if 'owner' in body and not getattr(ctx, 'is_admin', False):
            body.pop('owner')
        image = self.api.create(ctx, body)
        view = image_view(image)
        return _json_response(201, view, headers={
            'Location': req.host_url + req.script_name + view['self']})

    def upload(self, req, ctx, image_id):
        self.api.upload(ctx, image_id, req.body_file_seekable)
        return webob.Response(status=204)

    def download(self, req, ctx, image_id):
        image = self.api.get(ctx, image_id)
        if image.get('status') != 'active':
            return webob.Response(status=204)
        data = self.api.download(ctx, image_id)
        resp = webob.Response(status=200,
                              content_type='application/octet-stream')
        resp.body = data
        if image.get('checksum'):
            resp.headers['Content-MD5'] = image['checksum']
        return resp

    def delete(self, req, ctx, image_id):
        self.api.delete(ctx, image_id)
        return webob.Response(status=204)

    def patch(self, req, ctx, image_id):
        """Custom properties changed by a JSON patch, all or nothing."""
        if req.content_type != PATCH_TYPE:
            return _error(415, 'Unsupported Content-Type %s; use %s'
                               % (req.content_type or '(none)', PATCH_TYPE))
        try:
            changes = json.loads(req.body or b'[]')
        except ValueError:
            return _error(400, 'The request body is not valid JSON.')
        if not isinstance(changes, list):
            return _error(400, 'A JSON patch is a list of changes.')
        image = self.api.get(ctx, image_id)
        current = dict(image.get('properties') or {})
        updates = {}
        for change in changes:
            if not isinstance(change, dict) or not isinstance(
                    change.get('path'), str):
                return _error(400, 'Each change needs an "op" and a '
                                   '"path".')
            op = change.get('op')
            key = _pointer_key(change['path'])
            if key is None:
                return _error(400, 'Invalid JSON pointer %s'
                                   % change['path'])
            if key in image_view(image) and key not in current:
                return _error(403, "Attribute '%s' cannot be changed by "
                                   "this image service." % key)
            exists = key in current or (key in updates and
                                        updates[key] is not None)
            if op in ('add', 'replace'):
                if op == 'replace' and not exists:
                    return _error(409, 'Property %s does not exist.' % key)
                value = change.get('value')
                if not isinstance(value, str):
                    return _error(400, 'Property %s must be a string.'
                                       % key)
                updates[key] = value
            elif op == 'remove':
                if not exists:
                    return _error(409, 'Property %s does not exist.' % key)
                updates[key] = None
            else:
                return _error(400, 'Unsupported patch operation %r' % op)
        if updates:
            image = self.api.update_properties(ctx, image_id, updates)
        return _json_response(200, image_view(image))

    # -- resources -----------------------------------------------------------
    def versions(self, req, status):
        base = req.application_url.rstrip('/')
        versions = []
        for version, state in ((VERSION, 'CURRENT'), ('2.0', 'SUPPORTED')):
            versions.append({'id': 'v' + version, 'status': state,
                             'links': [{'rel': 'self',
                                        'href': base + '/v2/'}]})
        return _json_response(status, {'versions': versions})

    def schema(self, name):
        if name == 'image':
            return _json_response(200, {'name': 'image', 'properties': {},
                                        'additionalProperties':
                                            {'type': 'string'}})
        if name == 'images':
            return _json_response(200, {'name': 'images', 'properties': {
                'images': {'type': 'array'}, 'next': {'type': 'string'},
                'first': {'type': 'string'}, 'schema': {'type': 'string'}}})
        return _error(404, 'The resource could not be found.')

    def show(self, req, ctx, image_id):
        return _json_response(200, image_view(self.api.get(ctx, image_id)))

    def index(self, req, ctx):
        params = req.GET
        filters = {}
        properties = {}
        for key in params:
            if key in PAGING or key in IGNORED:
                continue
            value = params.get(key)
            if key == 'tag':
                # No image has tags.
                return self._page(req, [], None)
            if key in FIELD_FILTERS:
                if value.startswith('in:'):
                    value = [v.strip().strip('"')
                             for v in value[3:].split(',')]
                filters[key] = value
            else:
                properties[key] = value
        if properties:
            filters['properties'] = properties
        limit = self._limit(params.get('limit'))
        sort_key, sort_dir = self._sort(params)
        images = self.api.get_all(ctx, filters=filters, limit=limit + 1,
                                  marker=params.get('marker') or None,
                                  sort_key=sort_key, sort_dir=sort_dir)
        more = len(images) > limit
        images = images[:limit]
        next_marker = images[-1]['id'] if more and images else None
        return self._page(req, images, next_marker)

    @staticmethod
    def _limit(value):
        if value is None:
            return DEFAULT_LIMIT
        try:
            limit = int(value)
        except ValueError:
            raise exception.InvalidInput(reason='limit param must be an '
                                                'integer')
        if limit < 0:
            raise exception.InvalidInput(reason='limit param must be '
                                                'positive')
        return min(limit, MAX_LIMIT)

    @staticmethod
    def _sort(params):
        sort = params.get('sort')
        if sort:
            # Glance takes several "key:dir" pairs; one is enough here.
            key, _sep, direction = sort.split(',')[0].partition(':')
            return key.strip(), (direction.strip() or 'desc')
        return (params.get('sort_key', 'created_at'),
                params.get('sort_dir', 'desc'))

    @staticmethod
    def _page(req, images, next_marker):
        body = {'images': [image_view(i) for i in images],
                'first': '/v2/images',
                'schema': '/v2/schemas/images'}
        if next_marker is not None:
            query = [(k, v) for k, v in req.GET.items() if k != 'marker']
            query.append(('marker', next_marker))
            body['next'] = '/v2/images?' + urllib.parse.urlencode(query)
        return _json_response(200, body)


class PrefixMount:
    """Send requests under ``prefix`` to ``mounted`` (with the prefix
    moved from PATH_INFO to SCRIPT_NAME) and the rest to ``app``."""

    serves_image_api = True

    def __init__(self, app, mounted, prefix=PREFIX):
        self.app = app
        self.mounted = mounted
        self.prefix = prefix.rstrip('/')

    def __call__(self, environ, start_response):
        path = environ.get('PATH_INFO', '')
        if path == self.prefix or path.startswith(self.prefix + '/'):
            environ = dict(environ)
            environ['SCRIPT_NAME'] = environ.get('SCRIPT_NAME', '') + \
                self.prefix
            environ['PATH_INFO'] = path[len(self.prefix):]
            return self.mounted(environ, start_response)
        return self.app(environ, start_response)


def mount(app, prefix=PREFIX, api=None):
    """``app`` with this image API served under ``prefix``."""
    return PrefixMount(app, GlanceV2App(api), prefix)
