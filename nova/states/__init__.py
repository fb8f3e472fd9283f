"""Instance states and the Compute API status derived from them.

This is the one import point for state names::

    from nova import states

    states.vm_states.ACTIVE, states.task_states.SPAWNING,
    states.power_state.RUNNING,
    states.status_from_state(vm_state, task_state) -> 'ACTIVE'
    states.states_from_status('ACTIVE') -> (vm_states, task_states or None)

The API status of a server is a function of the (vm_state, task_state)
pair: each vm_state has a status of its own, and a few task states override
it while they run (a rebooting active server is REBOOT, a stopped server
being resized is RESIZE, ...).
"""

from oslo_log import log as logging

from nova.states import power_state
from nova.states import task_states
from nova.states import vm_states

__all__ = ['vm_states', 'task_states', 'power_state', 'status_from_state',
           'states_from_status', 'ALL_STATUSES', 'UNKNOWN']

LOG = logging.getLogger(__name__)

UNKNOWN = 'UNKNOWN'

_REBUILD = {
    task_states.REBUILDING: 'REBUILD',
    task_states.REBUILD_BLOCK_DEVICE_MAPPING: 'REBUILD',
    task_states.REBUILD_SPAWNING: 'REBUILD',
}
_RESIZE = {
    task_states.RESIZE_PREP: 'RESIZE',
    task_states.RESIZE_MIGRATING: 'RESIZE',
    task_states.RESIZE_MIGRATED: 'RESIZE',
    task_states.RESIZE_FINISH: 'RESIZE',
}
_REBOOT = {
    task_states.REBOOTING: 'REBOOT',
    task_states.REBOOT_PENDING: 'REBOOT',
    task_states.REBOOT_STARTED: 'REBOOT',
    task_states.REBOOTING_HARD: 'HARD_REBOOT',
    task_states.REBOOT_PENDING_HARD: 'HARD_REBOOT',
    task_states.REBOOT_STARTED_HARD: 'HARD_REBOOT',
}

# vm_state -> (status when no listed task runs, {task_state: status}).
# Task states not listed here (pausing, powering-off, deleting, snapshots,
# ...) do not change what the API shows.
_STATUS_TABLE = {
    vm_states.ACTIVE: ('ACTIVE', {
        **_REBOOT,
        task_states.UPDATING_PASSWORD: 'PASSWORD',
        **_REBUILD,
        task_states.MIGRATING: 'MIGRATING',
        **_RESIZE,
    }),
    vm_states.BUILDING: ('BUILD', {}),
    vm_states.STOPPED: ('SHUTOFF', {**_RESIZE, **_REBUILD}),
    # A resize waiting for confirmation; confirming does not show, reverting
    # does.
    vm_states.RESIZED: ('VERIFY_RESIZE', {
        task_states.RESIZE_REVERTING: 'REVERT_RESIZE',
    }),
    vm_states.PAUSED: ('PAUSED', {task_states.MIGRATING: 'MIGRATING'}),
    vm_states.SUSPENDED: ('SUSPENDED', {}),
    vm_states.RESCUED: ('RESCUE', {}),
    vm_states.ERROR: ('ERROR', dict(_REBUILD)),
    vm_states.DELETED: ('DELETED', {}),
    vm_states.SOFT_DELETED: ('SOFT_DELETED', {}),
    vm_states.SHELVED: ('SHELVED', {}),
    vm_states.SHELVED_OFFLOADED: ('SHELVED_OFFLOADED', {}),
}

ALL_STATUSES = tuple(sorted(
    {default for default, _ in _STATUS_TABLE.values()} |
    {s for _, overrides in _STATUS_TABLE.values() for s in overrides.values()}
))


def status_from_state(vm_state, task_state=None):
    """The Compute API status string of an instance.

    Returns 'UNKNOWN' (and logs an error) for a vm_state the API does not
    know, which only happens with a corrupt record.
    """
    entry = _STATUS_TABLE.get(vm_state)
    if entry is None:
        LOG.error('Instance has vm_state %r, which has no API status; '
                  'reporting %s', vm_state, UNKNOWN)
        return UNKNOWN
    default, overrides = entry
    return overrides.get(task_state, default)


def states_from_status(status):
    """The states to filter on for ``GET /servers?status=<status>``.

    ``status`` is one status string or a list of them (case and surrounding
    blanks ignored). Returns ``(vm_states, task_states)``:

    - ``vm_states``: sorted list of vm_states that can show one of the
      statuses; empty when no status is known (the API then answers with
      no servers, or 400 from microversion 2.38 on).
    - ``task_states``: ``None`` when some status is shown by a vm_state on
      its own (e.g. ACTIVE: filter on vm_state only, whatever the task), else
      the sorted list of task states that produce the statuses (e.g. REBOOT:
      vm_state active AND one of the three soft-reboot task states).

    Like the upstream API, a mixed request (``['ACTIVE', 'REBOOT']``) filters
    on vm_state only.
    """
    if isinstance(status, str):
        status = [status]
    wanted = {s.strip().upper() for s in status}
    found_vm, found_task = set(), set()
    needs_no_task = False
    for vm_state, (default, overrides) in _STATUS_TABLE.items():
        if default in wanted:
            found_vm.add(vm_state)
            needs_no_task = True
        for task_state, shown in overrides.items():
            if shown in wanted:
                found_vm.add(vm_state)
                found_task.add(task_state)
    tasks = None if needs_no_task else sorted(found_task)
    return sorted(found_vm), tasks
