"""What the hypervisor says about a guest (``Instance.power_state``).

Stored and shown (OS-EXT-STS:power_state) as small integers; the gaps in
the numbering are values that are no longer used and must not be reused.
"""

NOSTATE = 0
RUNNING = 1
PAUSED = 3
SHUTDOWN = 4
CRASHED = 6
SUSPENDED = 7

STATE_MAP = {
    NOSTATE: 'pending',
    RUNNING: 'running',
    PAUSED: 'paused',
    SHUTDOWN: 'shutdown',
    CRASHED: 'crashed',
    SUSPENDED: 'suspended',
}

ALL = tuple(STATE_MAP)


def name(state):
    """The lower-case name of a power state int ('running', ...)."""
    return STATE_MAP.get(state, 'unknown')
