"""Evacuation on the compute hosts.

The source host is down, so it takes no part until it comes back:

- destination (evacuate_instance, cast by the conductor once it claimed
  the destination and parked the source allocation on the migration
  record): the migration goes 'pre-migrating', the server's ports are
  bound to this host, the guest is spawned here from the instance's
  image (waiting for Neutron to report the VIFs wired), instance.host/node
  switch to this host and the migration ends 'done' ('failed' and the
  instance in ERROR when the spawn fails; the ports stay bound here, with
  the instance);
- source, when nova-compute starts again (cleanup_evacuated, called from
  reconcile.reconcile_host before anything else): for each evacuation
  that left it, the stale guest is destroyed, the allocation the
  migration held on this host is freed and the migration ends
  'completed'.
"""

from oslo_log import log as logging
from oslo_utils import timeutils

from nova.compute import build
from nova.compute import events
from nova.compute import power
from nova.compute import vif_plugging
from nova import exception
from nova.notifications.instance import notify_action
from nova import objects
from nova.states import power_state
from nova.states import task_states
from nova.states import vm_states

LOG = logging.getLogger(__name__)

# Evacuations whose source may still hold a guest and an allocation.
UNFINISHED_STATUSES = ('accepted', 'pre-migrating', 'done')


def _save_migration(migration, status):
    migration.status = status
    try:
        migration.save()
    except Exception:
        LOG.exception('Could not save migration %s', migration.uuid)


def evacuate_instance(compute, context, instance, migration, node, image,
                      admin_password, target_state=None,
                      on_shared_storage=None):
    """Rebuild ``instance`` on this host after its host went down."""
    with events.instance_event(context, instance, 'compute_rebuild_instance',
                               compute.host):
        with compute.locks.hold(instance.uuid):
            _evacuate(compute, context, instance, migration, node, image,
                      admin_password, target_state)


def _evacuate(compute, context, instance, migration, node, image,
              admin_password, target_state):
    source = instance.host
    was_stopped = instance.vm_state == vm_states.STOPPED
    _save_migration(migration, 'pre-migrating')
    notify_action(context, instance, compute.host, 'evacuate', None)
    notify_action(context, instance, compute.host, 'rebuild', 'start')
    instance.host = compute.host
    instance.node = node
    instance.task_state = task_states.REBUILD_SPAWNING
    instance.power_state = power_state.NOSTATE
    try:
        instance.save(expected_task_state=[task_states.REBUILDING])
    except (exception.InstanceNotFound, exception.InstanceInvalidState) as exc:
        LOG.warning('Not evacuating: %s', exc.format_message(),
                    instance_uuid=instance.uuid)
        _save_migration(migration, 'failed')
        return
    try:
        compute.rt.instance_claim(instance, node)
        if compute.driver.instance_exists(instance):
            # Left by an earlier evacuation here that failed half-way.
            compute.driver.destroy(context, instance, [])
        # The ports follow the guest here, whatever happens next: the
        # source is down and the instance now belongs to this host.
        network_info = compute.network_api.bind_ports_to_host(
            context, instance, compute.host) or []
        with vif_plugging.waiting(compute, instance, network_info):
            compute.driver.spawn(context, instance,
                                 build.image_meta_from(image or {}), [],
                                 admin_password, allocations=None,
                                 network_info=network_info)
        if was_stopped or target_state == vm_states.STOPPED:
            compute.driver.power_off(instance)
            instance.vm_state = vm_states.STOPPED
        else:
            instance.vm_state = vm_states.ACTIVE
        instance.power_state = power.current_power_state(compute, instance)
        instance.task_state = None
        instance.launched_at = timeutils.utcnow()
        instance.save(expected_task_state=[task_states.REBUILD_SPAWNING])
    except Exception as exc:
        LOG.exception('Evacuation from %s failed', source,
                      instance_uuid=instance.uuid)
        notify_action(context, instance, compute.host, 'rebuild', 'error',
                      exception=exc)
        _fail(compute, context, instance, exc)
        _save_migration(migration, 'failed')
        raise
    compute.rt.finish_claim(instance)
    _save_migration(migration, 'done')
    compute.tell_schedulers_built(context, instance)
    notify_action(context, instance, compute.host, 'rebuild', 'end')
    LOG.info('Instance evacuated from %s to node %s', source, node,
             instance_uuid=instance.uuid)


def _fail(compute, context, instance, exc):
    try:
        objects.InstanceFault.from_exception(context, instance.uuid, exc,
                                             compute.host).create()
    except Exception:
        LOG.exception('Could not record the fault',
                      instance_uuid=instance.uuid)
    instance.vm_state = vm_states.ERROR
    instance.task_state = None
    instance.power_state = power.current_power_state(compute, instance)
    try:
        instance.save()
    except exception.InstanceNotFound:
        LOG.info('Instance deleted during its evacuation',
                 instance_uuid=instance.uuid)


class _GuestRef:
    """Enough of an instance for driver.destroy() of a deleted one."""

    def __init__(self, uuid):
        self.uuid = uuid
        self.host = None
        self.node = None


def cleanup_evacuated(compute, context):
    """At start-up: destroy the guests evacuated away from this host while
    it was down and free what their migrations held here."""
    try:
        migrations = objects.MigrationList.get_by_filters(context, {
            'source_compute': compute.host,
            'migration_type': 'evacuation',
            'status': list(UNFINISHED_STATUSES)})
    except Exception:
        LOG.exception('Could not list the evacuations from this host')
        return 0
    guests = set(compute.driver.list_instance_uuids())
    cleaned = 0
    for migration in migrations:
        try:
            if _cleanup_one(compute, context, migration, guests):
                cleaned += 1
        except Exception:
            LOG.exception('Could not clean up after evacuation %s',
                          migration.uuid,
                          instance_uuid=migration.instance_uuid)
    return cleaned


def _cleanup_one(compute, context, migration, guests):
    uuid = migration.instance_uuid
    try:
        instance = objects.Instance.get_by_uuid(
            context.elevated(read_deleted='yes'), uuid)
    except exception.InstanceNotFound:
        instance = None
    if instance is not None and not instance.deleted and \
            instance.host == compute.host:
        # The evacuation never took the instance away from here.
        return False
    if uuid in guests:
        LOG.info('Destroying the guest of an instance evacuated to %s',
                 instance.host if instance is not None else None,
                 instance_uuid=uuid)
        compute.driver.destroy(context, _GuestRef(uuid), [])
    try:
        compute.reportclient.delete_allocation_for_instance(context,
                                                            migration.uuid)
    except Exception:
        LOG.exception('Could not free the allocation of evacuation %s',
                      migration.uuid, instance_uuid=uuid)
        return False
    _save_migration(migration, 'completed')
    return True
