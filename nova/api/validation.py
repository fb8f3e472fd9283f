"""Validation of request bodies and query strings against JSON schemas.

Controllers call ``body(req, schema)`` and ``query(req, schema)``; both
raise nova.exception.ValidationError (400) with a message naming the field
at fault, its value and what is wrong with it. Schemas live in
nova/api/schemas/<resource>.py, one per body and microversion range.
"""

import base64
import binascii
import json
import re
import uuid

import jsonschema
from jsonschema import validators

from nova import exception

_format_checker = jsonschema.FormatChecker()


@_format_checker.checks('uuid', raises=ValueError)
def _is_uuid(value):
    if not isinstance(value, str):
        return True
    # Accept the dashed and undashed forms, as the upstream API does.
    uuid.UUID(value)
    return True


@_format_checker.checks('base64', raises=(ValueError, binascii.Error))
def _is_base64(value):
    if not isinstance(value, str):
        return True
    base64.b64decode(value.encode('ascii'), validate=True)
    return True


_NAME_RE = re.compile(r'^\S(.*\S)?$', re.DOTALL)


@_format_checker.checks('name')
def _is_name(value):
    """No leading or trailing blanks, nothing unprintable."""
    if not isinstance(value, str):
        return True
    if not _NAME_RE.match(value):
        return False
    return all(ch.isprintable() or ch == ' ' for ch in value)


_Validator = validators.Draft4Validator


def _describe(error, what):
    path = list(error.path)
    if path:
        # A query parameter is a list of values: name it, not the index.
        name = path[0] if what == 'query parameters' else path[-1]
        return ('Invalid input for %s %s. Value: %s. %s'
                % (what, name, error.instance, error.message))
    return error.message


def check(data, schema, what='field/attribute'):
    """Validate ``data``; raise ValidationError describing the worst error."""
    validator = _Validator(schema, format_checker=_format_checker)
    error = jsonschema.exceptions.best_match(validator.iter_errors(data))
    if error is not None:
        raise exception.ValidationError(detail=_describe(error, what))


def load_json(req):
    """The decoded JSON body of ``req``; None when it has none."""
    raw = req.body
    if not raw:
        return None
    try:
        return json.loads(raw)
    except ValueError:
        raise exception.ValidationError(detail='Malformed request body')


def body(req, schema):
    """The JSON body of ``req`` after checking it against ``schema``."""
    data = load_json(req)
    check(data, schema)
    return data


def query(req, schema):
    """Check the query string of ``req``; return {name: last value}.

    ``schema`` describes each parameter as a list of strings (a parameter
    may repeat), see ``multi``. Parameters the schema does not list pass
    unless the schema sets additionalProperties to False.
    """
    params = {}
    for name in req.GET.keys():
        params[name] = req.GET.getall(name)
    check(params, schema, what='query parameters')
    return {name: values[-1] for name, values in params.items()}


def multi(item):
    """Schema of a query parameter whose values each match ``item``."""
    return {'type': 'array', 'items': item}


def query_schema(properties, strict=False):
    return {
        'type': 'object',
        'properties': {name: multi(item)
                       for name, item in properties.items()},
        'additionalProperties': not strict,
    }
