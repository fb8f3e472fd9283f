"""POST /resource_classes and PUT /resource_classes/{name} (before 1.7)."""

RESOURCE_CLASS = {
    'type': 'object',
    'properties': {'name': {'type': 'string',
                            'pattern': '^CUSTOM_[A-Z0-9_]+$',
                            'maxLength': 255}},
    'required': ['name'], 'additionalProperties': False}
