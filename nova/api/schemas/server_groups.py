"""Schemas of os-server-groups bodies and query strings."""

import copy

from nova.api import microversions as mv
from nova.api.schemas import types
from nova.api import validation

# Gates of this resource (listed in nova.api.microversions.HISTORY).
MV_PROJECT_USER = '2.13'
MV_SOFT_POLICIES = '2.15'
MV_SERVER_GROUP_POLICY = '2.64'

HARD_POLICIES = ['anti-affinity', 'affinity']
SOFT_POLICIES = ['soft-anti-affinity', 'soft-affinity']

_create_policies = {
    'type': 'object',
    'properties': {
        'server_group': {
            'type': 'object',
            'properties': {
                'name': types.name,
                'policies': {
                    'type': 'array',
                    'items': {'type': 'string', 'enum': HARD_POLICIES},
                    'uniqueItems': True,
                    'minItems': 1,
                    'maxItems': 1,
                },
            },
            'required': ['name', 'policies'],
            'additionalProperties': False,
        },
    },
    'required': ['server_group'],
    'additionalProperties': False,
}

_create_policy = {
    'type': 'object',
    'properties': {
        'server_group': {
            'type': 'object',
            'properties': {
                'name': types.name,
                'policy': {'type': 'string',
                           'enum': HARD_POLICIES + SOFT_POLICIES},
                'rules': {
                    'type': 'object',
                    'properties': {
                        'max_server_per_host': types.positive_integer,
                    },
                    'additionalProperties': False,
                },
            },
            'required': ['name', 'policy'],
            'additionalProperties': False,
        },
    },
    'required': ['server_group'],
    'additionalProperties': False,
}


def create(version):
    if version >= MV_SERVER_GROUP_POLICY:
        return _create_policy
    schema = copy.deepcopy(_create_policies)
    if version >= MV_SOFT_POLICIES:
        schema['properties']['server_group']['properties']['policies'][
            'items']['enum'] = HARD_POLICIES + SOFT_POLICIES
    return schema


def list_query(version):
    return validation.query_schema({
        'all_projects': {'type': 'string'},
        'limit': types.non_negative_integer,
        'offset': types.non_negative_integer,
    }, strict=version >= mv.MV_API_CLEANUP)
