"""Typed errors of the placement service and their JSON rendering.

Every error leaves the service as ``{"errors": [{"status", "title",
"detail", "request_id", "code"}]}``; ``code`` (one of the constants
below) is part of the body from microversion 1.23 on. The detail starts
with the standard explanation of the status, as upstream's webob-based
rendering does, so clients that print it show the same text.
"""

import json

import webob
import webob.exc

# Error codes (microversion 1.23).
UNDEFINED = 'placement.undefined'
INVENTORY_INUSE = 'placement.inventory.inuse'
CONCURRENT_UPDATE = 'placement.concurrent_update'
DUPLICATE_NAME = 'placement.duplicate_name'
PROVIDER_IN_USE = 'placement.resource_provider.inuse'
PROVIDER_CANNOT_DELETE_PARENT = (
    'placement.resource_provider.cannot_delete_parent')
PROVIDER_NOT_FOUND = 'placement.resource_provider.not_found'
QUERY_DUPLICATE_KEY = 'placement.query.duplicate_key'
QUERY_BAD_VALUE = 'placement.query.bad_value'
QUERY_MISSING_VALUE = 'placement.query.missing_value'


class PlacementError(Exception):
    status = 500

    def __init__(self, detail, code=UNDEFINED, headers=None):
        super().__init__(detail)
        self.detail = detail
        self.code = code
        self.headers = headers or {}


class BadRequest(PlacementError):
    status = 400


class Unauthorized(PlacementError):
    status = 401


class NotFound(PlacementError):
    status = 404


class MethodNotAllowed(PlacementError):
    status = 405


class NotAcceptable(PlacementError):
    status = 406


class Conflict(PlacementError):
    status = 409


class UnsupportedMediaType(PlacementError):
    status = 415


def concurrent_update(what='resource provider'):
    return Conflict('%s generation conflict: another process changed it; '
                    'get it again and retry.' % what.capitalize(),
                    code=CONCURRENT_UPDATE)


def provider_not_found(uuid, action=''):
    return NotFound('No resource provider with uuid %s found%s'
                    % (uuid, (' ' + action) if action else ''),
                    code=PROVIDER_NOT_FOUND)


def error_body(status, detail, request_id, code=None):
    cls = webob.exc.status_map.get(status, webob.exc.HTTPInternalServerError)
    error = {'status': status,
             'title': cls.title,
             'detail': '%s\n\n %s  ' % (cls.explanation, detail),
             'request_id': request_id}
    if code is not None:
        error['code'] = code
    return {'errors': [error]}


def error_response(status, detail, request_id, code=None, headers=None):
    resp = webob.Response(status=status, content_type='application/json',
                          charset='utf-8')
    resp.body = json.dumps(error_body(status, detail, request_id,
                                      code)).encode('utf-8')
    for name, value in (headers or {}).items():
        resp.headers[name] = value
    return resp
