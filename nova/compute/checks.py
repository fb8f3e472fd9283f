"""Guards the compute API puts on server actions: allowed source states
and the lock.

    @checks.instance_state(vm_state=[vm_states.ACTIVE],
                           task_state=[None])
    @checks.not_locked
    def pause(self, context, instance): ...

A server outside the allowed states answers 409 (InstanceInvalidState),
a locked server 409 (InstanceIsLocked) unless the caller is an admin. An
action that an [upgrade_levels] pin refuses (RPCVersionPinned, 409) gets
its task_state undone.
The decorated method takes (self, context, instance, ...).
"""

import functools

from nova import exception
from nova.states import vm_states

# Any task_state, including None.
ANY = object()


def instance_state(vm_state=None, task_state=(None,),
                   must_have_launched=True):
    """Allow the call only from the given vm_states and task_states.

    ``vm_state`` None allows every vm_state; ``task_state`` ANY allows any
    task. ``must_have_launched`` refuses a server that never finished
    building (launched_at unset), as upstream does for most actions.
    """
    def wrap(method):
        @functools.wraps(method)
        def inner(self, context, instance, *args, **kwargs):
            if vm_state is not None and instance.vm_state not in vm_state:
                raise exception.InstanceInvalidState(
                    attr='vm_state', instance_uuid=instance.uuid,
                    state=instance.vm_state, method=method.__name__)
            if task_state is not ANY and \
                    instance.task_state not in task_state:
                raise exception.InstanceInvalidState(
                    attr='task_state', instance_uuid=instance.uuid,
                    state=instance.task_state, method=method.__name__)
            if must_have_launched and not instance.launched_at and \
                    instance.vm_state != vm_states.ERROR:
                raise exception.InstanceInvalidState(
                    attr='launched_at', instance_uuid=instance.uuid,
                    state=instance.launched_at, method=method.__name__)
            before = instance.task_state
            try:
                return method(self, context, instance, *args, **kwargs)
            except exception.RPCVersionPinned:
                # Refused before anything was sent: no service will ever
                # clear the task the action has set.
                if instance.task_state != before:
                    instance.task_state = before
                    instance.save()
                raise
        return inner
    return wrap


def not_locked(method):
    """Refuse the call on a locked server unless the caller is an admin."""
    @functools.wraps(method)
    def inner(self, context, instance, *args, **kwargs):
        if instance.locked and not context.is_admin:
            raise exception.InstanceIsLocked(instance_uuid=instance.uuid)
        return method(self, context, instance, *args, **kwargs)
    return inner


def has_host(method):
    """Refuse (409) an action that needs a compute host when the instance
    has none (never scheduled, or shelved offloaded)."""
    @functools.wraps(method)
    def inner(self, context, instance, *args, **kwargs):
        if not instance.host:
            raise exception.InstanceNotReady(instance_id=instance.uuid)
        return method(self, context, instance, *args, **kwargs)
    return inner
