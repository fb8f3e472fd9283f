"""Request bodies and query strings of os-keypairs."""

import copy

from nova.api import microversions as mv
from nova.api.schemas import types
from nova.api import validation

MV_KEYPAIR_TYPE = mv.MV_KEYPAIR_TYPE
MV_KEYPAIR_USER = mv.MV_KEYPAIR_USER
MV_KEYPAIR_PAGING = mv.MV_KEYPAIR_PAGING
MV_KEYPAIR_IMPORT_ONLY = mv.MV_KEYPAIR_IMPORT_ONLY

_name = {'type': 'string', 'minLength': 1, 'maxLength': 255}


def create(version):
    props = {'name': types.name, 'public_key': {'type': 'string'}}
    if version >= MV_KEYPAIR_TYPE:
        props['type'] = {'type': 'string', 'enum': ['ssh', 'x509']}
    if version >= MV_KEYPAIR_USER:
        props['user_id'] = {'type': 'string'}
    required = ['name']
    if version >= MV_KEYPAIR_IMPORT_ONLY:
        props['name'] = copy.deepcopy(_name)
        props['name']['pattern'] = r'^[a-zA-Z0-9 @._-]+$'
        required.append('public_key')
    return {
        'type': 'object',
        'properties': {'keypair': {
            'type': 'object',
            'properties': props,
            'required': required,
            'additionalProperties': False,
        }},
        'required': ['keypair'],
        'additionalProperties': False,
    }


def query(version, paging=False):
    props = {}
    if version >= MV_KEYPAIR_USER:
        props['user_id'] = {'type': 'string'}
    if paging and version >= MV_KEYPAIR_PAGING:
        props['limit'] = types.non_negative_integer
        props['marker'] = {'type': 'string'}
    return validation.query_schema(props,
                                   strict=version >= mv.MV_API_CLEANUP)
