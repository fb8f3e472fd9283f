"""Schemas of resize and migrate; confirmResize and revertResize take any
value (``any_value``)."""

from nova.api import microversions as mv
from nova.api.schemas.actions import action
from nova.api.schemas.actions import any_value

resize = action('resize', {
    'type': 'object',
    'properties': {
        'flavorRef': {'type': ['string', 'integer'], 'minLength': 1},
        'OS-DCF:diskConfig': {'type': 'string', 'enum': ['AUTO', 'MANUAL']},
    },
    'required': ['flavorRef'],
    'additionalProperties': False,
})

_migrate_v2_56 = action('migrate', {
    'type': ['object', 'null'],
    'properties': {
        'host': {'type': ['string', 'null'], 'minLength': 1,
                 'maxLength': 255},
    },
    'additionalProperties': False,
})


def migrate(version):
    if version >= mv.MV_MIGRATE_HOST:
        return _migrate_v2_56
    # Before 2.56 the body's value was not looked at.
    return any_value('migrate')
