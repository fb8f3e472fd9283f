"""Schemas of addSecurityGroup, removeSecurityGroup, addFloatingIp and
removeFloatingIp; injectNetworkInfo takes any value."""

from nova.api.schemas.actions import action
from nova.api.schemas import types


def _group(name):
    return action(name, {
        'type': 'object',
        'properties': {'name': {'type': 'string', 'minLength': 1}},
        'required': ['name'],
        'additionalProperties': False,
    })


add_security_group = _group('addSecurityGroup')
remove_security_group = _group('removeSecurityGroup')

add_floating_ip = action('addFloatingIp', {
    'type': 'object',
    'properties': {
        'address': types.ip_address,
        'fixed_address': types.ip_address,
    },
    'required': ['address'],
    'additionalProperties': False,
})

remove_floating_ip = action('removeFloatingIp', {
    'type': 'object',
    'properties': {'address': types.ip_address},
    'required': ['address'],
    'additionalProperties': False,
})
