"""POST /reshaper (1.30): new inventories of the providers and new
allocations of the consumers, both keyed by uuid."""

from nova.placement.schemas import allocation
from nova.placement.schemas import inventory

_provider = {
    'type': 'object',
    'properties': {
        'resource_provider_generation': {'type': 'integer'},
        'inventories': inventory.INVENTORIES},
    'required': ['resource_provider_generation', 'inventories'],
    'additionalProperties': False}


def reshape(req):
    consumer = allocation.consumer(req, allow_empty=True)
    return {'type': 'object',
            'properties': {
                'inventories': {'type': 'object',
                                'patternProperties': {
                                    '^[0-9a-fA-F-]{32,36}$': _provider},
                                'additionalProperties': False},
                'allocations': {'type': 'object',
                                'patternProperties': {
                                    '^[0-9a-fA-F-]{32,36}$': consumer},
                                'additionalProperties': False}},
            'required': ['inventories', 'allocations'],
            'additionalProperties': False}
