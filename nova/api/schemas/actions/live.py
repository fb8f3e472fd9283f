"""Schemas of os-migrateLive and evacuate, by microversion (their
history is told in nova.api.controllers.actions.live)."""

from nova.api import microversions as mv
from nova.api.schemas.actions import action
from nova.api.schemas import types

_hostname = {
    'type': 'string', 'minLength': 1, 'maxLength': 255,
    'pattern': '^[a-zA-Z0-9-._]*$',
}
_nullable_hostname = dict(_hostname, type=['string', 'null'])
_block_migration_auto = {
    'oneOf': [types.boolean, {'type': 'string', 'enum': ['auto']}],
}


def _object_action(name, properties, required=()):
    return action(name, {
        'type': 'object',
        'properties': properties,
        'required': list(required),
        'additionalProperties': False,
    })


def migrate_live(version):
    if version < mv.MV_BLOCK_MIGRATION_AUTO:
        return _object_action('os-migrateLive', {
            'block_migration': types.boolean,
            'disk_over_commit': types.boolean,
            'host': _nullable_hostname,
        }, ('block_migration', 'disk_over_commit', 'host'))
    properties = {'block_migration': _block_migration_auto,
                  'host': _nullable_hostname}
    if mv.MV_LIVE_MIGRATE_FORCE <= version < mv.MV_MOVE_FORCE_REMOVED:
        properties['force'] = types.boolean
    return _object_action('os-migrateLive', properties,
                          ('block_migration', 'host'))


def evacuate(version):
    properties = {'host': _hostname, 'adminPass': {'type': 'string'}}
    required = ()
    if version < mv.MV_EVACUATE_NO_SHARED_STORAGE:
        properties['onSharedStorage'] = types.boolean
        required = ('onSharedStorage',)
    if mv.MV_EVACUATE_FORCE <= version < mv.MV_MOVE_FORCE_REMOVED:
        properties['force'] = types.boolean
    return _object_action('evacuate', properties, required)
