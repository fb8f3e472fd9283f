"""PUT and POST of /resource_providers/{uuid}/inventories[/{rc}]."""

from nova.placement import inventories

_int = {'type': 'integer', 'maximum': inventories.MAX_INT}
_fields = {
    'total': dict(_int, minimum=1),
    'reserved': dict(_int, minimum=0),
    'min_unit': dict(_int, minimum=1),
    'max_unit': dict(_int, minimum=1),
    'step_size': dict(_int, minimum=1),
    'allocation_ratio': {'type': 'number', 'minimum': 0,
                         'maximum': 3.40282e+38},
}
_generation = {'type': 'integer'}
_rc_name = {'type': 'string', 'pattern': '^[A-Z0-9_]+$', 'maxLength': 255}

INVENTORY = {'type': 'object', 'properties': _fields, 'required': ['total'],
             'additionalProperties': False}

# Inventories keyed by resource class name (also the reshaper's).
INVENTORIES = {'type': 'object',
               'patternProperties': {'^[A-Z0-9_]+$': INVENTORY},
               'additionalProperties': False}

PUT_INVENTORY = {
    'type': 'object',
    'properties': dict(_fields, resource_provider_generation=_generation),
    'required': ['total', 'resource_provider_generation'],
    'additionalProperties': False}

POST_INVENTORY = {
    'type': 'object',
    'properties': dict(_fields, resource_class=_rc_name,
                       resource_provider_generation=_generation),
    'required': ['total', 'resource_class', 'resource_provider_generation'],
    'additionalProperties': False}

PUT_INVENTORIES = {
    'type': 'object',
    'properties': {'resource_provider_generation': _generation,
                   'inventories': INVENTORIES},
    'required': ['inventories', 'resource_provider_generation'],
    'additionalProperties': False}
