"""Request body of POST /servers/{id}/os-interface."""

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
                    'properties': {'ip_address': {'type': 'string'}},
                    'required': ['ip_address'],
                    'additionalProperties': False,
                },
            },
            'tag': {'type': 'string', 'minLength': 1, 'maxLength': 60,
                    'pattern': '^[^,/]*$'},
        },
        'additionalProperties': False,
    }},
    'additionalProperties': False,
}
