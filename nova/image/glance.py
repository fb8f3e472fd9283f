"""An image source that is a Glance v2 image service.

Selected by ``[image] source = glance``. It has the methods of
nova.image.local.LocalImageSource and returns the same record dicts (see
nova.image.api), so the rest of nova never knows which source it talks to.

Each call goes through a keystoneauth adapter built from the [glance]
options (endpoint_override or the service catalog, timeouts, connection
retries, TLS) with the credentials nova.service_auth picks for the request
context: the user's token, plus nova's service token as X-Service-Token
with [service_user] send_service_user_token; the [glance] service user for
contexts without a token (nova-manage, periodic tasks). Glance decides what
the caller may see and do; its answers map to nova's exceptions:

    404 -> ImageNotFound         403 -> Forbidden
    409 -> ImageExists / Conflict 400 -> InvalidInput (MarkerNotFound when
    204 on download -> ImageNotActive     a marker was given)
    401, 5xx, no connection -> ImageServiceError
"""

import hashlib
import json
import re
import urllib.parse

from keystoneauth1 import exceptions as ks_exc
from keystoneauth1 import loading as ks_loading
from oslo_log import log as logging

import nova.conf
from nova import exception
from nova.image import local
from nova import service_auth

CONF = nova.conf.CONF
LOG = logging.getLogger(__name__)

GROUP = nova.conf.image.GLANCE_GROUP
PATCH_TYPE = 'application/openstack-images-v2.1-json-patch'
# Keys of a Glance v2 image that are neither a field of our records nor a
# custom property.
GLANCE_ONLY_KEYS = ('tags', 'virtual_size', 'os_hidden', 'self', 'file',
                    'schema', 'locations', 'direct_url', 'stores',
                    'members')
# Fields Glance sets itself: never sent on create.
READ_ONLY_KEYS = ('status', 'size', 'checksum', 'os_hash_algo',
                  'os_hash_value', 'created_at', 'updated_at')
# Record fields Glance's image list filters on; "in:" lists work on some.
SERVER_FILTERS = ('name', 'status', 'visibility', 'owner', 'disk_format',
                  'container_format', 'id', 'size_min', 'size_max',
                  'protected')
IN_FILTERS = ('name', 'id', 'status', 'disk_format', 'container_format')
# Glance's own page size cap: larger pages are asked for page by page.
PAGE_SIZE = 200


class ImageServiceError(exception.NovaException):
    msg_fmt = 'The image service failed: %(reason)s'
    code = 503


def _message(resp):
    """The error text of a Glance answer (JSON or Glance's HTML page)."""
    try:
        body = resp.json()
    except ValueError:
        body = None
    if isinstance(body, dict):
        inner = body.get('error') if isinstance(body.get('error'),
                                                dict) else body
        message = inner.get('message') or inner.get('title')
        if message:
            return str(message)
    text = re.sub(r'<[^>]+>', ' ', resp.text or '')
    text = ' '.join(text.split())
    return text[:300] or 'HTTP %d' % resp.status_code


def _str_value(value):
    if isinstance(value, bool):
        return 'true' if value else 'false'
    return '' if value is None else str(value)


def image_record(body):
    """A Glance v2 image as our record: base fields, custom properties in
    ``properties``."""
    record = {key: body.get(key) for key in local.BASE_KEYS}
    record['protected'] = bool(body.get('protected'))
    record['min_ram'] = body.get('min_ram') or 0
    record['min_disk'] = body.get('min_disk') or 0
    record['properties'] = {
        key: _str_value(value) for key, value in body.items()
        if key not in local.BASE_KEYS and key not in GLANCE_ONLY_KEYS}
    return record


def create_body(context, image_meta):
    """The POST /v2/images body for ``image_meta`` (our create() input)."""
    meta = dict(image_meta or {})
    properties = dict(meta.pop('properties', None) or {})
    body = {}
    visibility = meta.pop('visibility', None)
    is_public = meta.pop('is_public', None)
    if visibility is None:
        visibility = 'public' if is_public else 'private'
    body['visibility'] = visibility
    body['disk_format'] = meta.pop('disk_format', None) or 'raw'
    body['container_format'] = meta.pop('container_format', None) or 'bare'
    for key in ('id', 'name', 'owner'):
        value = meta.pop(key, None)
        if value is not None:
            body[key] = value
    for key in ('min_ram', 'min_disk'):
        value = meta.pop(key, None)
        if value is not None:
            body[key] = local._non_negative(value, key)
    if 'protected' in meta:
        body['protected'] = bool(meta.pop('protected'))
    for key in READ_ONLY_KEYS:
        meta.pop(key, None)
    # What is left is custom properties, as in the local source.
    properties.update(meta)
    for key, value in properties.items():
        body[str(key)] = _str_value(value)
    return body


def _query(filters):
    """(Glance query parameters, filters Glance cannot apply)."""
    params = []
    client_side = {}
    for key, wanted in (filters or {}).items():
        if wanted is None:
            continue
        if key == 'properties':
            for pkey, pvalue in wanted.items():
                params.append((str(pkey), _str_value(pvalue)))
        elif key in SERVER_FILTERS:
            if isinstance(wanted, (list, tuple, set)):
                if key not in IN_FILTERS:
                    client_side[key] = wanted
                    continue
                values = [_str_value(v) for v in wanted]
                if not values:
                    # Nothing can match an empty list.
                    return None, None
                params.append((key, 'in:' + ','.join(values)))
            else:
                params.append((key, _str_value(wanted)))
        elif key in local.BASE_KEYS:
            client_side[key] = wanted
        else:
            # Unknown keys are custom properties, for Glance as for us.
            params.append((key, _str_value(wanted)))
    return params, client_side


class GlanceImageSource:
    """Images of a Glance v2 service (see the module docstring)."""

    def __init__(self, group=GROUP):
        self.group = group

    # -- transport ---------------------------------------------------------
    def _adapter(self, context):
        auth = service_auth.get_auth_plugin(context,
                                            fallback_group=self.group)
        global_id = (getattr(context, 'global_request_id', None) or
                     getattr(context, 'request_id', None))
        return ks_loading.load_adapter_from_conf_options(
            CONF, self.group, session=service_auth.get_session(self.group),
            auth=auth, global_request_id=global_id)

    def _request(self, context, method, url, **kwargs):
        adapter = self._adapter(context)
        headers = kwargs.pop('headers', {})
        headers.setdefault('Accept', 'application/json')
        try:
            return adapter.request(url, method, raise_exc=False,
                                   headers=headers, **kwargs)
        except ks_exc.EndpointNotFound:
            raise ImageServiceError(
                reason='no image endpoint: set [glance] endpoint_override '
                       'or register an "image" service in the catalog')
        except (ks_exc.ConnectionError, ks_exc.ConnectTimeout,
                ks_exc.RequestTimeout) as exc:
            raise ImageServiceError(reason='%s %s: %s' % (method, url, exc))
        except ks_exc.ClientException as exc:
            # Getting the service token (or the fallback service user's
            # token) failed.
            raise ImageServiceError(reason='%s %s: %s' % (method, url, exc))

    def _raise(self, resp, image_id=None, marker=None):
        status = resp.status_code
        message = _message(resp)
        if status == 404:
            if image_id is not None:
                raise exception.ImageNotFound(image_id=image_id)
            raise exception.NotFound(message=message)
        if status == 403:
            raise exception.Forbidden(message=message)
        if status == 409:
            if image_id is not None and 'exist' in message.lower():
                raise exception.ImageExists(image_id=image_id)
            raise exception.Conflict(reason=message)
        if status in (400, 413, 415):
            # Glance answers 400 to a list whose marker is not an image
            # the caller sees.
            lowered = message.lower()
            if marker is not None and ('marker' in lowered or
                                       'not found' in lowered):
                raise exception.MarkerNotFound(marker=marker)
            raise exception.InvalidInput(reason=message)
        raise ImageServiceError(reason='HTTP %d: %s' % (status, message))

    def _get_record(self, context, image_id):
        if not image_id:
            raise exception.ImageNotFound(image_id=image_id)
        resp = self._request(context, 'GET', '/v2/images/%s'
                             % urllib.parse.quote(str(image_id), safe=''))
        if resp.status_code != 200:
            self._raise(resp, image_id=image_id)
        return image_record(resp.json())

    # -- the image source interface (see nova.image.api.API) ---------------
    def get(self, context, image_id):
        return self._get_record(context, image_id)

    def get_all(self, context, filters=None, limit=None, marker=None,
                sort_key='created_at', sort_dir='desc'):
        if sort_key not in local.SORT_KEYS:
            raise exception.InvalidSortKey()
        if sort_dir not in ('asc', 'desc'):
            raise exception.InvalidInput(
                reason='sort_dir must be "asc" or "desc"')
        params, client_side = _query(filters)
        if params is None:
            return []
        if limit is not None:
            limit = max(int(limit), 0)
            if limit == 0:
                return []
        params += [('sort_key', sort_key), ('sort_dir', sort_dir)]
        if client_side:
            # Glance cannot apply every filter: read every match, then
            # filter and page here.
            images = [i for i in self._pages(context, params, None, None)
                      if local._matches(i, client_side)]
            if marker is not None:
                ids = [i['id'] for i in images]
                if marker not in ids:
                    raise exception.MarkerNotFound(marker=marker)
                images = images[ids.index(marker) + 1:]
            return images if limit is None else images[:limit]
        return list(self._pages(context, params, marker, limit))

    def _pages(self, context, params, marker, limit):
        """Images of the list, page after page, until ``limit``."""
        count = 0
        while True:
            page_size = PAGE_SIZE if limit is None else min(
                PAGE_SIZE, limit - count)
            query = list(params) + [('limit', page_size)]
            if marker is not None:
                query.append(('marker', marker))
            resp = self._request(context, 'GET', '/v2/images?' +
                                 urllib.parse.urlencode(query))
            if resp.status_code != 200:
                self._raise(resp, marker=marker)
            body = resp.json()
            images = body.get('images') or []
            for image in images:
                yield image_record(image)
                count += 1
            if not images or 'next' not in body or (
                    limit is not None and count >= limit):
                return
            marker = images[-1]['id']

    def create(self, context, image_meta, data=None):
        body = create_body(context, image_meta)
        resp = self._request(context, 'POST', '/v2/images', json=body)
        if resp.status_code != 201:
            self._raise(resp, image_id=body.get('id'))
        image = image_record(resp.json())
        LOG.info('Created image %s (%s) in Glance', image['id'],
                 image['name'])
        if data is None:
            return image
        return self.upload(context, image['id'], data)

    def upload(self, context, image_id, data):
        resp = self._request(
            context, 'PUT', '/v2/images/%s/file' % image_id,
            data=_body(data),
            headers={'Content-Type': 'application/octet-stream'})
        if resp.status_code not in (200, 201, 204):
            self._raise(resp, image_id=image_id)
        return self._get_record(context, image_id)

    def download(self, context, image_id, dst_path=None):
        image = self._get_record(context, image_id)
        if image.get('status') != 'active':
            raise exception.ImageNotActive(image_id=image_id)
        resp = self._request(
            context, 'GET', '/v2/images/%s/file' % image_id, stream=True,
            headers={'Accept': 'application/octet-stream'})
        try:
            if resp.status_code == 204:
                raise exception.ImageNotActive(image_id=image_id)
            if resp.status_code != 200:
                self._raise(resp, image_id=image_id)
            md5 = hashlib.md5(usedforsecurity=False)
            chunks = resp.iter_content(local.CHUNK_SIZE)
            if dst_path is None:
                data = b''.join(chunks)
                md5.update(data)
                _verify(image, md5, resp)
                return data
            with open(dst_path, 'wb') as out:
                for chunk in chunks:
                    md5.update(chunk)
                    out.write(chunk)
            _verify(image, md5, resp)
            return None
        finally:
            resp.close()

    def delete(self, context, image_id):
        resp = self._request(context, 'DELETE', '/v2/images/%s' % image_id)
        if resp.status_code not in (200, 204):
            self._raise(resp, image_id=image_id)
        LOG.info('Deleted image %s in Glance', image_id)

    def update_properties(self, context, image_id, properties, purge=False):
        image = self._get_record(context, image_id)
        current = image['properties']
        changes = []
        wanted = {str(k): v for k, v in properties.items()}
        if purge:
            for key in current:
                if key not in wanted or wanted[key] is None:
                    changes.append({'op': 'remove', 'path': '/' + key})
        for key, value in wanted.items():
            if value is None:
                if key in current and not purge:
                    changes.append({'op': 'remove', 'path': '/' + key})
                continue
            changes.append({'op': 'replace' if key in current else 'add',
                            'path': '/' + key, 'value': _str_value(value)})
        if not changes:
            return image
        resp = self._request(context, 'PATCH', '/v2/images/%s' % image_id,
                             data=json.dumps(changes),
                             headers={'Content-Type': PATCH_TYPE})
        if resp.status_code != 200:
            self._raise(resp, image_id=image_id)
        return image_record(resp.json())


def _body(data):
    """Upload data as requests takes it: bytes or a file object as they
    are, anything else (an iterable of bytes) chunked."""
    if data is None:
        return b''
    if isinstance(data, (bytes, bytearray)) or hasattr(data, 'read'):
        return data
    if isinstance(data, memoryview):
        return bytes(data)
    return iter(data)


def _verify(image, md5, resp):
    expected = image.get('checksum') or resp.headers.get('Content-MD5')
    if expected and md5.hexdigest() != expected:
        raise ImageServiceError(
            reason='image %s: downloaded data has md5 %s, not %s'
                   % (image['id'], md5.hexdigest(), expected))
