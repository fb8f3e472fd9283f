"""Schemas of flavors, flavor access and flavor extra specs."""

import copy

from nova.api import microversions as mv
from nova.api.schemas import types
from nova.api import validation

_flavor_id = {
    # A number is taken as its string form, as upstream does.
    'type': ['string', 'number', 'null'], 'minLength': 1, 'maxLength': 255,
    'pattern': r'^(?! )[a-zA-Z0-9. _-]+(?<! )$',
}

_create = {
    'type': 'object',
    'properties': {
        'flavor': {
            'type': 'object',
            'properties': {
                'name': types.name,
                'id': _flavor_id,
                'ram': {'type': ['integer', 'string'],
                        'pattern': '^[0-9]+$', 'minimum': 1},
                'vcpus': {'type': ['integer', 'string'],
                          'pattern': '^[0-9]+$', 'minimum': 1},
                'disk': types.non_negative_integer,
                'OS-FLV-EXT-DATA:ephemeral': types.non_negative_integer,
                'swap': types.non_negative_integer,
                'rxtx_factor': {'type': ['number', 'string'],
                                'pattern': r'^[0-9]+(\.[0-9]+)?$',
                                'minimum': 0, 'exclusiveMinimum': True,
                                'maximum': 3.40282e+38},
                'os-flavor-access:is_public': types.boolean,
            },
            'required': ['name', 'ram', 'vcpus', 'disk'],
            'additionalProperties': False,
        },
    },
    'required': ['flavor'],
    'additionalProperties': False,
}


def create(version):
    schema = copy.deepcopy(_create)
    properties = schema['properties']['flavor']['properties']
    if version >= mv.MV_FLAVOR_DESCRIPTION:
        properties['description'] = types.description
    if version >= mv.MV_NO_RXTX_FACTOR:
        del properties['rxtx_factor']
    return schema


update = {
    'type': 'object',
    'properties': {
        'flavor': {
            'type': 'object',
            'properties': {'description': types.description},
            'required': ['description'],
            'additionalProperties': False,
        },
    },
    'required': ['flavor'],
    'additionalProperties': False,
}

SORT_KEYS = ('created_at', 'description', 'disabled', 'ephemeral_gb',
             'flavorid', 'id', 'is_public', 'memory_mb', 'name', 'root_gb',
             'rxtx_factor', 'swap', 'updated_at', 'vcpu_weight', 'vcpus')


def list_query(version):
    props = {
        'limit': types.non_negative_integer,
        'marker': {'type': 'string'},
        'is_public': {'type': 'string'},
        'minRam': {'type': 'string'},
        'minDisk': {'type': 'string'},
        'sort_key': {'type': 'string', 'enum': list(SORT_KEYS)},
        'sort_dir': types.sort_dir,
    }
    return validation.query_schema(props,
                                   strict=version >= mv.MV_API_CLEANUP)


_tenant_action = {
    'type': 'object',
    'properties': {
        'tenant': {'type': 'string', 'minLength': 1, 'maxLength': 255},
    },
    'required': ['tenant'],
    'additionalProperties': False,
}

add_tenant_access = {
    'type': 'object',
    'properties': {'addTenantAccess': _tenant_action},
    'required': ['addTenantAccess'],
    'additionalProperties': False,
}

remove_tenant_access = {
    'type': 'object',
    'properties': {'removeTenantAccess': _tenant_action},
    'required': ['removeTenantAccess'],
    'additionalProperties': False,
}

_spec_key = '^[a-zA-Z0-9-_:. ]{1,255}$'
_spec_value = {
    'type': ['string', 'number', 'boolean'],
    'minLength': 0, 'maxLength': 255,
}

extra_specs_create = {
    'type': 'object',
    'properties': {
        'extra_specs': {
            'type': 'object',
            'patternProperties': {_spec_key: _spec_value},
            'additionalProperties': False,
        },
    },
    'required': ['extra_specs'],
    'additionalProperties': False,
}

extra_spec_update = {
    'type': 'object',
    'patternProperties': {_spec_key: _spec_value},
    'minProperties': 1,
    'maxProperties': 1,
    'additionalProperties': False,
}
