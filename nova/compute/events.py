"""Recording instance actions and their events (os-instance-actions).

The compute API starts an action when it accepts a request:

    events.record_action_start(context, instance, instance_actions.STOP)

and the services that do the work wrap each step in an event of that
action, found through the request id the context carries over RPC:

    with events.instance_event(context, instance,
                               'compute_stop_instance', self.host):
        ...

The event ends 'Success', or 'Error' with the traceback when the block
raises (the exception goes on to the caller). Recording is bookkeeping:
a failure to record is logged and never breaks the work itself.
"""

import contextlib
import functools

from oslo_log import log as logging

from nova import objects

LOG = logging.getLogger(__name__)


def record_action_start(context, instance, action):
    """Record that ``action`` was accepted on ``instance`` under the
    context's request id; returns the InstanceAction (None if it could
    not be recorded)."""
    context = _cell_context(context, instance)
    try:
        return objects.InstanceAction.action_start(context, instance.uuid,
                                                   action)
    except Exception:
        LOG.exception('Could not record action %s', action,
                      instance_uuid=instance.uuid)
        return None


def record_action_finish(context, instance):
    """Mark the action of the context's request finished."""
    context = _cell_context(context, instance)
    try:
        objects.InstanceAction.action_finish(context, instance.uuid,
                                             want_result=False)
    except Exception:
        LOG.exception('Could not finish the instance action',
                      instance_uuid=instance.uuid)


def _cell_context(context, instance):
    """The context aimed at the instance's cell: the one the instance was
    loaded with carries the cell, the caller's may not."""
    inst_ctx = getattr(instance, '_context', None)
    cell_uuid = getattr(inst_ctx, 'cell_uuid', None)
    if cell_uuid is not None and \
            getattr(context, 'cell_uuid', None) != cell_uuid:
        context = context.targeted(cell_uuid)
    return context


@contextlib.contextmanager
def instance_event(context, instance, event_name, host):
    """Record event ``event_name`` of the request's action around a block.

    ``instance`` is an Instance or an instance uuid (then ``context``
    must target the instance's cell).
    """
    if isinstance(instance, str):
        instance_uuid = instance
    else:
        instance_uuid = instance.uuid
        context = _cell_context(context, instance)
    started = _event_start(context, instance_uuid, event_name, host)
    try:
        yield
    except BaseException as exc:
        if started:
            _event_finish(context, instance_uuid, event_name, exc)
        raise
    else:
        if started:
            _event_finish(context, instance_uuid, event_name, None)


def event_start(context, instance, event_name, host):
    """Start event ``event_name``; True if it was recorded. For flows
    where a context manager does not fit; pair with event_finish."""
    return _event_start(_cell_context(context, instance), instance.uuid,
                        event_name, host)


def event_finish(context, instance, event_name, exc=None, started=True):
    """Finish an event begun with event_start: Success, or Error with
    ``exc``'s details and traceback."""
    if started:
        _event_finish(_cell_context(context, instance), instance.uuid,
                      event_name, exc)


def wrap_instance_event(event_name):
    """Decorator for compute functions shaped (compute, context,
    instance, ...), ``compute`` a ComputeHost: the call runs inside
    instance_event(..., event_name, compute.host)."""
    def wrap(function):
        @functools.wraps(function)
        def inner(compute, context, instance, *args, **kwargs):
            with instance_event(context, instance, event_name,
                                compute.host):
                return function(compute, context, instance, *args, **kwargs)
        return inner
    return wrap


def _event_start(context, instance_uuid, event_name, host):
    try:
        objects.InstanceActionEvent.event_start(
            context, instance_uuid, event_name, want_result=False,
            host=host)
        return True
    except Exception as exc:
        LOG.warning('Could not record the start of event %s: %s',
                    event_name, exc, instance_uuid=instance_uuid)
        return False


def _event_finish(context, instance_uuid, event_name, exc):
    try:
        if exc is None:
            objects.InstanceActionEvent.event_finish(
                context, instance_uuid, event_name, want_result=False)
        else:
            objects.InstanceActionEvent.event_finish_with_exception(
                context, instance_uuid, event_name, exc,
                exc.__traceback__, want_result=False)
    except Exception as finish_exc:
        LOG.warning('Could not record the end of event %s: %s',
                    event_name, finish_exc, instance_uuid=instance_uuid)
