"""The connection of the libvirt driver to its libvirtd.

``Host`` opens the connection lazily, opens it again when libvirtd closed
it (a daemon restart), and turns libvirt's domain lifecycle events into
``(instance_uuid, power_state)`` notifications for a listener.

Events: libvirt delivers them through an event loop that must be
registered in the process (``virEventRegisterDefaultImpl``) before the
first connection is opened and then run forever
(``virEventRunDefaultImpl``). Both are process-wide, so the loop is one
daemon thread shared by every Host of the process. Callbacks run on that
thread; a listener may be slow (it talks to the conductor), so the Host
hands each event to its own dispatcher thread through a queue and the
loop is never held up. While the loop is blocked libvirt cannot even
answer its keepalives, which would drop the connection.
"""

import queue
import threading

from oslo_log import log as logging

from nova import exception
from nova.states import power_state
from nova.virt.libvirt import guest as libvirt_guest
from nova.virt.libvirt import host_config

try:
    import libvirt
except ImportError:  # pragma: no cover - libvirt-python is an extra
    libvirt = None

LOG = logging.getLogger(__name__)

_event_loop_lock = threading.Lock()
_event_loop_thread = None


def _quiet_libvirt_errors(ctx, error):
    # libvirt prints every error on stderr unless a handler is set; the
    # errors are raised as libvirtError and handled (or logged) there.
    pass


def start_event_loop():
    """Register libvirt's default event implementation and run it on a
    daemon thread; idempotent. Must run before a connection is opened for
    that connection to deliver events."""
    global _event_loop_thread
    if libvirt is None:
        raise exception.HypervisorUnavailable(
            host='libvirt', reason='libvirt-python is not installed')
    with _event_loop_lock:
        if _event_loop_thread is not None:
            return
        libvirt.registerErrorHandler(_quiet_libvirt_errors, None)
        libvirt.virEventRegisterDefaultImpl()

        def run():
            while True:
                try:
                    libvirt.virEventRunDefaultImpl()
                except Exception:  # pragma: no cover - defensive
                    LOG.exception('libvirt event loop iteration failed')

        thread = threading.Thread(target=run, name='libvirt-event-loop',
                                  daemon=True)
        thread.start()
        _event_loop_thread = thread


def event_power_state(event, detail):
    """The nova power state a lifecycle event leaves a guest in, or None
    for events that do not change it (defined, undefined)."""
    if event == libvirt.VIR_DOMAIN_EVENT_STOPPED:
        if detail == libvirt.VIR_DOMAIN_EVENT_STOPPED_CRASHED:
            return power_state.CRASHED
        if detail == libvirt.VIR_DOMAIN_EVENT_STOPPED_SAVED:
            return power_state.SUSPENDED
        return power_state.SHUTDOWN
    if event == libvirt.VIR_DOMAIN_EVENT_SHUTDOWN:
        # The guest finished shutting down; STOPPED follows. Reporting
        # it early costs nothing: the listener reads the state again.
        return power_state.SHUTDOWN
    if event in (libvirt.VIR_DOMAIN_EVENT_STARTED,
                 libvirt.VIR_DOMAIN_EVENT_RESUMED):
        return power_state.RUNNING
    if event == libvirt.VIR_DOMAIN_EVENT_SUSPENDED:
        return power_state.PAUSED
    if event == libvirt.VIR_DOMAIN_EVENT_PMSUSPENDED:
        return power_state.SUSPENDED
    if event == libvirt.VIR_DOMAIN_EVENT_CRASHED:
        return power_state.CRASHED
    return None


def _instance_uuid(instance_or_uuid):
    if isinstance(instance_or_uuid, str):
        return instance_or_uuid
    return instance_or_uuid.uuid


def is_not_found(exc):
    """Whether a libvirtError says the domain does not exist."""
    return (isinstance(exc, libvirt.libvirtError) and
            exc.get_error_code() == libvirt.VIR_ERR_NO_DOMAIN)


class Host(object):
    """One libvirtd, reached at ``uri``.

    :param lifecycle_listener: called as ``listener(uuid, power_state)``
        on the Host's dispatcher thread for every lifecycle event of a
        domain (None: events are not watched).
    """

    def __init__(self, uri, lifecycle_listener=None):
        self._uri = uri
        self._listener = lifecycle_listener
        self._lock = threading.RLock()
        self._conn = None
        self._callback_id = None
        self._caps = None
        self._events = queue.Queue()
        self._dispatcher = None
        self._stopped = False

    @property
    def uri(self):
        return self._uri

    # ------------------------------------------------------------------
    # Connection
    # ------------------------------------------------------------------
    def initialize(self):
        """Start the event machinery and connect (raises
        HypervisorUnavailable when libvirtd cannot be reached)."""
        start_event_loop()
        self.get_connection()

    def _start_dispatcher(self):
        # Caller holds self._lock.
        if self._listener is not None and self._dispatcher is None:
            self._dispatcher = threading.Thread(
                target=self._dispatch_events, daemon=True,
                name='libvirt-lifecycle-%s' % self._uri)
            self._dispatcher.start()

    def get_connection(self):
        """The open virConnect, (re)connecting when needed."""
        with self._lock:
            conn = self._conn
            if conn is not None:
                try:
                    if conn.isAlive():
                        return conn
                except libvirt.libvirtError:
                    pass
                LOG.warning('Connection to libvirt at %s lost; reconnecting',
                            self._uri)
                self._drop_connection()
            self._stopped = False
            self._conn = self._open()
            return self._conn

    def _open(self):
        start_event_loop()
        LOG.debug('Connecting to libvirt at %s', self._uri)
        try:
            conn = libvirt.open(self._uri)
        except libvirt.libvirtError as exc:
            raise exception.HypervisorUnavailable(
                host=self._uri, reason=exc.get_error_message()) from exc
        try:
            conn.registerCloseCallback(self._closed, None)
        except libvirt.libvirtError as exc:
            # The test driver has no close callbacks; isAlive() still
            # tells a dead connection.
            LOG.debug('No close callback on %s: %s', self._uri, exc)
        if self._listener is not None:
            self._start_dispatcher()
            self._callback_id = conn.domainEventRegisterAny(
                None, libvirt.VIR_DOMAIN_EVENT_ID_LIFECYCLE,
                self._lifecycle_event, None)
        LOG.info('Connected to libvirt at %s', self._uri)
        return conn

    def _closed(self, conn, reason, opaque):
        LOG.warning('libvirt closed the connection to %s (reason %s)',
                    self._uri, reason)
        with self._lock:
            if self._conn is conn:
                self._conn = None
                self._callback_id = None

    def _drop_connection(self):
        # Caller holds self._lock.
        conn, self._conn = self._conn, None
        callback_id, self._callback_id = self._callback_id, None
        if conn is None:
            return
        try:
            if callback_id is not None:
                conn.domainEventDeregisterAny(callback_id)
        except libvirt.libvirtError:
            pass
        try:
            conn.unregisterCloseCallback()
        except libvirt.libvirtError:
            pass
        try:
            conn.close()
        except libvirt.libvirtError:
            pass

    def stop(self):
        """Stop delivering events and close the connection."""
        with self._lock:
            self._stopped = True
            self._drop_connection()
            dispatcher, self._dispatcher = self._dispatcher, None
        if dispatcher is not None:
            self._events.put(None)
            dispatcher.join(timeout=5)

    # ------------------------------------------------------------------
    # Events
    # ------------------------------------------------------------------
    def _lifecycle_event(self, conn, dom, event, detail, opaque):
        # Runs on the event loop thread: no libvirt calls that could
        # wait on the loop, no waiting on the listener.
        state = event_power_state(event, detail)
        if state is None:
            return
        try:
            uuid = dom.UUIDString()
        except libvirt.libvirtError:
            return
        LOG.debug('libvirt event %s/%s for %s: %s', event, detail, uuid,
                  power_state.name(state))
        self._events.put((uuid, state))

    def _dispatch_events(self):
        while True:
            item = self._events.get()
            if item is None:
                return
            if self._stopped or self._listener is None:
                continue
            uuid, state = item
            try:
                self._listener(uuid, state)
            except Exception:
                LOG.exception('Lifecycle listener failed on %s (%s)', uuid,
                              power_state.name(state))

    # ------------------------------------------------------------------
    # Host facts
    # ------------------------------------------------------------------
    def get_capabilities(self):
        """The host's HostCapabilities (read once)."""
        if self._caps is None:
            xml = self.get_connection().getCapabilities()
            self._caps = host_config.HostCapabilities.from_xml_string(xml)
        return self._caps

    def driver_type(self):
        """libvirt's name of the hypervisor driver ('QEMU', 'TEST')."""
        return self.get_connection().getType()

    def hostname(self):
        return self.get_connection().getHostname()

    def version(self):
        """The hypervisor version as libvirt encodes it
        (major * 1,000,000 + minor * 1,000 + release)."""
        return self.get_connection().getVersion()

    def lib_version(self):
        return self.get_connection().getLibVersion()

    def node_info(self):
        """dict: model, memory_mb, cpus, mhz, nodes, sockets, cores,
        threads (libvirt's virNodeInfo)."""
        (model, memory_mb, cpus, mhz, nodes, sockets, cores,
         threads) = self.get_connection().getInfo()
        return {'model': model, 'memory_mb': memory_mb, 'cpus': cpus,
                'mhz': mhz, 'nodes': nodes, 'sockets': sockets,
                'cores': cores, 'threads': threads}

    # ------------------------------------------------------------------
    # Guests
    # ------------------------------------------------------------------
    def get_guest(self, instance_or_uuid):
        """The Guest of an instance (or uuid); raises
        InstanceNotFoundOnHypervisor."""
        uuid = _instance_uuid(instance_or_uuid)
        try:
            dom = self.get_connection().lookupByUUIDString(uuid)
        except libvirt.libvirtError as exc:
            if is_not_found(exc):
                raise exception.InstanceNotFoundOnHypervisor(
                    instance_id=uuid) from exc
            raise
        return libvirt_guest.Guest(dom)

    def find_guest(self, instance_or_uuid):
        """Like get_guest(), but None when there is no such domain."""
        try:
            return self.get_guest(instance_or_uuid)
        except exception.InstanceNotFoundOnHypervisor:
            return None

    def destroy_guest(self, instance_or_uuid):
        """Stop the domain at once and undefine it (with its managed
        save); no error when it is, or meanwhile went, missing. Returns
        whether there was one."""
        guest = self.find_guest(instance_or_uuid)
        if guest is None:
            return False
        try:
            guest.poweroff()
            guest.undefine()
        except libvirt.libvirtError as exc:
            if not is_not_found(exc):
                raise
        return True

    def list_guests(self, only_running=False):
        """Every domain of the daemon as a Guest (running and defined)."""
        flags = libvirt.VIR_CONNECT_LIST_DOMAINS_ACTIVE if only_running \
            else 0
        return [libvirt_guest.Guest(d)
                for d in self.get_connection().listAllDomains(flags)]

    def define(self, xml):
        """Define (or redefine) a persistent domain; returns its Guest."""
        return libvirt_guest.Guest(self.get_connection().defineXML(xml))
