"""Schemas of os-aggregates bodies."""

from nova.api.schemas import types

# A zone name is a name without ':' (the separator of "zone:host" in
# server create requests).
availability_zone = {
    'oneOf': [
        dict(types.name, pattern='^[^:]*$'),
        {'type': 'null'},
    ],
}

# Update accepts names with surrounding blanks and strips them.
_loose_name = {'type': 'string', 'minLength': 1, 'maxLength': 255}

create = {
    'type': 'object',
    'properties': {
        'aggregate': {
            'type': 'object',
            'properties': {
                'name': types.name,
                'availability_zone': availability_zone,
            },
            'required': ['name'],
            'additionalProperties': False,
        },
    },
    'required': ['aggregate'],
    'additionalProperties': False,
}

update = {
    'type': 'object',
    'properties': {
        'aggregate': {
            'type': 'object',
            'properties': {
                'name': _loose_name,
                'availability_zone': availability_zone,
            },
            'anyOf': [{'required': ['name']},
                      {'required': ['availability_zone']}],
            'additionalProperties': False,
        },
    },
    'required': ['aggregate'],
    'additionalProperties': False,
}

_host = {
    'type': 'string', 'minLength': 1, 'maxLength': 255,
    'pattern': '^[a-zA-Z0-9-._]*$',
}


def _host_action(action):
    return {
        'type': 'object',
        'properties': {
            action: {
                'type': 'object',
                'properties': {'host': _host},
                'required': ['host'],
                'additionalProperties': False,
            },
        },
        'required': [action],
        'additionalProperties': False,
    }


add_host = _host_action('add_host')
remove_host = _host_action('remove_host')

set_metadata = {
    'type': 'object',
    'properties': {
        'set_metadata': {
            'type': 'object',
            'properties': {
                'metadata': {
                    'type': 'object',
                    'patternProperties': {
                        '^[a-zA-Z0-9-_:. ]{1,255}$': {
                            'type': ['string', 'null'], 'maxLength': 255},
                    },
                    'additionalProperties': False,
                },
            },
            'required': ['metadata'],
            'additionalProperties': False,
        },
    },
    'required': ['set_metadata'],
    'additionalProperties': False,
}

ACTIONS = {'add_host': add_host, 'remove_host': remove_host,
           'set_metadata': set_metadata}
