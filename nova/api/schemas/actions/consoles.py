"""Schemas of the console actions before remote-consoles (2.1 to 2.5):
each names the console type among those of its protocol."""

from nova.api.schemas.actions import action

CONSOLE_TYPES = {
    'os-getVNCConsole': ['novnc', 'xvpvnc'],
    'os-getSerialConsole': ['serial'],
    'os-getSPICEConsole': ['spice-html5'],
    'os-getRDPConsole': ['rdp-html5'],
}


def get_console(name):
    return action(name, {
        'type': 'object',
        'properties': {'type': {'type': 'string',
                                'enum': CONSOLE_TYPES[name]}},
        'required': ['type'],
        'additionalProperties': False,
    })
