"""Compute API: reboot, stop, start, pause, suspend, lock, rescue, reset state, password, console output, crash dump.

A mixin of nova.compute.api.API; it uses the API's image_api,
network_api, compute_rpcapi and compute_task_api.

Each action checks the allowed source states (409 otherwise, see
nova.compute.checks), moves the instance to the action's task_state
(refused with 409 if another action got there first), records the
instance action and casts the work to the instance's host.
"""

from oslo_log import log as logging

from nova.compute import checks
from nova.compute import events
from nova.compute import instance_actions
from nova import exception
from nova.notifications import instance as notify
from nova.states import task_states
from nova.states import vm_states

LOG = logging.getLogger(__name__)

SOFT = 'SOFT'
HARD = 'HARD'

LOCKED_REASON = 'locked_reason'
LOCKED_BY_OWNER = 'owner'
LOCKED_BY_ADMIN = 'admin'


def _start_task(context, instance, task_state, action, expected=(None,)):
    """Move to ``task_state`` if the instance is still in one of
    ``expected``, then record ``action``."""
    instance.task_state = task_state
    instance.save(expected_task_state=list(expected))
    events.record_action_start(context, instance, action)


def _check_state(instance, method, vm_states_allowed, task_states_allowed):
    if instance.vm_state not in vm_states_allowed:
        raise exception.InstanceInvalidState(
            attr='vm_state', instance_uuid=instance.uuid,
            state=instance.vm_state, method=method)
    if instance.task_state not in task_states_allowed:
        raise exception.InstanceInvalidState(
            attr='task_state', instance_uuid=instance.uuid,
            state=instance.task_state, method=method)


class BasicActions:

    # Reboot.

    @checks.not_locked
    @checks.instance_state(
        vm_state=set(vm_states.ALLOW_SOFT_REBOOT +
                     vm_states.ALLOW_HARD_REBOOT),
        task_state=task_states.ALLOW_REBOOT)
    @checks.has_host
    def reboot(self, context, instance, reboot_type):
        if reboot_type == SOFT:
            # A soft reboot needs a running guest and nothing else in
            # flight; a hard one may take over a soft one.
            _check_state(instance, 'reboot', vm_states.ALLOW_SOFT_REBOOT,
                         (None,))
            _start_task(context, instance, task_states.REBOOTING,
                        instance_actions.REBOOT)
        else:
            _check_state(instance, 'reboot', vm_states.ALLOW_HARD_REBOOT,
                         task_states.ALLOW_REBOOT)
            _start_task(context, instance, task_states.REBOOTING_HARD,
                        instance_actions.REBOOT, task_states.ALLOW_REBOOT)
        self.compute_rpcapi.reboot_instance(context, instance, reboot_type)

    # Stop and start.

    @checks.not_locked
    @checks.has_host
    @checks.instance_state(vm_state=[vm_states.ACTIVE, vm_states.RESCUED,
                                     vm_states.ERROR])
    def stop(self, context, instance, clean_shutdown=True):
        instance.progress = 0
        _start_task(context, instance, task_states.POWERING_OFF,
                    instance_actions.STOP)
        self.compute_rpcapi.stop_instance(context, instance)

    @checks.not_locked
    @checks.has_host
    @checks.instance_state(vm_state=[vm_states.STOPPED])
    def start(self, context, instance):
        _start_task(context, instance, task_states.POWERING_ON,
                    instance_actions.START)
        self.compute_rpcapi.start_instance(context, instance)

    # Pause and suspend.

    @checks.not_locked
    @checks.has_host
    @checks.instance_state(vm_state=[vm_states.ACTIVE])
    def pause(self, context, instance):
        _start_task(context, instance, task_states.PAUSING,
                    instance_actions.PAUSE)
        self.compute_rpcapi.pause_instance(context, instance)

    @checks.not_locked
    @checks.has_host
    @checks.instance_state(vm_state=[vm_states.PAUSED])
    def unpause(self, context, instance):
        _start_task(context, instance, task_states.UNPAUSING,
                    instance_actions.UNPAUSE)
        self.compute_rpcapi.unpause_instance(context, instance)

    @checks.not_locked
    @checks.has_host
    @checks.instance_state(vm_state=[vm_states.ACTIVE])
    def suspend(self, context, instance):
        _start_task(context, instance, task_states.SUSPENDING,
                    instance_actions.SUSPEND)
        self.compute_rpcapi.suspend_instance(context, instance)

    @checks.not_locked
    @checks.has_host
    @checks.instance_state(vm_state=[vm_states.SUSPENDED])
    def resume(self, context, instance):
        _start_task(context, instance, task_states.RESUMING,
                    instance_actions.RESUME)
        self.compute_rpcapi.resume_instance(context, instance)

    # Lock.

    @staticmethod
    def is_expected_locked_by(context, instance):
        """False when the lock was set by the other side (an admin lock
        seen by the owner, or the reverse)."""
        is_owner = instance.project_id == context.project_id
        expected = LOCKED_BY_OWNER if is_owner else LOCKED_BY_ADMIN
        return not instance.locked_by or instance.locked_by == expected

    def lock(self, context, instance, reason=None):
        is_owner = instance.project_id == context.project_id
        if instance.locked and is_owner:
            # The owner locking again changes nothing (not even the
            # reason), as upstream.
            return
        events.record_action_start(context, instance, instance_actions.LOCK)
        with events.instance_event(context, instance, 'api_lock', None):
            instance.locked = True
            instance.locked_by = LOCKED_BY_OWNER if is_owner \
                else LOCKED_BY_ADMIN
            if reason:
                instance.system_metadata[LOCKED_REASON] = reason
            instance.save()
        LOG.info('Locked by %s', instance.locked_by,
                 instance_uuid=instance.uuid)
        notify.notify_action(context, instance, None, 'lock', None)

    def unlock(self, context, instance):
        events.record_action_start(context, instance,
                                   instance_actions.UNLOCK)
        with events.instance_event(context, instance, 'api_unlock', None):
            instance.locked = False
            instance.locked_by = None
            instance.system_metadata.pop(LOCKED_REASON, None)
            instance.save()
        LOG.info('Unlocked', instance_uuid=instance.uuid)
        notify.notify_action(context, instance, None, 'unlock', None)

    # Rescue.

    @checks.not_locked
    @checks.has_host
    @checks.instance_state(vm_state=[vm_states.ACTIVE, vm_states.STOPPED,
                                     vm_states.ERROR])
    def rescue(self, context, instance, rescue_password=None,
               rescue_image_ref=None, clean_shutdown=True):
        if rescue_image_ref:
            # Fails with ImageNotFound before anything changes.
            self.image_api.get(context, rescue_image_ref)
        _start_task(context, instance, task_states.RESCUING,
                    instance_actions.RESCUE)
        self.compute_rpcapi.rescue_instance(
            context, instance, rescue_password=rescue_password,
            rescue_image_ref=rescue_image_ref,
            clean_shutdown=clean_shutdown)

    @checks.not_locked
    @checks.has_host
    @checks.instance_state(vm_state=[vm_states.RESCUED])
    def unrescue(self, context, instance):
        _start_task(context, instance, task_states.UNRESCUING,
                    instance_actions.UNRESCUE)
        self.compute_rpcapi.unrescue_instance(context, instance)

    # Administration.

    def reset_state(self, context, instance, state):
        """Force vm_state (active or error) and clear the task_state;
        the caller checked that this is an admin."""
        events.record_action_start(context, instance,
                                   instance_actions.RESET_STATE)
        instance.vm_state = state
        instance.task_state = None
        instance.save()
        LOG.info('State reset to %s', state, instance_uuid=instance.uuid)

    @checks.not_locked
    @checks.has_host
    @checks.instance_state(vm_state=vm_states.ALLOW_TRIGGER_CRASH_DUMP)
    def trigger_crash_dump(self, context, instance):
        events.record_action_start(context, instance,
                                   instance_actions.TRIGGER_CRASH_DUMP)
        self.compute_rpcapi.trigger_crash_dump(context, instance)

    @checks.not_locked
    @checks.has_host
    @checks.instance_state(vm_state=[vm_states.ACTIVE])
    def set_admin_password(self, context, instance, password):
        _start_task(context, instance, task_states.UPDATING_PASSWORD,
                    instance_actions.CHANGE_PASSWORD)
        self.compute_rpcapi.set_admin_password(context, instance, password)

    @checks.has_host
    def get_console_output(self, context, instance, tail_length=None):
        if instance.task_state in (task_states.DELETING,
                                   task_states.MIGRATING):
            raise exception.InstanceInvalidState(
                attr='task_state', instance_uuid=instance.uuid,
                state=instance.task_state, method='get_console_output')
        return self.compute_rpcapi.get_console_output(
            context, instance, tail_length=tail_length)
