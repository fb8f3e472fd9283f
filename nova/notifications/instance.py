"""Instance lifecycle notifications: ``instance.<action>.<phase>``.

Callers (compute manager, conductor tasks, compute API) use

    notify_action(context, instance, host, action, phase,
                  exception=None, extra=None)

with ``action`` such as 'power_off', 'resize', 'shelve' and ``phase`` one
of 'start', 'end', 'error' (or None for the one-shot ones: 'lock',
'unlock', 'evacuate', 'rebuild_scheduled'). The payload class follows the
action as upstream's do; ``extra`` carries what some payloads add:

- 'new_flavor' (a Flavor) for resize_prep (default: the instance's
  new_flavor when loaded);
- 'snapshot_image_id' for snapshot (and backup, sent as snapshot);
- 'rescue_image_ref' for rescue;
- 'volume_id' for volume_attach / volume_detach;
- 'bdms', 'network_info', 'keypairs' for any payload that shows them;
- 'source' to name the sending binary ('nova-api', 'nova-conductor')
  when the process cannot tell.

An error phase (or an ``exception``) puts an ExceptionPayload in the
payload's ``fault`` and is sent with priority ERROR; everything else with
INFO. Emission is logged and never raises into the caller.
"""

from oslo_log import log as logging
from oslo_utils import timeutils

import nova.conf
from nova.notifications import notifier
from nova.notifications.objects import base as notif_base
from nova.notifications.objects import exception as notif_exception
from nova.notifications.objects import instance as notif_instance

CONF = nova.conf.CONF
LOG = logging.getLogger(__name__)

# action -> (notification class, payload class, names of the extra keys
# the payload takes as keyword arguments)
_ACTIONS = {
    'create': (notif_instance.InstanceCreateNotification,
               notif_instance.InstanceCreatePayload,
               ('bdms', 'network_info', 'keypairs')),
    'resize_prep': (notif_instance.InstanceActionResizePrepNotification,
                    notif_instance.InstanceActionResizePrepPayload,
                    ('new_flavor',)),
    'rescue': (notif_instance.InstanceActionRescueNotification,
               notif_instance.InstanceActionRescuePayload,
               ('rescue_image_ref',)),
    'rebuild': (notif_instance.InstanceActionRebuildNotification,
                notif_instance.InstanceActionRebuildPayload, ('bdms',)),
    'rebuild_scheduled': (notif_instance.InstanceActionRebuildNotification,
                          notif_instance.InstanceActionRebuildPayload,
                          ('bdms',)),
    'snapshot': (notif_instance.InstanceActionSnapshotNotification,
                 notif_instance.InstanceActionSnapshotPayload,
                 ('snapshot_image_id',)),
    'volume_attach': (notif_instance.InstanceActionVolumeNotification,
                      notif_instance.InstanceActionVolumePayload,
                      ('volume_id',)),
    'volume_detach': (notif_instance.InstanceActionVolumeNotification,
                      notif_instance.InstanceActionVolumePayload,
                      ('volume_id',)),
}
_DEFAULT = (notif_instance.InstanceActionNotification,
            notif_instance.InstanceActionPayload,
            ('bdms', 'network_info'))

# Callers' synonyms, mapped to upstream's event names.
_ALIASES = {
    'stop': 'power_off',
    'start': 'power_on',
    # createBackup snapshots the instance: upstream sends instance.snapshot.
    'backup': 'snapshot',
    'resize_migrate': 'resize',
    'live_migration_rollback_source': 'live_migration_rollback',
}


def build(context, instance, host, action, phase=None, exception=None,
          extra=None):
    """The notification object of instance.<action>[.<phase>]."""
    extra = dict(extra or {})
    action = _ALIASES.get(action, action)
    notification_cls, payload_cls, keys = _ACTIONS.get(action, _DEFAULT)
    fault = None
    if exception is not None:
        fault = notif_exception.ExceptionPayload.from_exception(exception)
    if action == 'resize_prep' and 'new_flavor' not in extra:
        extra['new_flavor'] = _loaded(instance, 'new_flavor')
    kwargs = {key: extra[key] for key in keys if key in extra}
    payload = payload_cls(context, instance, fault=fault, **kwargs)
    priority = (notif_base.PRIORITY_ERROR if phase == notif_base.PHASE_ERROR
                else notif_base.PRIORITY_INFO)
    publisher = notif_base.NotificationPublisher(
        host=host or CONF.host,
        source=extra.get('source') or notifier.source())
    return notification_cls(
        priority=priority, publisher=publisher, payload=payload,
        event_type=notif_base.EventType(object='instance', action=action,
                                        phase=phase or None))


def _loaded(instance, name):
    """``instance.<name>`` if the object has it loaded, else None."""
    try:
        if name in instance.fields and instance.obj_attr_is_set(name):
            return getattr(instance, name)
    except AttributeError:
        pass
    return None


def notify_action(context, instance, host, action, phase, exception=None,
                  extra=None):
    """Send instance.<action>.<phase>; logs and swallows any error."""
    if not notifier.enabled():
        return None
    try:
        notification = build(context, instance, host, action, phase,
                             exception=exception, extra=extra)
        notification.emit(context)
    except Exception:
        LOG.exception('Could not send the instance.%s.%s notification',
                      action, phase,
                      instance_uuid=getattr(instance, 'uuid', None))
        return None
    return notification


# -- instance.update ------------------------------------------------------
def _audit_period():
    """The current audit period: this month so far (upstream's default
    instance_usage_audit_period of 'month')."""
    now = timeutils.utcnow()
    begin = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    return notif_instance.AuditPeriodPayload(
        audit_period_beginning=begin, audit_period_ending=now)


def state_changed(old_vm_state, new_vm_state, old_task_state,
                  new_task_state):
    """Whether [notifications] notify_on_state_change wants an
    instance.update for this change."""
    mode = CONF.notifications.notify_on_state_change
    if not mode:
        return False
    if old_vm_state != new_vm_state:
        return True
    return (mode == 'vm_and_task_state' and
            old_task_state != new_task_state)


def notify_update(context, instance, host, old_vm_state, old_task_state,
                  old_display_name=None, source=None):
    """Send instance.update (state transition in state_update) when
    notify_on_state_change asks for it; never raises."""
    new_vm_state = getattr(instance, 'vm_state', None)
    new_task_state = getattr(instance, 'task_state', None)
    if not notifier.enabled() or not state_changed(
            old_vm_state, new_vm_state, old_task_state, new_task_state):
        return None
    try:
        if CONF.notifications.notify_on_state_change == 'vm_state':
            # Only the vm_state transition is reported.
            old_task_state = new_task_state
        payload = notif_instance.InstanceUpdatePayload(
            context, instance,
            state_update=notif_instance.InstanceStateUpdatePayload(
                old_state=old_vm_state, state=new_vm_state,
                old_task_state=old_task_state,
                new_task_state=new_task_state),
            audit_period=_audit_period(),
            old_display_name=old_display_name)
        notification = notif_instance.InstanceUpdateNotification(
            priority=notif_base.PRIORITY_INFO, payload=payload,
            publisher=notif_base.NotificationPublisher(
                host=host or CONF.host, source=source or notifier.source()),
            event_type=notif_base.EventType(object='instance',
                                            action='update'))
        notification.emit(context)
    except Exception:
        LOG.exception('Could not send the instance.update notification',
                      instance_uuid=getattr(instance, 'uuid', None))
        return None
    return notification
