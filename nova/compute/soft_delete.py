"""Soft delete on this host ([DEFAULT] reclaim_instance_interval > 0).

A DELETE then only powers the guest off and marks the server
SOFT_DELETED (the compute API set task_state soft-deleting and noted the
time in system_metadata); it keeps its guest, its claim and its placement
allocations so that "restore" can power it on again. The periodic reclaim
deletes for good (guest, network, claim, allocations, record) the
soft-deleted servers of this host older than reclaim_instance_interval.
"""

import datetime

from oslo_log import log as logging
from oslo_utils import timeutils

import nova.conf
from nova.compute import api_images
from nova.compute import delete
from nova.compute import events
from nova.compute import power
from nova.compute import snapshot
from nova import exception
from nova.notifications import instance as notify
from nova import objects
from nova.states import task_states
from nova.states import vm_states

LOG = logging.getLogger(__name__)
CONF = nova.conf.CONF


def _run(compute, context, instance, name, expected, action, vm_state_after,
         event_name):
    with compute.locks.hold(instance.uuid), \
            events.instance_event(context, instance, event_name,
                                  compute.host):
        if instance.task_state != expected:
            LOG.warning('Not running %s: task_state is %s', name,
                        instance.task_state, instance_uuid=instance.uuid)
            return
        notify.notify_action(context, instance, compute.host, name, 'start')
        try:
            if compute.driver.instance_exists(instance):
                action()
        except Exception as exc:
            LOG.exception('%s failed', name, instance_uuid=instance.uuid)
            snapshot.record_fault(compute, context, instance, exc)
            notify.notify_action(context, instance, compute.host, name,
                                 'error', exception=exc)
            instance.task_state = None
            try:
                instance.save()
            except exception.InstanceNotFound:
                pass
            raise
        instance.power_state = power.current_power_state(compute, instance)
        instance.vm_state = vm_state_after
        instance.task_state = None
        try:
            instance.save(expected_task_state=[expected])
        except (exception.InstanceNotFound,
                exception.InstanceInvalidState) as exc:
            LOG.info('Instance changed during %s: %s', name,
                     exc.format_message(), instance_uuid=instance.uuid)
            return
        notify.notify_action(context, instance, compute.host, name, 'end')
        LOG.info('%s done', name, instance_uuid=instance.uuid)


def soft_delete(compute, context, instance):
    _run(compute, context, instance, 'soft_delete',
         task_states.SOFT_DELETING,
         lambda: compute.driver.power_off(instance, timeout=0),
         vm_states.SOFT_DELETED, 'compute_soft_delete_instance')


def restore(compute, context, instance):
    _run(compute, context, instance, 'restore', task_states.RESTORING,
         lambda: compute.driver.power_on(context, instance, []),
         vm_states.ACTIVE, 'compute_restore_instance')


def _soft_deleted_at(instance):
    text = (instance.system_metadata or {}).get(api_images.SOFT_DELETED_AT)
    value = None
    if text:
        try:
            value = datetime.datetime.fromisoformat(text)
        except ValueError:
            value = None
    if value is None:
        value = instance.updated_at
    if value is not None and value.tzinfo is not None:
        value = value.astimezone(datetime.timezone.utc).replace(tzinfo=None)
    return value


def reclaim_queued_deletes(compute, context):
    """Delete the soft-deleted servers of this host that are older than
    reclaim_instance_interval; returns their uuids."""
    interval = CONF.reclaim_instance_interval
    if interval <= 0:
        return []
    now = timeutils.utcnow()
    reclaimed = []
    for instance in objects.InstanceList.get_by_host(context, compute.host):
        if instance.vm_state != vm_states.SOFT_DELETED or \
                instance.task_state is not None:
            continue
        deleted_at = _soft_deleted_at(instance)
        if deleted_at is not None and \
                (now - deleted_at).total_seconds() < interval:
            continue
        instance.task_state = task_states.DELETING
        try:
            instance.save(expected_task_state=[None],
                          expected_vm_state=[vm_states.SOFT_DELETED])
        except (exception.InstanceNotFound, exception.InstanceInvalidState):
            continue
        LOG.info('Reclaiming soft-deleted instance',
                 instance_uuid=instance.uuid)
        try:
            delete.terminate(compute, context, instance)
            reclaimed.append(instance.uuid)
        except Exception:
            LOG.exception('Could not reclaim the instance',
                          instance_uuid=instance.uuid)
    return reclaimed
