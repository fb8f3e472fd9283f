"""Request body of POST /os-server-external-events."""

import copy

from nova.api import microversions as mv
from nova.api.schemas import types

_BASE_NAMES = ['network-changed', 'network-vif-plugged',
               'network-vif-unplugged', 'network-vif-deleted']
# Event names accepted from a microversion on.
_NAMES_BY_VERSION = (
    (mv.MV_VOLUME_EXTENDED_EVENT, 'volume-extended'),
    (mv.MV_POWER_UPDATE_EVENT, 'power-update'),
    (mv.MV_ACCELERATOR_EVENT, 'accelerator-request-bound'),
    ('2.93', 'volume-reimaged'),
)

_event = {
    'type': 'object',
    'properties': {
        'server_uuid': types.uuid,
        'name': {'type': 'string', 'enum': _BASE_NAMES},
        'status': {'type': 'string',
                   'enum': ['failed', 'completed', 'in-progress']},
        'tag': {'type': 'string', 'maxLength': 255},
    },
    'required': ['server_uuid', 'name'],
    'additionalProperties': False,
}


def create(version):
    event = copy.deepcopy(_event)
    event['properties']['name']['enum'] = _BASE_NAMES + [
        name for since, name in _NAMES_BY_VERSION if version >= since]
    return {
        'type': 'object',
        'properties': {'events': {'type': 'array', 'minItems': 1,
                                  'items': event}},
        'required': ['events'],
        'additionalProperties': False,
    }
