"""Request and response helpers shared by the handlers: JSON bodies
checked against a schema, query strings checked against the parameters a
version allows, JSON responses with the caching headers of 1.15."""

import datetime
import email.utils
import json
import re
import uuid as uuidlib

import jsonschema
import webob

from nova.placement import errors
from nova.placement import microversion as mv

ENV_DB = 'placement.db'
ENV_CONF = 'placement.conf'

UUID_RE = re.compile(r'^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?'
                     r'[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$')


def db(req):
    return req.environ[ENV_DB]


def conf(req):
    return req.environ[ENV_CONF]


def normalize_uuid(value):
    """The dashed lower-case form of a uuid, or None if it is not one."""
    if not isinstance(value, str) or not UUID_RE.match(value):
        return None
    return str(uuidlib.UUID(value))


def _check_accept(req):
    accept = req.headers.get('Accept')
    if accept and 'application/json' not in req.accept:
        raise errors.NotAcceptable(
            'Only application/json is provided')


def extract_json(req, schema):
    """The JSON body of ``req``, validated against ``schema``."""
    content_type = req.content_type
    if content_type != 'application/json':
        raise errors.UnsupportedMediaType(
            'The media type %s is not supported, use application/json'
            % (content_type or None))
    try:
        data = json.loads(req.body)
    except ValueError as exc:
        raise errors.BadRequest('Malformed JSON: %s' % exc)
    validate(data, schema)
    return data


_FORMAT_CHECKER = jsonschema.FormatChecker()


@_FORMAT_CHECKER.checks('uuid')
def _is_uuid(value):
    if not isinstance(value, str):
        return True
    return normalize_uuid(value) is not None


def validate(data, schema):
    validator = jsonschema.Draft4Validator(schema,
                                           format_checker=_FORMAT_CHECKER)
    error = jsonschema.exceptions.best_match(validator.iter_errors(data))
    if error is not None:
        raise errors.BadRequest('JSON does not validate: %s' % error.message)


def query(req, allowed, multi=()):
    """The query parameters of ``req`` as a dict.

    ``allowed`` names the parameters this version accepts; a parameter in
    ``multi`` may repeat (its value is a list), any other may not.
    """
    params = {}
    for key, value in req.GET.items():
        if key not in allowed:
            raise errors.BadRequest(
                "Invalid query string parameters: Additional properties "
                "are not allowed ('%s' was unexpected)" % key)
        if key in multi:
            params.setdefault(key, []).append(value)
        elif key in params:
            raise errors.BadRequest(
                'Query parameter %r may be given only once.' % key,
                code=errors.QUERY_DUPLICATE_KEY)
        else:
            params[key] = value
    return params


def httpdate(when):
    if when is None:
        when = datetime.datetime.now(datetime.timezone.utc)
    elif when.tzinfo is None:
        when = when.replace(tzinfo=datetime.timezone.utc)
    return email.utils.format_datetime(when, usegmt=True)


def json_response(req, body, status=200, last_modified=False, headers=None):
    """A JSON response; ``last_modified`` (a datetime, None for "now", or
    False for no header) is sent from 1.15 on with cache-control."""
    _check_accept(req)
    resp = webob.Response(status=status, content_type='application/json',
                          charset='utf-8')
    resp.body = json.dumps(body, separators=(',', ':')).encode('utf-8')
    if last_modified is not False and mv.at_least(req, '1.15'):
        resp.headers['Last-Modified'] = httpdate(last_modified)
        resp.headers['Cache-Control'] = 'no-cache'
    for name, value in (headers or {}).items():
        resp.headers[name] = value
    return resp


def empty_response(status=204, headers=None):
    resp = webob.Response(status=status)
    resp.content_type = None
    for name, value in (headers or {}).items():
        resp.headers[name] = value
    return resp


def latest(*stamps):
    """The newest of some created_at/updated_at values (None if none)."""
    values = [s for s in stamps if s is not None]
    return max(values) if values else None
