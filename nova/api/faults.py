"""The one place where errors become Compute API fault responses.

A fault body names the kind of error and repeats the status code::

    {"itemNotFound": {"code": 404, "message": "Flavor 7 could not be found."}}

nova.exception.NovaException subclasses carry their status in ``code``;
webob HTTP exceptions (raised by controllers for request-level problems)
carry it in ``code`` too. Anything else is a bug: it is logged with its
traceback and answered with a 500 that reveals nothing of it.

A few errors answer another status than their own depending on where
they happen (a flavor named in a resize body that does not exist is the
request's fault, 400, not a missing resource, 404); the handler declares
those with ``translate``.
"""

import contextlib
import json

from oslo_log import log as logging
import webob
import webob.exc

from nova import exception

LOG = logging.getLogger(__name__)

FAULT_NAMES = {
    400: 'badRequest',
    401: 'unauthorized',
    403: 'forbidden',
    404: 'itemNotFound',
    405: 'badMethod',
    409: 'conflictingRequest',
    413: 'overLimit',
    415: 'badMediaType',
    429: 'overLimit',
    501: 'notImplemented',
    503: 'serviceUnavailable',
}
# Every other status, 406 and 500 among them.
DEFAULT_FAULT_NAME = 'computeFault'

GENERIC_500 = ('Unexpected API Error. Please report this at '
               'http://bugs.launchpad.net/nova/ and attach the Nova API log '
               'if possible.')


def fault_name(status):
    return FAULT_NAMES.get(status, DEFAULT_FAULT_NAME)


def fault_body(status, message):
    return {fault_name(status): {'code': status, 'message': message}}


def fault_response(status, message, headers=None):
    resp = webob.Response(status=status, content_type='application/json',
                          charset='utf-8')
    resp.body = json.dumps(fault_body(status, message)).encode('utf-8')
    for name, value in (headers or {}).items():
        resp.headers[name] = value
    return resp


def _webob_message(exc):
    # A webob exception made without an explanation still has its default
    # title ("The resource could not be found." etc.) as explanation.
    return exc.explanation or exc.detail or exc.title


def from_exception(exc):
    """A fault response for any exception raised while serving a request."""
    if isinstance(exc, exception.NovaException) and exc.code < 500:
        headers = {}
        if exc.code in (413, 429):
            headers['Retry-After'] = '0'
        return fault_response(exc.code, exc.format_message(), headers)
    if isinstance(exc, webob.exc.HTTPException):
        if exc.code < 400:
            return exc          # redirects and the like answer as they are
        headers = {}
        if exc.code == 405 and exc.headers.get('Allow'):
            headers['Allow'] = exc.headers['Allow']
        return fault_response(exc.code, _webob_message(exc), headers)
    if isinstance(exc, exception.NovaException) and exc.safe:
        return fault_response(exc.code, exc.format_message())
    LOG.exception('Unexpected error while serving an API request')
    return fault_response(500, GENERIC_500)


def from_response(resp):
    """Rewrite an error response that is not a fault body into one."""
    if resp.status_int < 400 or resp.content_type == 'application/json':
        return resp
    message = (resp.status.split(' ', 1)[1] if ' ' in resp.status
               else resp.status)
    new = fault_response(resp.status_int, message)
    for name in ('Allow', 'WWW-Authenticate', 'Retry-After'):
        if name in resp.headers:
            new.headers[name] = resp.headers[name]
    return new


@contextlib.contextmanager
def translate(*rules):
    """Answer an exception raised in the block as its rule says.

    Each rule is ``(exception_types, status)`` or ``(exception_types,
    status, message)``; the first rule whose types match wins, as with
    ``except`` clauses. ``message`` replaces the exception's own (a
    callable gets the exception); without it the exception's message is
    kept. Exceptions no rule matches go on unchanged::

        with faults.translate((exception.ImageNotFound, 400),
                              (exception.KeypairNotFound, 400,
                               'Invalid key_name provided.')):
            compute_api.rebuild(...)
    """
    try:
        yield
    except Exception as exc:
        for rule in rules:
            if isinstance(exc, rule[0]):
                raise _http_error(exc, *rule[1:]) from exc
        raise


def _http_error(exc, status, message=None):
    if message is None:
        message = exc.format_message()
    elif callable(message):
        message = message(exc)
    return webob.exc.status_map[status](explanation=message)
