"""Server actions: os-migrateLive and evacuate.

Live migration to a host the scheduler picks is for project managers and
administrators, to a named host and evacuation for administrators only.

os-migrateLive answers 202; the migration goes on in the conductor and on
the hosts. Its body changed over the microversions:

- 2.1..2.24: block_migration and disk_over_commit (booleans), host;
- 2.25: block_migration may be "auto", disk_over_commit is gone;
- 2.30..2.67: force (skip the scheduler; needs a host);
- 2.68: force is gone.

evacuate answers 200: with the generated or given adminPass before 2.14
(when [api] enable_instance_password), with no body from 2.14. Its body:

- 2.1..2.13: host, onSharedStorage (required), adminPass;
- 2.14: onSharedStorage is gone;
- 2.29..2.67: force;
- 2.95: the evacuated server ends stopped.
"""

import webob.exc

from nova.api import faults
import nova.conf
from nova.api import common
from nova.api.controllers import server_actions
from nova.api.controllers import servers
from nova.api import microversions as mv
from nova.api.schemas.actions import live as schema
from nova.api.schemas import types
from nova import exception
from nova import objects
from nova.policies import evacuate as evacuate_policies
from nova.policies import migrate_server as migrate_policies
from nova.states import vm_states

CONF = nova.conf.CONF

action = server_actions.action

def _force(value, host):
    force = types.to_bool(value.get('force', False))
    if force and not host:
        raise webob.exc.HTTPBadRequest(
            explanation="Can't force to a non-provided destination")
    return force


@action('os-migrateLive', schema=schema.migrate_live)
def migrate_live(req, server_id, value):
    ctx = common.context(req)
    version = common.version(req)
    host = value.get('host')
    instance = servers.get_server(
        req, server_id, migrate_policies.MIGRATE_LIVE_HOST if host
        else migrate_policies.MIGRATE_LIVE)
    force = None
    if mv.MV_LIVE_MIGRATE_FORCE <= version < mv.MV_MOVE_FORCE_REMOVED:
        force = _force(value, host)
    disk_over_commit = None
    if version >= mv.MV_BLOCK_MIGRATION_AUTO:
        block_migration = value['block_migration']
        block_migration = None if block_migration == 'auto' else \
            types.to_bool(block_migration)
    else:
        block_migration = types.to_bool(value['block_migration'])
        disk_over_commit = types.to_bool(value['disk_over_commit'])
    # A destination that does not exist is a bad request here.
    with faults.translate((exception.ComputeHostNotFound, 400)):
        servers.compute_api().live_migrate(
            ctx, instance, block_migration, disk_over_commit, host,
            force=force, async_=version >= mv.MV_ASYNC_LIVE_MIGRATION)


def _evacuate_password(req, value, on_shared_storage):
    version = common.version(req)
    if version < mv.MV_EVACUATE_NO_SHARED_STORAGE:
        if 'adminPass' in value:
            if on_shared_storage:
                raise webob.exc.HTTPBadRequest(
                    explanation="admin password can't be changed on "
                                "existing disk")
            return value['adminPass']
        if not on_shared_storage:
            return servers.generate_password()
        return None
    # From 2.14 the host decides about shared storage.
    return value.get('adminPass') or servers.generate_password()


@action('evacuate', schema=schema.evacuate)
def evacuate(req, server_id, value):
    ctx = common.context(req)
    version = common.version(req)
    instance = servers.get_server(req, server_id,
                                  evacuate_policies.EVACUATE)
    host = value.get('host')
    force = None
    if mv.MV_EVACUATE_FORCE <= version < mv.MV_MOVE_FORCE_REMOVED:
        force = _force(value, host)
    on_shared_storage = None
    if version < mv.MV_EVACUATE_NO_SHARED_STORAGE:
        on_shared_storage = types.to_bool(value['onSharedStorage'])
    password = _evacuate_password(req, value, on_shared_storage)
    target_state = vm_states.STOPPED \
        if version >= mv.MV_EVACUATE_STOPPED else None
    if host is not None:
        _check_compute_host(instance, host)
    if instance.host == host:
        raise webob.exc.HTTPBadRequest(
            explanation="The target host can't be the same one.")
    servers.compute_api().evacuate(
        ctx, instance, host, on_shared_storage=on_shared_storage,
        admin_password=password, force=force, target_state=target_state)
    if version < mv.MV_EVACUATE_NO_SHARED_STORAGE and \
            CONF.api.enable_instance_password:
        common.set_status(200)
        return {'adminPass': password}
    return common.empty_response(200)


def _check_compute_host(instance, host):
    """404 unless ``host`` runs a compute service."""
    cctxt = getattr(instance, '_context', None)
    with faults.translate((exception.NotFound, 404,
                           'Compute host %s not found.' % host)):
        objects.Service.get_by_host_and_binary(cctxt, host, 'nova-compute')
