"""One lock per instance uuid, so that two operations on the same
instance (a build and a delete, a reboot and a stop) never interleave on
this host. Locks exist only while someone holds or waits for them."""

import contextlib
import threading


class InstanceLocks:

    def __init__(self):
        self._guard = threading.Lock()
        # uuid -> [lock, number of holders and waiters]
        self._locks = {}

    def _take_ref(self, uuid):
        with self._guard:
            entry = self._locks.setdefault(uuid, [threading.Lock(), 0])
            entry[1] += 1
            return entry

    def _drop_ref(self, uuid, entry):
        with self._guard:
            entry[1] -= 1
            if entry[1] == 0:
                del self._locks[uuid]

    @contextlib.contextmanager
    def hold(self, uuid, blocking=True):
        """Hold the lock of ``uuid``; yields False (and holds nothing)
        when ``blocking`` is False and someone else holds it."""
        entry = self._take_ref(uuid)
        try:
            acquired = entry[0].acquire(blocking)
            try:
                yield acquired
            finally:
                if acquired:
                    entry[0].release()
        finally:
            self._drop_ref(uuid, entry)

    def is_held(self, uuid):
        with self._guard:
            entry = self._locks.get(uuid)
            return entry is not None and entry[0].locked()
