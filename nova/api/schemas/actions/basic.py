"""Schemas of reboot, lock, rescue, os-resetState, trigger_crash_dump,
changePassword and os-getConsoleOutput; the other basic actions take
any value (``any_value``)."""

from nova.api import microversions as mv
from nova.api.schemas.actions import action
from nova.api.schemas.actions import any_value

reboot = action('reboot', {
    'type': 'object',
    'properties': {
        'type': {'type': 'string',
                 'enum': ['HARD', 'Hard', 'hard', 'SOFT', 'Soft', 'soft']},
    },
    'required': ['type'],
    'additionalProperties': False,
})

reset_state = action('os-resetState', {
    'type': 'object',
    'properties': {'state': {'type': 'string', 'enum': ['active', 'error']}},
    'required': ['state'],
    'additionalProperties': False,
})

change_password = action('changePassword', {
    'type': 'object',
    'properties': {'adminPass': {'type': 'string'}},
    'required': ['adminPass'],
    'additionalProperties': False,
})

rescue = action('rescue', {
    'type': ['object', 'null'],
    'properties': {
        'adminPass': {'type': 'string'},
        'rescue_image_ref': {'type': 'string', 'format': 'uuid'},
    },
    'additionalProperties': False,
})

console_output = action('os-getConsoleOutput', {
    'type': 'object',
    'properties': {
        'length': {'type': ['integer', 'string', 'null'],
                   'pattern': '^-?[0-9]+$', 'minimum': -1},
    },
    'additionalProperties': False,
})

# The one argument-less action upstream checks: its value must be null.
trigger_crash_dump = action('trigger_crash_dump', {'type': 'null'})


def lock(version):
    if version < mv.MV_LOCKED_REASON:
        # Before 2.73 the value is ignored, whatever it is.
        return any_value('lock')
    return action('lock', {
        'type': ['object', 'null'],
        'properties': {
            'locked_reason': {'type': 'string', 'minLength': 1,
                              'maxLength': 255},
        },
        'additionalProperties': False,
    })
