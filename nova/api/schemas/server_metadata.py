"""Request bodies of /servers/{id}/metadata."""

import copy

from nova.api.schemas import types

# POST and PUT on the collection.
update_all = {
    'type': 'object',
    'properties': {'metadata': types.metadata},
    'required': ['metadata'],
    'additionalProperties': False,
}

_one_item = copy.deepcopy(types.metadata)
_one_item.update(minProperties=1, maxProperties=1)

# PUT on one key.
update_item = {
    'type': 'object',
    'properties': {'meta': _one_item},
    'required': ['meta'],
    'additionalProperties': False,
}
