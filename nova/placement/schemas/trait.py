"""PUT /traits/{name} and PUT /resource_providers/{uuid}/traits."""

# The name of a trait an operator creates.
CUSTOM_TRAIT = {'type': 'string', 'pattern': '^CUSTOM_[A-Z0-9_]+$',
                'maxLength': 255}

PUT_PROVIDER_TRAITS = {
    'type': 'object',
    'properties': {
        'traits': {'type': 'array', 'uniqueItems': True,
                   'items': {'type': 'string', 'pattern': '^[A-Z0-9_]+$',
                             'maxLength': 255}},
        'resource_provider_generation': {'type': 'integer'}},
    'required': ['traits', 'resource_provider_generation'],
    'additionalProperties': False}
