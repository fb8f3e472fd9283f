"""Power state changes the hypervisor reports as they happen.

Drivers with an event source (libvirt's domain lifecycle events) call the
listener registered by ``listen()`` with ``(instance_uuid, power_state)``
when a guest starts, stops, pauses or crashes, on a thread of their own.
The listener brings that one instance in line the way the periodic
``power.sync_power_states`` does for all of them, so a guest that powers
itself off shows SHUTOFF within a second instead of at the next periodic
run:

- an instance with a task in flight (the action will save the state it
  leaves), still building, or whose lock is held is left alone;
- the power state saved is the one the driver reports now, not the one in
  the event: events may arrive late and out of order (a hard reboot emits
  stopped then started), the current state is what counts;
- an ACTIVE instance whose guest is shut down or crashed becomes STOPPED.
"""

import functools

from oslo_log import log as logging

from nova.compute import power
from nova import context as nova_context
from nova import exception
from nova import objects
from nova.states import power_state
from nova.states import vm_states

LOG = logging.getLogger(__name__)


def listen(compute):
    """Register this host's listener with its driver."""
    compute.driver.register_event_listener(
        functools.partial(handle_event, compute))


def handle_event(compute, instance_uuid, state, context=None):
    """Sync the power state of one instance after an event saying its
    guest is now ``state``. Returns whether the instance changed."""
    context = context or nova_context.get_admin_context()
    try:
        instance = objects.Instance.get_by_uuid(context, instance_uuid)
    except exception.InstanceNotFound:
        LOG.debug('Event for a guest without an instance: %s',
                  power_state.name(state), instance_uuid=instance_uuid)
        return False
    if instance.host != compute.host:
        return False
    if instance.task_state is not None or \
            instance.vm_state == vm_states.BUILDING:
        LOG.debug('Event %s ignored: task %s in flight',
                  power_state.name(state), instance.task_state,
                  instance_uuid=instance_uuid)
        return False
    with compute.locks.hold(instance_uuid, blocking=False) as held:
        if not held:
            return False
        return power.record_power_state(
            instance, power.current_power_state(compute, instance))
