"""host.Host against libvirt's built-in test driver (test:///default): the
real libvirt library and event loop, domains kept in memory."""

import queue
import uuid

import pytest

from nova import exception
from nova.states import power_state
from nova.virt.libvirt import host as libvirt_host

libvirt = pytest.importorskip('libvirt')

URI = 'test:///default'
DOMAIN_XML = """<domain type='test'>
  <name>%(name)s</name>
  <uuid>%(uuid)s</uuid>
  <memory unit='MiB'>64</memory>
  <vcpu>1</vcpu>
  <os><type>hvm</type></os>
</domain>"""


def _xml(dom_uuid=None):
    dom_uuid = dom_uuid or str(uuid.uuid4())
    return DOMAIN_XML % {'name': 'h1-test-%s' % dom_uuid, 'uuid': dom_uuid}


@pytest.fixture
def events():
    return queue.Queue()


@pytest.fixture
def host(events):
    h = libvirt_host.Host(URI, lifecycle_listener=lambda u, s: events.put(
        (u, s)))
    h.initialize()
    defined = []
    real_define = h.define

    def define(xml):
        guest = real_define(xml)
        defined.append(guest)
        return guest
    h.define = define
    yield h
    for guest in defined:
        try:
            guest.poweroff()
            guest.undefine()
        except libvirt.libvirtError:
            pass
    h.stop()


def _next_event(events, uuid_, timeout=5):
    """The next event of domain ``uuid_`` (others are skipped)."""
    while True:
        got_uuid, state = events.get(timeout=timeout)
        if got_uuid == uuid_:
            return state


def test_connection_is_opened_lazily_and_reused():
    h = libvirt_host.Host(URI)
    assert h._conn is None
    conn = h.get_connection()
    assert conn.isAlive()
    assert h.get_connection() is conn
    assert h.uri == URI
    h.stop()


def test_closed_connection_is_opened_again(host):
    first = host.get_connection()
    first.close()
    second = host.get_connection()
    assert second is not first
    assert second.isAlive()
    # The built-in domain is still there: a working connection.
    assert 'test' in [g.name for g in host.list_guests()]


def test_unreachable_daemon_raises_hypervisor_unavailable(tmp_path):
    h = libvirt_host.Host('test://%s' % (tmp_path / 'missing.xml'))
    with pytest.raises(exception.HypervisorUnavailable):
        h.get_connection()


def test_host_facts(host):
    caps = host.get_capabilities()
    assert caps.arch == 'i686'
    assert caps.supports('test')
    assert host.get_capabilities() is caps
    info = host.node_info()
    assert info['cpus'] == 16
    assert info['memory_mb'] == 3072
    assert host.version() > 0
    assert host.lib_version() >= 1000000
    assert host.driver_type().upper() == 'TEST'
    assert host.hostname()


def test_define_get_and_list_guests(host):
    dom_uuid = str(uuid.uuid4())
    guest = host.define(_xml(dom_uuid))
    assert guest.uuid == dom_uuid
    assert host.get_guest(dom_uuid).name == guest.name
    assert dom_uuid in [g.uuid for g in host.list_guests()]
    assert dom_uuid not in [g.uuid for g in
                            host.list_guests(only_running=True)]
    guest.launch()
    assert dom_uuid in [g.uuid for g in host.list_guests(only_running=True)]


def test_get_guest_accepts_an_instance(host, make_instance):
    inst = make_instance()
    host.define(_xml(inst.uuid))
    assert host.get_guest(inst).uuid == inst.uuid


def test_unknown_guest_raises_not_found_on_hypervisor(host):
    with pytest.raises(exception.InstanceNotFoundOnHypervisor):
        host.get_guest(str(uuid.uuid4()))


def test_lifecycle_events_reach_the_listener_as_power_states(host, events):
    dom_uuid = str(uuid.uuid4())
    guest = host.define(_xml(dom_uuid))
    guest.launch()
    assert _next_event(events, dom_uuid) == power_state.RUNNING
    guest.pause()
    assert _next_event(events, dom_uuid) == power_state.PAUSED
    guest.resume()
    assert _next_event(events, dom_uuid) == power_state.RUNNING
    guest.managed_save()
    assert _next_event(events, dom_uuid) == power_state.SUSPENDED
    guest.launch()
    assert _next_event(events, dom_uuid) == power_state.RUNNING
    guest.poweroff()
    assert _next_event(events, dom_uuid) == power_state.SHUTDOWN


def test_a_failing_listener_does_not_stop_the_events():
    seen = queue.Queue()

    def listener(dom_uuid, state):
        seen.put((dom_uuid, state))
        raise RuntimeError('listener bug')

    h = libvirt_host.Host(URI, lifecycle_listener=listener)
    h.initialize()
    dom_uuid = str(uuid.uuid4())
    guest = h.define(_xml(dom_uuid))
    try:
        guest.launch()
        guest.poweroff()
        assert _next_event(seen, dom_uuid) == power_state.RUNNING
        assert _next_event(seen, dom_uuid) == power_state.SHUTDOWN
    finally:
        guest.undefine()
        h.stop()


def test_stop_ends_event_delivery(host, events):
    dom_uuid = str(uuid.uuid4())
    guest = host.define(_xml(dom_uuid))
    host.stop()
    other = libvirt.open(URI)
    try:
        other.lookupByUUIDString(dom_uuid).create()
        with pytest.raises(queue.Empty):
            _next_event(events, dom_uuid, timeout=0.5)
    finally:
        other.lookupByUUIDString(dom_uuid).destroy()
        other.lookupByUUIDString(dom_uuid).undefine()
        other.close()
    del guest


@pytest.mark.parametrize('event,detail,expected', [
    ('STARTED', 'STARTED_BOOTED', power_state.RUNNING),
    ('RESUMED', 'RESUMED_UNPAUSED', power_state.RUNNING),
    ('SUSPENDED', 'SUSPENDED_PAUSED', power_state.PAUSED),
    ('STOPPED', 'STOPPED_SHUTDOWN', power_state.SHUTDOWN),
    ('STOPPED', 'STOPPED_DESTROYED', power_state.SHUTDOWN),
    ('STOPPED', 'STOPPED_CRASHED', power_state.CRASHED),
    ('STOPPED', 'STOPPED_SAVED', power_state.SUSPENDED),
    ('SHUTDOWN', 'SHUTDOWN_FINISHED', power_state.SHUTDOWN),
    ('PMSUSPENDED', 'PMSUSPENDED_MEMORY', power_state.SUSPENDED),
    ('CRASHED', 'CRASHED_PANICKED', power_state.CRASHED),
    ('DEFINED', 'DEFINED_ADDED', None),
    ('UNDEFINED', 'UNDEFINED_REMOVED', None),
])
def test_event_power_state(event, detail, expected):
    assert libvirt_host.event_power_state(
        getattr(libvirt, 'VIR_DOMAIN_EVENT_' + event),
        getattr(libvirt, 'VIR_DOMAIN_EVENT_' + detail)) == expected
