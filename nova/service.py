"""Running a nova service: RPC server, service record, heartbeat, and
graceful shutdown.

Every daemon but the conductor reaches data through the conductor; they
call ``setup_remote_objects()`` first so that remotable object methods go
over RPC (and the database session layer refuses a direct connection).
"""

import contextlib
import signal
import threading
import time

import oslo_messaging as messaging
from oslo_log import log as logging
from oslo_service import loopingcall

import nova.conf
from nova import context as nova_context
from nova import exception
from nova import objects
from nova.objects import base as obj_base
from nova import rpc

LOG = logging.getLogger(__name__)
CONF = nova.conf.CONF


def setup_remote_objects():
    """Send remotable object calls of this process to the conductor."""
    from nova.conductor import rpcapi as conductor_rpcapi
    obj_base.set_indirection_api(conductor_rpcapi.ConductorAPI())


def wait_for_conductor(timeout=None):
    """Block until a conductor answers (it may start after us)."""
    from nova.conductor import rpcapi as conductor_rpcapi
    api = conductor_rpcapi.ConductorAPI()
    ctx = nova_context.get_admin_context()
    deadline = None if timeout is None else time.monotonic() + timeout
    while True:
        try:
            api.ping(ctx, timeout=10)
            return
        except messaging.MessagingTimeout:
            if deadline is not None and time.monotonic() > deadline:
                raise
            LOG.warning('Waiting for nova-conductor to answer on topic '
                        '"conductor"...')


class Service:
    """One RPC service: a topic, a manager with its endpoints, a record in
    the services table kept alive by heartbeats."""

    def __init__(self, binary, topic, manager, host=None,
                 extra_endpoints=(), report_interval=None, direct_db=False):
        self.binary = binary
        # The conductor reaches the database itself, also when it shares
        # a process with services that go through RPC.
        self.direct_db = direct_db
        self.topic = topic
        self.host = host or CONF.host
        self.manager = manager
        self.endpoints = [manager] + list(extra_endpoints)
        self.report_interval = report_interval or CONF.report_interval
        self.service_ref = None
        self.rpcserver = None
        self._timers = []

    def _register(self, context):
        try:
            ref = objects.Service.get_by_host_and_binary(
                context, self.host, self.binary)
        except exception.ServiceNotFound:
            ref = objects.Service(context, host=self.host,
                                  binary=self.binary, topic=self.topic,
                                  report_count=0)
            try:
                ref.create()
            except exception.ServiceBinaryExists:
                # Another worker of the same service won the race.
                ref = objects.Service.get_by_host_and_binary(
                    context, self.host, self.binary)
        return ref

    def _data_access(self):
        return (obj_base.direct_db_access() if self.direct_db
                else contextlib.nullcontext())

    def start(self):
        context = nova_context.get_admin_context()
        with self._data_access():
            self.service_ref = self._register(context)
        self.manager.service_ref = self.service_ref
        if hasattr(self.manager, 'init_host'):
            self.manager.init_host()
        target = messaging.Target(topic=self.topic, server=self.host)
        self.rpcserver = rpc.get_server(target, self.endpoints)
        self.rpcserver.start()
        self.report_state()
        self._add_timer(self.report_state, self.report_interval)
        for task, interval in getattr(self.manager, 'periodic_tasks',
                                      lambda: [])():
            self._add_timer(task, interval)
        LOG.info('%s started on host %s (topic %s)', self.binary, self.host,
                 self.topic)

    def _add_timer(self, func, interval):
        timer = loopingcall.FixedIntervalLoopingCall(self._guarded(func))
        timer.start(interval=interval, initial_delay=interval)
        self._timers.append(timer)

    @staticmethod
    def _guarded(func):
        def run():
            try:
                func()
            except Exception:
                # A failed round must not stop the next one.
                LOG.exception('Periodic task %s failed', func.__name__)
        return run

    def report_state(self):
        """Heartbeat: one RPC (or UPDATE in the conductor) per interval."""
        try:
            with self._data_access():
                self.service_ref.report_up()
        except messaging.MessagingTimeout:
            LOG.warning('Heartbeat of %s on %s timed out: the conductor '
                        'did not answer', self.binary, self.host)

    def stop(self, graceful=True):
        """Stop taking requests, let in-flight ones finish (up to
        graceful_shutdown_timeout), then stop the timers and the host."""
        for timer in self._timers:
            timer.stop()
        if self.rpcserver is not None:
            self.rpcserver.stop()
            if graceful:
                waiter = threading.Thread(target=self.rpcserver.wait,
                                          daemon=True)
                waiter.start()
                waiter.join(CONF.graceful_shutdown_timeout)
                if waiter.is_alive():
                    LOG.warning('%s: in-flight requests still running '
                                'after %ss; exiting anyway', self.binary,
                                CONF.graceful_shutdown_timeout)
        if hasattr(self.manager, 'cleanup_host'):
            try:
                self.manager.cleanup_host()
            except Exception:
                LOG.exception('Cleanup of %s failed', self.binary)
        LOG.info('%s on %s stopped', self.binary, self.host)


def stop_on_signals():
    """An Event set when SIGTERM or SIGINT arrives (handlers installed
    now, in the main thread)."""
    stop_requested = threading.Event()

    def _on_signal(signum, frame):
        LOG.info('Caught signal %s, stopping', signum)
        stop_requested.set()

    signal.signal(signal.SIGTERM, _on_signal)
    signal.signal(signal.SIGINT, _on_signal)
    return stop_requested


def wait_for(event):
    """Block until ``event`` is set, waking every second so that signal
    handlers run promptly."""
    while not event.wait(1):
        pass


def run(services):
    """Start the services and block until SIGTERM or SIGINT, then stop
    them gracefully."""
    stop_requested = stop_on_signals()
    for service in services:
        service.start()
    wait_for(stop_requested)
    for service in reversed(services):
        service.stop()


_API_SERVICE = None


def setup_for_api():
    """Process-level set-up of nova-api (each WSGI worker calls it)."""
    objects.register_all()
    rpc.init(CONF)
    setup_remote_objects()


# Longest wait for the API workers to be forked before the heartbeat
# starts anyway.
WORKERS_FORKED_TIMEOUT = 60


def start_api_heartbeat(workers_forked=None):
    """Register nova-osapi_compute and heartbeat it from this process.

    ``workers_forked``: callable telling whether the server has forked its
    workers. The heartbeat thread waits for it before its first RPC: a fork
    while that thread is importing modules or holding the AMQP client's
    locks leaves the worker with locks nobody will release, and the worker
    hangs.
    """
    global _API_SERVICE
    if _API_SERVICE is not None:
        return _API_SERVICE

    class _NoRPC:
        pass

    service = Service('nova-osapi_compute', 'osapi_compute', _NoRPC())
    context = nova_context.get_admin_context()

    def _start():
        if workers_forked is not None:
            deadline = time.monotonic() + WORKERS_FORKED_TIMEOUT
            while not workers_forked() and time.monotonic() < deadline:
                time.sleep(0.1)
        wait_for_conductor()
        service.service_ref = service._register(context)
        service.report_state()
        service._add_timer(service.report_state, service.report_interval)

    threading.Thread(target=_start, daemon=True,
                     name='api-heartbeat').start()
    _API_SERVICE = service
    return service


def stop_api_heartbeat():
    global _API_SERVICE
    if _API_SERVICE is not None:
        for timer in _API_SERVICE._timers:
            timer.stop()
        _API_SERVICE = None
