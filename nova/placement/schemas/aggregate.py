"""PUT /resource_providers/{uuid}/aggregates."""

_uuids = {'type': 'array', 'uniqueItems': True,
          'items': {'type': 'string', 'format': 'uuid'}}

# 1.1 to 1.18: the bare list of aggregate uuids.
PUT_AGGREGATES_OLD = _uuids

# 1.19 on: the list with the provider's generation.
PUT_AGGREGATES = {
    'type': 'object',
    'properties': {'aggregates': _uuids,
                   'resource_provider_generation': {'type': 'integer'}},
    'required': ['aggregates', 'resource_provider_generation'],
    'additionalProperties': False}
