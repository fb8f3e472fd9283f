"""Snapshots and backups of this host's guests.

The compute API creates the image record (queued) and sets the task_state
(image_snapshot_pending, or image_backup); here, under the instance's
lock, the snapshot moves the task_state along (image_snapshot ->
image_pending_upload -> image_uploading, the driver calling back) while
the driver uploads the guest's disk into the image, then clears it. A
backup then deletes the oldest backups of the same server and type beyond
``rotation``. A failed snapshot deletes its image and records a fault;
the server keeps its vm_state.
"""

from oslo_log import log as logging

from nova.compute import events
from nova import exception
from nova.notifications import instance as notify
from nova import objects
from nova.states import task_states

LOG = logging.getLogger(__name__)


def save_task_state(instance, task_state, expected_state):
    instance.task_state = task_state
    instance.save(expected_task_state=[expected_state])


def record_fault(compute, context, instance, exc):
    try:
        objects.InstanceFault.from_exception(context, instance.uuid, exc,
                                             compute.host).create()
    except Exception:
        LOG.exception('Could not record an instance fault',
                      instance_uuid=instance.uuid)


def delete_image_quietly(compute, context, image_id):
    try:
        compute.image_api.delete(context, image_id)
    except exception.ImageNotFound:
        pass
    except Exception:
        LOG.exception('Could not delete image %s', image_id)


def take(compute, context, instance, image_id, update_task_state):
    """Have the driver snapshot ``instance`` into ``image_id``."""
    compute.driver.snapshot(context, instance, image_id, update_task_state)


def _snapshot(compute, context, instance, image_id, first_state,
              expected_state, notify_action, event_name):
    with compute.locks.hold(instance.uuid), \
            events.instance_event(context, instance, event_name,
                                  compute.host):
        try:
            save_task_state(instance, first_state, expected_state)
        except (exception.InstanceNotFound,
                exception.InstanceInvalidState) as exc:
            LOG.warning('Not taking the snapshot: %s', exc.format_message(),
                        instance_uuid=instance.uuid)
            delete_image_quietly(compute, context, image_id)
            return False
        notify.notify_action(context, instance, compute.host, notify_action,
                             'start')

        def update_task_state(task_state, expected_state=first_state):
            save_task_state(instance, task_state, expected_state)

        try:
            take(compute, context, instance, image_id, update_task_state)
        except Exception as exc:
            LOG.exception('Snapshot failed', instance_uuid=instance.uuid)
            delete_image_quietly(compute, context, image_id)
            record_fault(compute, context, instance, exc)
            notify.notify_action(context, instance, compute.host,
                                 notify_action, 'error', exception=exc)
            instance.task_state = None
            try:
                instance.save()
            except exception.InstanceNotFound:
                pass
            raise
        instance.task_state = None
        try:
            instance.save(expected_task_state=[task_states.IMAGE_UPLOADING,
                                               first_state])
        except (exception.InstanceNotFound, exception.InstanceInvalidState):
            LOG.info('Instance deleted or changed during the snapshot',
                     instance_uuid=instance.uuid)
        notify.notify_action(context, instance, compute.host, notify_action,
                             'end')
        LOG.info('Snapshot %s taken', image_id, instance_uuid=instance.uuid)
        return True


def snapshot(compute, context, instance, image_id):
    _snapshot(compute, context, instance, image_id,
              task_states.IMAGE_SNAPSHOT, task_states.IMAGE_SNAPSHOT_PENDING,
              'snapshot', 'compute_snapshot_instance')


def backup(compute, context, instance, image_id, backup_type, rotation):
    if _snapshot(compute, context, instance, image_id,
                 task_states.IMAGE_BACKUP, task_states.IMAGE_BACKUP,
                 'backup', 'compute_backup_instance'):
        rotate_backups(compute, context, instance, backup_type, rotation,
                       newest=image_id)


def rotate_backups(compute, context, instance, backup_type, rotation,
                   newest=None):
    """Delete the oldest backups of ``instance`` and ``backup_type`` so
    that ``rotation`` of them remain."""
    found = compute.image_api.get_all(context, filters={'properties': {
        'image_type': 'backup', 'backup_type': backup_type,
        'instance_uuid': instance.uuid}},
        sort_key='created_at', sort_dir='desc')
    # Timestamps have a one-second grain: the backup just taken counts
    # as the newest even when it ties with older ones.
    found.sort(key=lambda i: (i['id'] == newest, i.get('created_at') or '',
                              i.get('updated_at') or ''), reverse=True)
    excess = found[rotation:] if rotation >= 0 else []
    for image in excess:
        LOG.info('Rotating out backup %s (%s)', image['id'], image['name'],
                 instance_uuid=instance.uuid)
        delete_image_quietly(compute, context, image['id'])
    return [i['id'] for i in excess]
