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


def terminate(manager, context, instance):
    """Destroy the guest, free the network, the node's resources and the
    placement allocations, and soft-delete the instance record."""
    uuid = instance.uuid
    manager.mark_delete_requested(uuid)
    try:
        if manager.builder.is_spawning(uuid):
            LOG.info('Delete requested while the guest is being built; '
                     'cancelling the build', instance_uuid=uuid)
            _destroy_guest(manager, context, instance)
        with manager.locks.hold(uuid):
            finish(manager, context, instance)
    finally:
        manager.clear_delete_requested(uuid)


def finish(manager, context, instance):
    """The delete itself, the caller holding the instance's lock (also
    used at start-up to finish deletes a restart interrupted)."""
    notify_action(context, instance, manager.host, 'delete', 'start')
    _destroy_guest(manager, context, instance)
    try:
        manager.network_api.deallocate_for_instance(context, instance)
    except Exception:
        LOG.exception('Could not free the network of a deleted instance',
                      instance_uuid=instance.uuid)
    manager.rt.release(instance)
    manager.free_allocations(context, instance)
    try:
        instance.destroy()
    except exception.InstanceNotFound:
        LOG.debug('Instance record already deleted',
                  instance_uuid=instance.uuid)
    notify_action(context, instance, manager.host, 'delete', 'end')
    manager.tell_schedulers_deleted(context, instance.uuid)
    LOG.info('Instance deleted', instance_uuid=instance.uuid)


def _destroy_guest(manager, context, instance):
    manager.driver.destroy(context, instance, [])
