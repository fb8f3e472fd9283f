"""Deleting an instance on this host.

A delete takes the instance's lock, so it never runs in the middle of a
build or a power action; when a build is spawning the guest, the delete
first asks the driver to destroy it, which makes the spawn give up early
instead of making the delete wait for a full boot.
"""

from oslo_log import log as logging

from nova import exception
from nova.notifications.instance import notify_action

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
    except Exception:
        LOG.exception('Could not free the network of a deleted instance',
                      instance_uuid=instance.uuid)
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


def _destroy_guest(compute, context, instance):
    # The cached VIFs: what the driver unplugs.
    compute.driver.destroy(
        context, instance,
        compute.network_api.get_instance_nw_info(context, instance))
