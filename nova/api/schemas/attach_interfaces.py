"""Request body of POST /servers/{id}/os-interface: ``create`` until
2.48, ``create_v249`` (a device ``tag``) from 2.49."""

import copy

from nova.api.schemas import types

create = {
    'type': 'object',
    'properties': {'interfaceAttachment': {
        'type': 'object',
        'properties': {
            'net_id': types.uuid,
            'port_id': types.uuid,
            'fixed_ips': {
                'type': 'array', 'minItems': 1, 'maxItems': 1,
                'items': {
                    'type': 'object',
                    'properties': {'ip_address': {
                        'type': 'string',
                        'oneOf': [{'format': 'ipv4'}, {'format': 'ipv6'}]}},
                    'required': ['ip_address'],
                    'additionalProperties': False,
                },
            },
        },
        'additionalProperties': False,
    }},
    'additionalProperties': False,
}

create_v249 = copy.deepcopy(create)
create_v249['properties']['interfaceAttachment']['properties']['tag'] = {
    'type': 'string', 'minLength': 1, 'maxLength': 60,
    'pattern': '^[^,/]*$'}
