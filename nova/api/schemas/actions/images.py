"""Schemas of createImage, createBackup, rebuild and unshelve, by
microversion; shelve, shelveOffload, restore and forceDelete take any
value (``any_value``)."""

import copy

from nova.api import microversions as mv
from nova.api.schemas.actions import action
from nova.api.schemas.actions import any_value
from nova.api.schemas import servers
from nova.api.schemas import types

create_image = action('createImage', {
    'type': 'object',
    'properties': {'name': types.name, 'metadata': types.metadata},
    'required': ['name'],
    'additionalProperties': False,
})

create_backup = action('createBackup', {
    'type': 'object',
    'properties': {
        'name': types.name,
        'backup_type': {'type': 'string'},
        'rotation': types.non_negative_integer,
        'metadata': types.metadata,
    },
    'required': ['name', 'backup_type', 'rotation'],
    'additionalProperties': False,
})

_access_ip = {
    'accessIPv4': {'oneOf': [{'type': 'string', 'format': 'ipv4'},
                             {'type': 'string', 'maxLength': 0}]},
    'accessIPv6': {'oneOf': [{'type': 'string', 'format': 'ipv6'},
                             {'type': 'string', 'maxLength': 0}]},
}

_rebuild = {
    'type': 'object',
    'properties': dict({
        'imageRef': {'type': 'string', 'minLength': 1},
        'name': types.name,
        'adminPass': {'type': 'string'},
        'metadata': types.metadata,
        'preserve_ephemeral': types.boolean,
        'OS-DCF:diskConfig': {'type': 'string', 'enum': ['AUTO', 'MANUAL']},
        'personality': servers.personality,
    }, **_access_ip),
    'required': ['imageRef'],
    'additionalProperties': False,
}

_hostname = {'type': 'string', 'minLength': 1, 'maxLength': 255,
             'pattern': '^[a-zA-Z0-9]([a-zA-Z0-9.-]*[a-zA-Z0-9])?$'}


def rebuild(version):
    body = copy.deepcopy(_rebuild)
    props = body['properties']
    if version >= mv.MV_DESCRIPTION:
        props['description'] = types.description
    if version >= mv.MV_REBUILD_KEY_NAME:
        props['key_name'] = {'type': ['string', 'null'], 'minLength': 1,
                             'maxLength': 255}
    if version >= mv.MV_NO_PERSONALITY:
        del props['personality']
        props['user_data'] = {'type': ['string', 'null'],
                              'format': 'base64', 'maxLength': 65535}
    if version >= mv.MV_TRUSTED_CERTS:
        props['trusted_image_certificates'] = {
            'type': ['array', 'null'], 'minItems': 1, 'maxItems': 50,
            'uniqueItems': True,
            'items': {'type': 'string', 'minLength': 1}}
    if version >= mv.MV_HOSTNAME_FOR_ALL:
        props['hostname'] = _hostname
    return action('rebuild', body)


def unshelve(version):
    if version >= mv.MV_UNSHELVE_TO_HOST:
        return action('unshelve', {
            'type': ['object', 'null'],
            'properties': {
                'availability_zone': {
                    'type': ['string', 'null'], 'minLength': 1,
                    'maxLength': 255, 'format': 'name'},
                'host': _hostname,
            },
            'minProperties': 1,
            'additionalProperties': False,
        })
    if version >= mv.MV_UNSHELVE_AZ:
        return action('unshelve', {
            'type': ['object', 'null'],
            'properties': {'availability_zone': types.name},
            'required': ['availability_zone'],
            'additionalProperties': False,
        })
    # Before 2.77 the value is not read, whatever it holds.
    return any_value('unshelve')
