"""Power actions on this host's guests (stop, start, reboot, pause,
unpause, suspend, resume) and the periodic reconciliation of power_state
with the hypervisor.

The compute API sets the task_state (powering-off, powering-on,
rebooting...) before it casts; each action here runs under the
instance's lock, asks the driver, then saves the power_state the driver
reports together with the resulting vm_state and task_state None. A
failed action records an instance fault and clears the task_state, the
vm_state staying what it was.
"""

from oslo_log import log as logging

from nova.compute import events
from nova import exception
from nova.notifications import instance as notify
from nova import objects
from nova.states import power_state
from nova.states import task_states
from nova.states import vm_states
from nova.virt import driver as virt_driver

LOG = logging.getLogger(__name__)

# Seconds a guest is given to shut down cleanly before it is cut off.
CLEAN_SHUTDOWN_TIMEOUT = 60
CLEAN_SHUTDOWN_RETRY = 10


def current_power_state(compute, instance):
    """What the hypervisor says of ``instance`` (NOSTATE: no guest)."""
    try:
        return compute.driver.get_info(instance).state
    except exception.InstanceNotFoundOnHypervisor:
        return power_state.NOSTATE


def _run(compute, context, instance, name, before, allowed, action,
         vm_state_after, event=None, notify_name=None, on_success=None):
    """Run one power action: set ``before`` (if the instance is still in
    one of ``allowed``), call ``action``, save the outcome.

    ``event`` names the instance action event recorded around the work,
    ``notify_name`` the instance.<name>.start/end/error notifications;
    ``on_success(instance)`` may set more fields before the final save.
    """
    with compute.locks.hold(instance.uuid):
        instance.task_state = before
        try:
            instance.save(expected_task_state=list(allowed))
        except (exception.InstanceNotFound,
                exception.InstanceInvalidState) as exc:
            LOG.warning('Not running %s: %s', name, exc.format_message(),
                        instance_uuid=instance.uuid)
            return
        started = event is not None and events.event_start(
            context, instance, event, compute.host)
        _notify(context, instance, compute, notify_name, 'start')
        try:
            action()
        except Exception as exc:
            LOG.exception('%s failed', name, instance_uuid=instance.uuid)
            if event is not None:
                events.event_finish(context, instance, event, exc, started)
            _notify(context, instance, compute, notify_name, 'error', exc)
            try:
                objects.InstanceFault.from_exception(
                    context, instance.uuid, exc, compute.host).create()
            except Exception:
                LOG.exception('Could not record the fault of %s', name,
                              instance_uuid=instance.uuid)
            instance.task_state = None
            instance.power_state = current_power_state(compute, instance)
            _save_quietly(instance, before)
            return
        instance.power_state = current_power_state(compute, instance)
        instance.vm_state = vm_state_after
        instance.task_state = None
        if on_success is not None:
            on_success(instance)
        _save_quietly(instance, before)
        if event is not None:
            events.event_finish(context, instance, event, None, started)
        _notify(context, instance, compute, notify_name, 'end')
        LOG.info('%s done; power state %s', name,
                 power_state.name(instance.power_state),
                 instance_uuid=instance.uuid)


def _notify(context, instance, compute, action, phase, exc=None):
    if action is not None:
        notify.notify_action(context, instance, compute.host, action, phase,
                             exception=exc)


def _save_quietly(instance, expected):
    try:
        instance.save(expected_task_state=[expected])
    except (exception.InstanceNotFound, exception.InstanceInvalidState):
        LOG.info('Instance deleted or changed during the action; result '
                 'not saved', instance_uuid=instance.uuid)


def stop(compute, context, instance, clean_shutdown=True):
    timeout = CLEAN_SHUTDOWN_TIMEOUT if clean_shutdown else 0
    _run(compute, context, instance, 'stop', task_states.POWERING_OFF,
         (task_states.POWERING_OFF, None),
         lambda: compute.driver.power_off(
             instance, timeout=timeout,
             retry_interval=CLEAN_SHUTDOWN_RETRY),
         vm_states.STOPPED, event='compute_stop_instance',
         notify_name='power_off')


def start(compute, context, instance):
    _run(compute, context, instance, 'start', task_states.POWERING_ON,
         (task_states.POWERING_ON, None),
         lambda: compute.driver.power_on(context, instance, []),
         vm_states.ACTIVE, event='compute_start_instance',
         notify_name='power_on')


def reboot(compute, context, instance, reboot_type):
    hard = (reboot_type or '').upper() == virt_driver.REBOOT_HARD
    if hard:
        allowed = (task_states.REBOOTING_HARD,
                   task_states.REBOOT_PENDING_HARD,
                   task_states.REBOOT_STARTED_HARD) + \
            task_states.SOFT_REBOOT_TASKS + (None,)
        started = task_states.REBOOT_STARTED_HARD
    else:
        allowed = task_states.SOFT_REBOOT_TASKS + (None,)
        started = task_states.REBOOT_STARTED
    _run(compute, context, instance, '%s reboot' % ('hard' if hard
                                                    else 'soft'),
         started, allowed,
         lambda: compute.driver.reboot(
             context, instance, [],
             virt_driver.REBOOT_HARD if hard else virt_driver.REBOOT_SOFT),
         vm_states.ACTIVE, event='compute_reboot_instance',
         notify_name='reboot')


def pause(compute, context, instance):
    _run(compute, context, instance, 'pause', task_states.PAUSING,
         (task_states.PAUSING, None),
         lambda: compute.driver.pause(instance), vm_states.PAUSED,
         event='compute_pause_instance', notify_name='pause')


def unpause(compute, context, instance):
    _run(compute, context, instance, 'unpause', task_states.UNPAUSING,
         (task_states.UNPAUSING, None),
         lambda: compute.driver.unpause(instance), vm_states.ACTIVE,
         event='compute_unpause_instance', notify_name='unpause')


def suspend(compute, context, instance):
    _run(compute, context, instance, 'suspend', task_states.SUSPENDING,
         (task_states.SUSPENDING, None),
         lambda: compute.driver.suspend(context, instance),
         vm_states.SUSPENDED, event='compute_suspend_instance',
         notify_name='suspend')


def resume(compute, context, instance):
    _run(compute, context, instance, 'resume', task_states.RESUMING,
         (task_states.RESUMING, None),
         lambda: compute.driver.resume(context, instance, []),
         vm_states.ACTIVE, event='compute_resume_instance',
         notify_name='resume')


def sync_power_states(compute, context):
    """Align each instance's power_state with its guest.

    Instances with an action in flight, or whose lock is held, are left
    for the next round. A guest that stopped on its own (shut down from
    inside, crashed) moves its active instance to stopped, as if it had
    been stopped through the API.
    """
    instances = objects.InstanceList.get_by_host(context, compute.host)
    guests = set(compute.driver.list_instance_uuids())
    changed = 0
    for instance in instances:
        if instance.task_state is not None or \
                instance.vm_state == vm_states.BUILDING:
            continue
        with compute.locks.hold(instance.uuid, blocking=False) as held:
            if not held:
                continue
            state = (current_power_state(compute, instance)
                     if instance.uuid in guests else power_state.NOSTATE)
            if record_power_state(instance, state):
                changed += 1
    return changed


def record_power_state(instance, state):
    """Save ``state`` as the instance's power state when it differs; an
    ACTIVE instance whose guest is shut down or crashed becomes STOPPED,
    as if stopped through the API. The caller holds the instance's lock
    and has checked no task is in flight. Returns whether it saved."""
    if state == instance.power_state:
        return False
    LOG.info('Power state %s in the database, %s on the hypervisor',
             power_state.name(instance.power_state),
             power_state.name(state), instance_uuid=instance.uuid)
    instance.power_state = state
    if instance.vm_state == vm_states.ACTIVE and state in (
            power_state.SHUTDOWN, power_state.CRASHED):
        instance.vm_state = vm_states.STOPPED
    try:
        instance.save(expected_task_state=[None])
    except (exception.InstanceNotFound,
            exception.InstanceInvalidState) as exc:
        LOG.info('Instance changed meanwhile; power state not saved: %s',
                 exc, instance_uuid=instance.uuid)
        return False
    return True
