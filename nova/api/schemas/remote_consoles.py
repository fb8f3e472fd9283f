"""Request body of POST /servers/{id}/remote-consoles (2.6)."""


def create(protocols):
    """The body for ``protocols``, {protocol: [console type, ...]}: the
    protocols the request's microversion offers (the controller's table).
    A type of another protocol passes here; the controller answers it."""
    return {
        'type': 'object',
        'properties': {'remote_console': {
            'type': 'object',
            'properties': {
                'protocol': {'type': 'string',
                             'enum': sorted(protocols)},
                'type': {'type': 'string', 'enum': sorted(
                    {t for ts in protocols.values() for t in ts})},
            },
            'required': ['protocol', 'type'],
            'additionalProperties': False,
        }},
        'required': ['remote_console'],
        'additionalProperties': False,
    }
