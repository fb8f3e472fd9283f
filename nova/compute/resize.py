"""Resize and cold migration on the compute hosts.

The conductor (tasks/migrate.py) created the migration, parked the
source allocation on the migration's uuid, claimed the destination for
the instance and cast prep_resize to the destination. From there:

    dest   prep_resize          count the new flavor here, remember the
                                old and new flavors, cast resize_instance
    source resize_instance      driver.migrate_disk_and_power_off; the
                                instance now belongs to dest; cast
                                finish_resize
    dest   finish_resize        driver.finish_migration with the new
                                flavor: vm_state RESIZED (VERIFY_RESIZE),
                                migration 'finished'

and then, on request (or after resize_confirm_window seconds):

    source confirm_resize       driver.confirm_migration, free the
                                migration's allocation: 'confirmed'
    dest   revert_resize        driver cleanup here: 'reverted', cast
                                finish_revert_resize
    source finish_revert_resize driver.finish_revert_migration with the
                                old flavor; the migration's allocation
                                goes back to the instance

The server's ports follow the guest: finish_resize binds them to the
destination and finish_revert_resize back to the source, each before the
driver plugs the VIFs, and both wait for Neutron to report them wired
(vif_plugging). A resize on one host leaves the bindings as they are.

A step that fails gives the source allocation back to the instance,
marks the migration 'error' and records a fault; before the guest was
touched the instance is left as it was, afterwards it goes to ERROR.
"""

from oslo_log import log as logging

import nova.conf
from nova.compute import events
from nova.compute import vif_plugging
from nova import context as nova_context
from nova import exception
from nova.notifications.instance import notify_action
from nova import objects
from nova.states import power_state
from nova.states import task_states
from nova.states import vm_states

CONF = nova.conf.CONF
LOG = logging.getLogger(__name__)

OLD_VM_STATE = 'old_vm_state'


def _apply_flavor(instance, flavor):
    instance.flavor = flavor
    instance.instance_type_id = flavor.id
    instance.vcpus = flavor.vcpus
    instance.memory_mb = flavor.memory_mb
    instance.root_gb = flavor.root_gb
    instance.ephemeral_gb = flavor.ephemeral_gb


def _same_host(migration):
    return migration.source_compute == migration.dest_compute


def _power_state(compute, instance):
    try:
        return compute.driver.get_info(instance).state
    except exception.InstanceNotFoundOnHypervisor:
        return power_state.NOSTATE


def _record_fault(context, instance, exc, host):
    try:
        objects.InstanceFault.from_exception(context, instance.uuid, exc,
                                             host).create()
    except Exception:
        LOG.exception('Could not record the fault',
                      instance_uuid=instance.uuid)


def _give_back_allocations(compute, context, instance, migration):
    try:
        compute.reportclient.move_allocations(context, migration.uuid,
                                              instance.uuid)
    except Exception:
        LOG.exception('Could not give the allocations of migration %s back '
                      'to the instance', migration.uuid,
                      instance_uuid=instance.uuid)


def _fail(compute, context, instance, migration, exc, action,
          vm_state=None):
    """Roll a failed step back as far as this host can."""
    LOG.error('%s of the instance failed: %s', action, exc,
              instance_uuid=instance.uuid)
    _give_back_allocations(compute, context, instance, migration)
    compute.rt.drop_move(migration.uuid)
    try:
        migration.status = 'error'
        migration.save()
    except Exception:
        LOG.exception('Could not mark migration %s failed', migration.uuid)
    _record_fault(context, instance, exc, compute.host)
    try:
        instance.task_state = None
        if vm_state is not None:
            instance.vm_state = vm_state
        instance.save()
    except exception.InstanceNotFound:
        pass
    notify_action(context, instance, compute.host, action, 'error',
                  exception=exc)


def _bind_ports_here(compute, context, instance):
    """Bind the server's ports to this host (a no-op for ports bound here
    already); returns the refreshed network info the driver plugs."""
    return compute.network_api.bind_ports_to_host(context, instance,
                                                  compute.host) or []


# ----------------------------------------------------------------------
# Destination: prep_resize
# ----------------------------------------------------------------------
def prep_resize(compute, context, instance, flavor, migration, node,
                request_spec=None, clean_shutdown=True):
    with events.instance_event(context, instance, 'compute_prep_resize',
                               compute.host):
        notify_action(context, instance, compute.host, 'resize_prep',
                      'start', extra={'new_flavor': flavor})
        try:
            if _same_host(migration) and \
                    not CONF.allow_resize_to_same_host and \
                    migration.migration_type == 'resize':
                raise exception.MigrationError(
                    reason='destination same as source!')
            compute.rt.track_move(migration.uuid, node, flavor)
            instance.old_flavor = instance.flavor
            instance.new_flavor = flavor
            instance.system_metadata[OLD_VM_STATE] = instance.vm_state
            instance.save(expected_task_state=[task_states.RESIZE_PREP])
        except Exception as exc:
            _fail(compute, context, instance, migration, exc, 'resize_prep')
            raise
        notify_action(context, instance, compute.host, 'resize_prep', 'end',
                      extra={'new_flavor': flavor})
    compute.compute_rpcapi.resize_instance(context, instance, flavor,
                                           migration,
                                           clean_shutdown=clean_shutdown)


# ----------------------------------------------------------------------
# Source: resize_instance
# ----------------------------------------------------------------------
def resize_instance(compute, context, instance, flavor, migration,
                    clean_shutdown=True):
    with events.instance_event(context, instance, 'compute_resize_instance',
                               compute.host):
        with compute.locks.hold(instance.uuid):
            try:
                migration.status = 'migrating'
                migration.save()
                instance.task_state = task_states.RESIZE_MIGRATING
                instance.save(expected_task_state=[task_states.RESIZE_PREP])
            except Exception as exc:
                _fail(compute, context, instance, migration, exc, 'resize')
                raise
            notify_action(context, instance, compute.host, 'resize', 'start')
            try:
                timeout = 60 if clean_shutdown else 0
                disk_info = compute.driver.migrate_disk_and_power_off(
                    context, instance, migration.dest_compute, flavor, [],
                    timeout=timeout, retry_interval=10)
            except Exception as exc:
                # The guest may be half moved: the user must look.
                _fail(compute, context, instance, migration, exc, 'resize',
                      vm_state=vm_states.ERROR)
                raise
            migration.status = 'post-migrating'
            migration.save()
            instance.host = migration.dest_compute
            instance.node = migration.dest_node
            instance.power_state = _power_state(compute, instance)
            instance.task_state = task_states.RESIZE_MIGRATED
            instance.save(expected_task_state=[
                task_states.RESIZE_MIGRATING])
            if not _same_host(migration):
                # Until confirmed, this host keeps the old flavor for the
                # migration rather than for the instance.
                compute.rt.release(instance)
                compute.rt.track_move(migration.uuid, migration.source_node,
                                      instance.old_flavor)
            notify_action(context, instance, compute.host, 'resize', 'end')
    compute.compute_rpcapi.finish_resize(context, instance, migration,
                                         disk_info)


# ----------------------------------------------------------------------
# Destination: finish_resize
# ----------------------------------------------------------------------
def finish_resize(compute, context, instance, migration, disk_info):
    with events.instance_event(context, instance, 'compute_finish_resize',
                               compute.host):
        with compute.locks.hold(instance.uuid):
            notify_action(context, instance, compute.host, 'resize_finish',
                          'start')
            old_vm_state = instance.system_metadata.get(OLD_VM_STATE,
                                                        vm_states.ACTIVE)
            new_flavor = instance.new_flavor or instance.flavor
            old_flavor = instance.old_flavor or instance.flavor
            try:
                _apply_flavor(instance, new_flavor)
                instance.task_state = task_states.RESIZE_FINISH
                instance.save(expected_task_state=[
                    task_states.RESIZE_MIGRATED])
                network_info = _bind_ports_here(compute, context, instance)
                with vif_plugging.waiting(compute, instance, network_info):
                    compute.driver.finish_migration(
                        context, migration, instance, disk_info,
                        network_info, None,
                        old_flavor.flavorid != new_flavor.flavorid, None,
                        power_on=old_vm_state != vm_states.STOPPED)
            except Exception as exc:
                _fail(compute, context, instance, migration, exc,
                      'resize_finish', vm_state=vm_states.ERROR)
                raise
            migration.status = 'finished'
            migration.save()
            instance.power_state = _power_state(compute, instance)
            instance.vm_state = vm_states.RESIZED
            instance.task_state = None
            instance.save(expected_task_state=[task_states.RESIZE_FINISH])
            compute.rt.instance_claim(instance, migration.dest_node)
            compute.rt.finish_claim(instance)
            if _same_host(migration):
                compute.rt.track_move(migration.uuid, migration.dest_node,
                                      old_flavor)
            else:
                compute.rt.drop_move(migration.uuid)
            notify_action(context, instance, compute.host, 'resize_finish',
                          'end')
    if not _same_host(migration):
        compute.tell_schedulers_built(context, instance)
    LOG.info('Resize finished; waiting for confirmation',
             instance_uuid=instance.uuid)


# ----------------------------------------------------------------------
# Source: confirm_resize
# ----------------------------------------------------------------------
def confirm_resize(compute, context, instance, migration):
    with events.instance_event(context, instance, 'compute_confirm_resize',
                               compute.host):
        with compute.locks.hold(instance.uuid):
            if migration.status == 'confirmed':
                return
            try:
                instance = objects.Instance.get_by_uuid(
                    context.elevated(read_deleted='yes'), instance.uuid)
            except exception.InstanceNotFound:
                pass
            if instance.deleted or instance.task_state == \
                    task_states.DELETING:
                _confirm_for_deleted(compute, context, instance, migration)
                return
            notify_action(context, instance, compute.host, 'resize_confirm',
                          'start')
            try:
                compute.driver.confirm_migration(context, migration,
                                                 instance, [])
                compute.reportclient.delete_allocation_for_instance(
                    context, migration.uuid)
            except Exception as exc:
                LOG.exception('Confirming the resize failed',
                              instance_uuid=instance.uuid)
                migration.status = 'error'
                migration.save()
                _record_fault(context, instance, exc, compute.host)
                instance.vm_state = vm_states.ERROR
                instance.save()
                notify_action(context, instance, compute.host,
                              'resize_confirm', 'error', exception=exc)
                raise
            migration.status = 'confirmed'
            migration.save()
            compute.rt.drop_move(migration.uuid)
            if not _same_host(migration):
                compute.rt.release(instance)
            instance.old_flavor = None
            instance.new_flavor = None
            instance.system_metadata.pop(OLD_VM_STATE, None)
            instance.vm_state = (vm_states.STOPPED
                                 if instance.power_state ==
                                 power_state.SHUTDOWN else vm_states.ACTIVE)
            instance.task_state = None
            try:
                instance.save(expected_task_state=[
                    None, task_states.DELETING])
            except exception.InstanceInvalidState:
                LOG.info('Instance changed while its resize was confirmed',
                         instance_uuid=instance.uuid)
            _remember_flavor(context, instance)
            notify_action(context, instance, compute.host, 'resize_confirm',
                          'end')
    if not _same_host(migration):
        compute.tell_schedulers_deleted(context, instance.uuid)
    LOG.info('Resize confirmed', instance_uuid=instance.uuid)


def _remember_flavor(context, instance):
    """Later moves (evacuate, live migration) schedule with the request
    spec's flavor: make it the one kept."""
    try:
        spec = objects.RequestSpec.get_by_instance_uuid(context,
                                                        instance.uuid)
        if spec.flavor.flavorid != instance.flavor.flavorid:
            spec.flavor = instance.flavor
            spec.save()
    except Exception:
        LOG.info('Could not record the new flavor in the request spec',
                 instance_uuid=instance.uuid)


def _confirm_for_deleted(compute, context, instance, migration):
    """The server was deleted in VERIFY_RESIZE: remove the source's copy
    and free what the migration holds."""
    LOG.info('Instance deleted while its resize waited for confirmation; '
             'cleaning up the source', instance_uuid=instance.uuid)
    try:
        compute.driver.confirm_migration(context, migration, instance, [])
    except Exception:
        LOG.exception('Could not clean up the source of the deleted '
                      'instance', instance_uuid=instance.uuid)
    try:
        compute.reportclient.delete_allocation_for_instance(context,
                                                            migration.uuid)
    except Exception:
        LOG.exception('Could not free the allocations of migration %s',
                      migration.uuid)
    compute.rt.drop_move(migration.uuid)
    if not _same_host(migration):
        compute.rt.release(instance)
    migration.status = 'confirmed'
    migration.save()


# ----------------------------------------------------------------------
# Destination: revert_resize, then source: finish_revert_resize
# ----------------------------------------------------------------------
def revert_resize(compute, context, instance, migration):
    with events.instance_event(context, instance, 'compute_revert_resize',
                               compute.host):
        with compute.locks.hold(instance.uuid):
            notify_action(context, instance, compute.host, 'resize_revert',
                          'start')
            try:
                if not _same_host(migration):
                    compute.driver.destroy(context, instance, [],
                                           destroy_disks=True)
                    compute.rt.release(instance)
                compute.rt.drop_move(migration.uuid)
                migration.status = 'reverted'
                migration.save()
            except Exception as exc:
                _fail(compute, context, instance, migration, exc,
                      'resize_revert', vm_state=vm_states.ERROR)
                raise
    if not _same_host(migration):
        compute.tell_schedulers_deleted(context, instance.uuid)
    compute.compute_rpcapi.finish_revert_resize(context, instance, migration,
                                                migration.source_compute)


def finish_revert_resize(compute, context, instance, migration):
    with events.instance_event(context, instance,
                               'compute_finish_revert_resize', compute.host):
        with compute.locks.hold(instance.uuid):
            old_vm_state = instance.system_metadata.pop(OLD_VM_STATE,
                                                        vm_states.ACTIVE)
            old_flavor = instance.old_flavor or instance.flavor
            try:
                _apply_flavor(instance, old_flavor)
                instance.old_flavor = None
                instance.new_flavor = None
                instance.host = migration.source_compute
                instance.node = migration.source_node
                instance.save(expected_task_state=[
                    task_states.RESIZE_REVERTING])
                network_info = _bind_ports_here(compute, context, instance)
                with vif_plugging.waiting(compute, instance, network_info):
                    compute.driver.finish_revert_migration(
                        context, instance, network_info, migration,
                        power_on=old_vm_state != vm_states.STOPPED)
                if not compute.reportclient.move_allocations(
                        context, migration.uuid, instance.uuid):
                    raise exception.MigrationError(
                        reason='placement refused to give the allocations '
                               'of migration %s back' % migration.uuid)
            except Exception as exc:
                _fail(compute, context, instance, migration, exc,
                      'resize_revert', vm_state=vm_states.ERROR)
                raise
            compute.rt.drop_move(migration.uuid)
            compute.rt.instance_claim(instance, migration.source_node)
            compute.rt.finish_claim(instance)
            instance.power_state = _power_state(compute, instance)
            instance.vm_state = (vm_states.STOPPED
                                 if old_vm_state == vm_states.STOPPED
                                 else vm_states.ACTIVE)
            instance.task_state = None
            instance.save(expected_task_state=[task_states.RESIZE_REVERTING])
            notify_action(context, instance, compute.host, 'resize_revert',
                          'end')
    if not _same_host(migration):
        compute.tell_schedulers_built(context, instance)
    LOG.info('Resize reverted', instance_uuid=instance.uuid)


# ----------------------------------------------------------------------
# Periodic: confirm resizes left waiting too long
# ----------------------------------------------------------------------
def confirm_waiting_resizes(compute, context=None):
    """Confirm the resizes onto this host that have waited in
    VERIFY_RESIZE for more than resize_confirm_window seconds; returns
    how many were sent to their source host."""
    window = CONF.resize_confirm_window
    if window <= 0:
        return 0
    context = context or nova_context.get_admin_context()
    migrations = objects.MigrationList.get_unconfirmed_by_dest_compute(
        context, window, compute.host)
    sent = 0
    for migration in migrations:
        try:
            instance = objects.Instance.get_by_uuid(context,
                                                    migration.instance_uuid)
        except exception.InstanceNotFound:
            migration.status = 'error'
            migration.save()
            continue
        if instance.vm_state != vm_states.RESIZED or \
                instance.task_state is not None:
            if instance.vm_state == vm_states.ERROR or \
                    instance.vm_state == vm_states.ACTIVE:
                # Reverted or broken meanwhile: nothing to confirm.
                migration.status = 'error'
                migration.save()
            continue
        LOG.info('Confirming the resize after %d seconds', window,
                 instance_uuid=instance.uuid)
        try:
            action_ctx = nova_context.get_admin_context()
            if getattr(context, 'cell_uuid', None):
                action_ctx = action_ctx.targeted(context.cell_uuid)
            migration.status = 'confirming'
            migration.save()
            from nova.compute import instance_actions
            events.record_action_start(action_ctx, instance,
                                       instance_actions.CONFIRM_RESIZE)
            compute.compute_rpcapi.confirm_resize(
                action_ctx, instance, migration, migration.source_compute)
            sent += 1
        except Exception:
            LOG.exception('Automatic confirmation of the resize failed',
                          instance_uuid=instance.uuid)
    return sent
