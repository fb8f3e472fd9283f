"""Schemas of the os-security-groups and os-security-group-rules proxy
bodies and query strings (up to 2.35).

These proxies never grew strict validation upstream: unknown keys pass,
and the rule's ports, protocol and CIDR are checked by the network layer
with the messages nova always gave.
"""

from nova.api.schemas import types
from nova.api import validation

_group = {
    'type': 'object',
    'properties': {
        'security_group': {
            'type': 'object',
            'properties': {
                'name': {'type': 'string', 'minLength': 0,
                         'maxLength': 255},
                'description': {'type': 'string', 'minLength': 0,
                                'maxLength': 255},
            },
            'required': ['name', 'description'],
            'additionalProperties': True,
        },
    },
    'required': ['security_group'],
    'additionalProperties': True,
}

create = _group
update = _group

create_rule = {
    'type': 'object',
    'properties': {
        'security_group_rule': {
            'type': 'object',
            'properties': {
                'group_id': {'type': ['string', 'null'], 'format': 'uuid'},
                'parent_group_id': types.uuid,
                'to_port': {},
                'from_port': {},
                'ip_protocol': {},
                'cidr': {},
            },
            'required': ['parent_group_id'],
            'additionalProperties': True,
        },
    },
    'required': ['security_group_rule'],
    'additionalProperties': True,
}

list_query = validation.query_schema({
    'limit': types.non_negative_integer,
    'offset': types.non_negative_integer,
    'all_tenants': {'type': 'string'},
})
