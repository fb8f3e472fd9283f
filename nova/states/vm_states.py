"""The stable states an instance rests in (``Instance.vm_state``).

An instance sits in one of these between operations; the operation in
flight, if any, is its task_state (see task_states). The string values are
what the databases store and what the API shows as OS-EXT-STS:vm_state, so
they must never change.
"""

ACTIVE = 'active'
BUILDING = 'building'
PAUSED = 'paused'
SUSPENDED = 'suspended'
STOPPED = 'stopped'
RESCUED = 'rescued'
RESIZED = 'resized'
# Note the value: the stored string is 'soft-delete', not 'soft_deleted'.
SOFT_DELETED = 'soft-delete'
DELETED = 'deleted'
ERROR = 'error'
SHELVED = 'shelved'
SHELVED_OFFLOADED = 'shelved_offloaded'

ALL = (ACTIVE, BUILDING, PAUSED, SUSPENDED, STOPPED, RESCUED, RESIZED,
       SOFT_DELETED, DELETED, ERROR, SHELVED, SHELVED_OFFLOADED)

# Groups that the compute API checks actions against.
ALLOW_SOFT_REBOOT = (ACTIVE,)
ALLOW_HARD_REBOOT = (ACTIVE, STOPPED, PAUSED, SUSPENDED, ERROR)
ALLOW_TRIGGER_CRASH_DUMP = (ACTIVE, PAUSED, RESCUED, RESIZED, ERROR)
# States in which the instance holds no resources on any compute host.
ALLOW_RESOURCE_REMOVAL = (DELETED, SHELVED_OFFLOADED)
