"""Request bodies of os-services updates, and the query of its list."""

from nova.api.schemas import types
from nova.api import validation

_reason = {'type': 'string', 'minLength': 1, 'maxLength': 255}
_host = {'type': 'string', 'minLength': 1, 'maxLength': 255}

# PUT /os-services/{enable,disable,disable-log-reason} (before 2.53).
update = {
    'type': 'object',
    'properties': {
        'host': _host,
        'binary': {'type': 'string'},
        'disabled_reason': _reason,
    },
    'required': ['host', 'binary'],
    'additionalProperties': False,
}

# PUT /os-services/force-down (2.11 to 2.52).
force_down = {
    'type': 'object',
    'properties': {
        'host': _host,
        'binary': {'type': 'string'},
        'forced_down': types.boolean,
    },
    'required': ['host', 'binary', 'forced_down'],
    'additionalProperties': False,
}

# PUT /os-services/{uuid} (2.53).
update_by_uuid = {
    'type': 'object',
    'properties': {
        'status': {'type': 'string', 'enum': ['enabled', 'disabled']},
        'disabled_reason': _reason,
        'forced_down': types.boolean,
    },
    'additionalProperties': False,
}

# GET /os-services.
list_query = validation.query_schema({
    'host': {'type': 'string'},
    'binary': {'type': 'string'},
})
