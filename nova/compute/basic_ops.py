"""Rescue, unrescue, admin password, console output and crash dump on
this host's guests (the power actions are in power.py).

Rescue boots the guest from a rescue image (the one asked for, else the
instance's own image) with a fresh administrator password; unrescue
boots it from its own disk again. Both go through power.py's runner, so
they take the instance lock, record their event and notifications and
leave a fault when the driver fails.
"""

import secrets
import string

from oslo_log import log as logging
from oslo_utils import timeutils

from nova.compute import events
from nova.compute import power
from nova import exception
from nova.notifications import instance as notify
from nova import objects
from nova.states import power_state
from nova.states import task_states
from nova.states import vm_states

LOG = logging.getLogger(__name__)

_PASSWORD_CHARS = string.ascii_letters + string.digits


def _generate_password(length=12):
    return ''.join(secrets.choice(_PASSWORD_CHARS) for _ in range(length))


def rescue(compute, context, instance, rescue_password=None,
           rescue_image_ref=None, clean_shutdown=True):
    password = rescue_password or _generate_password()
    image_meta = objects.ImageMeta.from_dict(
        {'id': rescue_image_ref or instance.image_ref})

    def _rescue():
        compute.driver.rescue(context, instance, [], image_meta, password)

    def _launched(inst):
        inst.launched_at = timeutils.utcnow()

    power._run(compute, context, instance, 'rescue', task_states.RESCUING,
               (task_states.RESCUING, None), _rescue, vm_states.RESCUED,
               event='compute_rescue_instance', notify_name='rescue',
               on_success=_launched)


def unrescue(compute, context, instance):
    power._run(compute, context, instance, 'unrescue',
               task_states.UNRESCUING, (task_states.UNRESCUING, None),
               lambda: compute.driver.unrescue(context, instance),
               vm_states.ACTIVE, event='compute_unrescue_instance',
               notify_name='unrescue')


def trigger_crash_dump(compute, context, instance):
    """Send the guest an NMI. Neither task_state nor power_state change:
    what the guest does with it is its own configuration."""
    with events.instance_event(context, instance,
                               'compute_trigger_crash_dump', compute.host):
        notify.notify_action(context, instance, compute.host,
                             'trigger_crash_dump', 'start')
        try:
            compute.driver.trigger_crash_dump(instance)
        except Exception as exc:
            LOG.warning('Crash dump failed: %s', exc,
                        instance_uuid=instance.uuid)
            notify.notify_action(context, instance, compute.host,
                                 'trigger_crash_dump', 'error', exception=exc)
            raise
        notify.notify_action(context, instance, compute.host,
                             'trigger_crash_dump', 'end')
    LOG.info('Crash dump triggered', instance_uuid=instance.uuid)


def _clear_task(instance):
    instance.task_state = None
    try:
        instance.save(expected_task_state=[task_states.UPDATING_PASSWORD])
    except (exception.InstanceNotFound, exception.InstanceInvalidState):
        LOG.info('Instance changed while its password was set',
                 instance_uuid=instance.uuid)


def set_admin_password(compute, context, instance, new_pass):
    """Set the password in the running guest (an RPC call: the API
    answers with what happened). The password itself never appears in
    an error."""
    with compute.locks.hold(instance.uuid), events.instance_event(
            context, instance, 'compute_set_admin_password', compute.host):
        if power.current_power_state(compute, instance) != \
                power_state.RUNNING:
            _clear_task(instance)
            raise exception.InstancePasswordSetFailed(
                instance=instance.uuid,
                reason='instance %s is not running' % instance.uuid)
        try:
            compute.driver.set_admin_password(instance, new_pass)
        except NotImplementedError:
            _clear_task(instance)
            raise
        except (exception.SetAdminPasswdNotSupported,
                exception.InstanceAgentNotEnabled):
            _clear_task(instance)
            raise
        except Exception:
            LOG.exception('Setting the admin password failed',
                          instance_uuid=instance.uuid)
            _clear_task(instance)
            raise exception.InstancePasswordSetFailed(
                instance=instance.uuid,
                reason='error setting admin password')
        _clear_task(instance)
    LOG.info('Admin password set', instance_uuid=instance.uuid)


def _tail(text, length):
    try:
        length = int(length)
    except (TypeError, ValueError):
        length = 0
    if length <= 0:
        return ''
    return '\n'.join(text.split('\n')[-length:])


def get_console_output(compute, context, instance, tail_length=None):
    try:
        output = compute.driver.get_console_output(context, instance)
    except exception.InstanceNotFoundOnHypervisor:
        raise exception.ConsoleNotAvailable()
    if isinstance(output, bytes):
        output = output.decode('utf-8', 'replace')
    if tail_length is not None:
        output = _tail(output, tail_length)
    return output
