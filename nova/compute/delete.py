"""Deleting an instance on this host.

A delete takes the instance's lock, so it never runs in the middle of a
build or a power action; when a build is spawning the guest, the delete
first asks the driver to destroy it, which makes the spawn give up early
instead of making the delete wait for a full boot.

When the network service cannot free the server's ports (Neutron down),
the delete stops there: the server stays, in ERROR with a fault saying
so, and keeps its node resources and allocations, so that nothing it
holds is forgotten and deleting it again once Neutron answers frees all
of it (the guest is already gone; a second destroy is harmless).
"""

from oslo_log import log as logging

from nova.compute import snapshot
from nova import exception
from nova.notifications.instance import notify_action
from nova.states import vm_states

LOG = logging.getLogger(__name__)


def terminate(compute, context, instance):
    """Destroy the guest, free the network, the node's resources and the
    placement allocations, and soft-delete the instance record."""
    uuid = instance.uuid
    compute.mark_delete_requested(uuid)
    try:
        if compute.builder.is_spawning(uuid):
            LOG.info('Delete requested while the guest is being built; '
                     'cancelling the build', instance_uuid=uuid)
            _destroy_guest(compute, context, instance)
        with compute.locks.hold(uuid):
            finish(compute, context, instance)
    finally:
        compute.clear_delete_requested(uuid)


def finish(compute, context, instance):
    """The delete itself, the caller holding the instance's lock (also
    used at start-up to finish deletes a restart interrupted)."""
    notify_action(context, instance, compute.host, 'delete', 'start')
    _destroy_guest(compute, context, instance)
    try:
        compute.network_api.deallocate_for_instance(context, instance)
    except Exception as exc:
        LOG.exception('Could not free the ports of the instance; it stays, '
                      'in ERROR, until a delete can free them',
                      instance_uuid=instance.uuid)
        _network_not_freed(compute, context, instance, exc)
        return
    compute.rt.release(instance)
    compute.free_allocations(context, instance)
    try:
        instance.destroy()
    except exception.InstanceNotFound:
        LOG.debug('Instance record already deleted',
                  instance_uuid=instance.uuid)
    notify_action(context, instance, compute.host, 'delete', 'end')
    compute.tell_schedulers_deleted(context, instance.uuid)
    LOG.info('Instance deleted', instance_uuid=instance.uuid)


def _network_not_freed(compute, context, instance, exc):
    snapshot.record_fault(compute, context, instance, exc)
    instance.vm_state = vm_states.ERROR
    instance.task_state = None
    try:
        instance.save()
    except exception.InstanceNotFound:
        pass
    notify_action(context, instance, compute.host, 'delete', 'error',
                  exception=exc)


def _destroy_guest(compute, context, instance):
    # The cached VIFs: what the driver unplugs.
    compute.driver.destroy(
        context, instance,
        compute.network_api.get_instance_nw_info(context, instance))
