"""Waiting for other services' events about a server on this host.

A build (or move) that plugs a server's VIFs waits until Neutron reports
each port wired ("network-vif-plugged" with the port id as tag). The
waiter is registered before the VIFs are plugged, so an event that
arrives while the driver is still working is kept:

    with compute.external_events.expect(instance.uuid, names) as waiter:
        compute.driver.spawn(...)           # plugs the VIFs
        waiter.wait(CONF.vif_plugging_timeout)

An event nobody waits for is only logged (Neutron also sends them for
ports it rewires on its own).
"""

import contextlib
import threading
import time

from oslo_log import log as logging

LOG = logging.getLogger(__name__)


class Waiter:
    """The events one piece of work waits for: {(name, tag): status}."""

    def __init__(self, instance_uuid, expected):
        self.instance_uuid = instance_uuid
        self.expected = set(expected)
        self.received = {}
        self._cond = threading.Condition()

    def deliver(self, name, tag, status):
        with self._cond:
            if (name, tag) not in self.expected:
                return False
            self.received[(name, tag)] = status
            self._cond.notify_all()
            return True

    def missing(self):
        return sorted(self.expected - set(self.received))

    def failed(self):
        return sorted(key for key, status in self.received.items()
                      if status == 'failed')

    def wait(self, timeout):
        """True when every expected event arrived within ``timeout``
        seconds (whatever its status: see failed())."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while self.expected - set(self.received):
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._cond.wait(left)
        return True


class ExternalEvents:
    """The waiters of this host, by instance uuid."""

    def __init__(self):
        self._lock = threading.Lock()
        self._waiters = {}

    @contextlib.contextmanager
    def expect(self, instance_uuid, events):
        """Register a Waiter for ``events`` [(name, tag)] of a server for
        the duration of the block."""
        waiter = Waiter(instance_uuid, events)
        with self._lock:
            self._waiters.setdefault(instance_uuid, []).append(waiter)
        try:
            yield waiter
        finally:
            with self._lock:
                waiters = self._waiters.get(instance_uuid, [])
                if waiter in waiters:
                    waiters.remove(waiter)
                if not waiters:
                    self._waiters.pop(instance_uuid, None)

    def deliver(self, instance_uuid, name, tag, status):
        """Hand an event to whoever waits for it; False when nobody did."""
        with self._lock:
            waiters = list(self._waiters.get(instance_uuid, ()))
        taken = False
        for waiter in waiters:
            taken = waiter.deliver(name, tag, status) or taken
        if not taken:
            LOG.debug('Event %s-%s (%s) not waited for', name, tag, status,
                      instance_uuid=instance_uuid)
        return taken
