"""Schemas of the servers resource: create and update bodies, list query."""

import copy

from nova.api import microversions as mv
from nova.api.schemas import types
from nova.api import validation

_image_ref = {
    'oneOf': [
        {'type': 'string', 'format': 'uuid'},
        {'type': 'string', 'maxLength': 0},
    ],
}

_network_item = {
    'type': 'object',
    'properties': {
        'fixed_ip': {'type': 'string', 'oneOf': [{'format': 'ipv4'},
                                                 {'format': 'ipv6'}]},
        'port': {'oneOf': [{'type': 'string', 'format': 'uuid'},
                           {'type': 'null'}]},
        'uuid': {'type': 'string'},
        'tag': {'type': 'string', 'minLength': 1, 'maxLength': 60,
                'pattern': '^[^,/]*$'},
    },
    'additionalProperties': False,
}

_networks_list = {'type': 'array', 'items': _network_item}

_networks_auto = {
    'oneOf': [
        {'type': 'array', 'items': _network_item, 'minItems': 1},
        {'type': 'string', 'enum': ['none', 'auto']},
    ],
}

_hints = {'type': 'object', 'additionalProperties': True}

_block_device_mapping_v2 = {
    'type': 'array',
    'items': {
        'type': 'object',
        'properties': {
            'source_type': {'type': 'string', 'enum': [
                'volume', 'image', 'snapshot', 'blank']},
            'destination_type': {'type': 'string', 'enum': [
                'local', 'volume']},
            'uuid': {'type': 'string', 'minLength': 1, 'maxLength': 255},
            'boot_index': {'type': ['integer', 'string', 'null']},
            'delete_on_termination': types.boolean,
            'volume_size': {'type': ['integer', 'string', 'null']},
            'device_name': {'type': ['string', 'null']},
            'device_type': {'type': ['string', 'null']},
            'disk_bus': {'type': ['string', 'null']},
            'guest_format': {'type': ['string', 'null']},
            'volume_type': {'type': ['string', 'null']},
            'no_device': {},
            'tag': {'type': 'string'},
        },
        'additionalProperties': False,
    },
}

# Files to put in the guest (create and rebuild, before 2.57). How many,
# how long a path and how large the contents may be are quotas
# (injected_files*), checked against the caller's limits, not here; the
# contents are decoded (and refused if they are not base64) by the compute
# API, whose message names the file.
personality = {
    'type': 'array',
    'items': {
        'type': 'object',
        'properties': {
            'path': {'type': 'string'},
            'contents': {'type': 'string'},
        },
        'required': ['path', 'contents'],
        'additionalProperties': False,
    },
}

_hostname = {
    'type': 'string', 'minLength': 1, 'maxLength': 255,
    'pattern': '^[a-zA-Z0-9]([a-zA-Z0-9.-]*[a-zA-Z0-9])?$'}

_server_create = {
    'type': 'object',
    'properties': {
        'name': types.name,
        'imageRef': _image_ref,
        'flavorRef': {'type': ['string', 'integer'], 'minLength': 1},
        'adminPass': {'type': 'string'},
        'metadata': types.metadata,
        'networks': _networks_list,
        'OS-DCF:diskConfig': {'type': 'string', 'enum': ['AUTO', 'MANUAL']},
        'accessIPv4': {'type': 'string', 'format': 'ipv4'},
        'accessIPv6': {'type': 'string', 'format': 'ipv6'},
        'availability_zone': {'type': 'string', 'minLength': 1,
                              'maxLength': 255},
        'key_name': {'type': 'string', 'minLength': 1, 'maxLength': 255},
        'user_data': {'type': 'string', 'format': 'base64',
                      'maxLength': 65535},
        'min_count': types.positive_integer,
        'max_count': types.positive_integer,
        'return_reservation_id': types.boolean,
        'config_drive': types.boolean,
        'block_device_mapping_v2': _block_device_mapping_v2,
        'personality': personality,
        'security_groups': {
            'type': 'array',
            'items': {
                'type': 'object',
                'properties': {'name': {'type': 'string', 'minLength': 1,
                                        'maxLength': 255}},
                'additionalProperties': False,
            },
        },
    },
    'required': ['name', 'flavorRef'],
    'additionalProperties': False,
}

_create = {
    'type': 'object',
    'properties': {
        'server': _server_create,
        'os:scheduler_hints': _hints,
        'OS-SCH-HNT:scheduler_hints': _hints,
    },
    'required': ['server'],
    'additionalProperties': False,
}


def create(version):
    schema = copy.deepcopy(_create)
    server = schema['properties']['server']
    if version >= mv.MV_DESCRIPTION:
        server['properties']['description'] = types.description
    if version >= mv.MV_NETWORKS_REQUIRED:
        server['properties']['networks'] = _networks_auto
        server['required'].append('networks')
    if version >= mv.MV_NO_PERSONALITY:
        del server['properties']['personality']
    if version >= mv.MV_HOSTNAME_FOR_ALL:
        server['properties']['hostname'] = _hostname
    if version >= mv.MV_TAGS_ON_CREATE:
        from nova.api.schemas import server_tags
        server['properties']['tags'] = server_tags.tags
    return schema


_update = {
    'type': 'object',
    'properties': {
        'server': {
            'type': 'object',
            'properties': {
                'name': types.name,
                'OS-DCF:diskConfig': {'type': 'string',
                                      'enum': ['AUTO', 'MANUAL']},
                'accessIPv4': {'oneOf': [
                    {'type': 'string', 'format': 'ipv4'},
                    {'type': 'string', 'maxLength': 0}]},
                'accessIPv6': {'oneOf': [
                    {'type': 'string', 'format': 'ipv6'},
                    {'type': 'string', 'maxLength': 0}]},
            },
            'additionalProperties': False,
        },
    },
    'required': ['server'],
    'additionalProperties': False,
}


def update(version):
    schema = copy.deepcopy(_update)
    properties = schema['properties']['server']['properties']
    if version >= mv.MV_DESCRIPTION:
        properties['description'] = types.description
    if version >= mv.MV_HOSTNAME_FOR_ALL:
        properties['hostname'] = _hostname
    if version >= mv.MV_UPDATE_PINNED_AZ:
        properties['pinned_availability_zone'] = {
            'type': ['string', 'null'], 'minLength': 1, 'maxLength': 255}
    return schema


SORT_KEYS = (
    'access_ip_v4', 'access_ip_v6', 'auto_disk_config', 'availability_zone',
    'config_drive', 'created_at', 'display_description', 'display_name',
    'host', 'hostname', 'image_ref', 'instance_type_id', 'kernel_id',
    'key_name', 'launch_index', 'launched_at', 'locked', 'locked_by', 'node',
    'power_state', 'progress', 'project_id', 'ramdisk_id',
    'root_device_name', 'task_state', 'terminated_at', 'updated_at',
    'user_id', 'uuid', 'vm_state',
)
ADMIN_SORT_KEYS = ('host', 'node')

_any = {'type': 'string'}

_list_query = {
    'limit': types.non_negative_integer,
    'marker': _any,
    'sort_key': {'type': 'string', 'enum': list(SORT_KEYS)},
    'sort_dir': types.sort_dir,
    'all_tenants': _any,
    'project_id': _any,
    'tenant_id': _any,
    'user_id': _any,
    'name': _any,
    'status': _any,
    'host': _any,
    'node': _any,
    'image': _any,
    'image_ref': _any,
    'flavor': _any,
    'reservation_id': _any,
    'changes-since': {'type': 'string', 'format': 'date-time'},
    'deleted': types.boolean,
    'ip': _any,
    'ip6': _any,
    'locked': types.boolean,
    'availability_zone': _any,
    'description': _any,
    'display_name': _any,
    'display_description': _any,
    'key_name': _any,
    'launch_index': _any,
    'vm_state': _any,
    'task_state': _any,
    'power_state': _any,
    'access_ip_v4': _any,
    'access_ip_v6': _any,
    'config_drive': _any,
    'created_at': _any,
    'launched_at': _any,
    'terminated_at': _any,
    'progress': _any,
    'hostname': _any,
    'uuid': _any,
    'tags': _any,
    'tags-any': _any,
    'not-tags': _any,
    'not-tags-any': _any,
    'soft_deleted': types.boolean,
}


def list_query(version):
    props = dict(_list_query)
    if version >= mv.MV_CHANGES_BEFORE:
        props['changes-before'] = {'type': 'string', 'format': 'date-time'}
    return validation.query_schema(props,
                                   strict=version >= mv.MV_API_CLEANUP)
