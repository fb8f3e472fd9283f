"""Request schemas of os-quota-sets and os-quota-class-sets."""

import copy

from nova.api.schemas import types

# 2**31 - 1: what an INT column holds.
MAX_INT = 0x7FFFFFFF

_limit = {
    'type': ['integer', 'string'],
    'pattern': '^-?[0-9]+$',
    # -1 means unlimited.
    'minimum': -1,
    'maximum': MAX_INT,
}

_RESOURCES = ('instances', 'cores', 'ram', 'floating_ips', 'fixed_ips',
              'metadata_items', 'key_pairs', 'security_groups',
              'security_group_rules', 'injected_files',
              'injected_file_content_bytes', 'injected_file_path_bytes',
              'server_groups', 'server_group_members')
_NETWORK = ('floating_ips', 'fixed_ips', 'security_groups',
            'security_group_rules')
_PERSONALITY = ('injected_files', 'injected_file_content_bytes',
                'injected_file_path_bytes')


def _body(key, properties):
    return {
        'type': 'object',
        'properties': {
            key: {'type': 'object', 'properties': properties,
                  'additionalProperties': False},
        },
        'required': [key],
        'additionalProperties': False,
    }


def _resources(version, network_gate):
    names = list(_RESOURCES)
    if version >= network_gate:
        names = [n for n in names if n not in _NETWORK]
    if version >= '2.57':
        names = [n for n in names if n not in _PERSONALITY]
    return {name: copy.deepcopy(_limit) for name in names}


def update_quota_set(version):
    properties = _resources(version, '2.36')
    properties['force'] = types.boolean
    return _body('quota_set', properties)


def update_quota_class_set(version):
    return _body('quota_class_set', _resources(version, '2.50'))


user_query = {
    'type': 'object',
    'properties': {'user_id': {'type': 'array',
                               'items': {'type': 'string'}}},
    'additionalProperties': True,
}
