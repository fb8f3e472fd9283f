"""guest.Guest on domains of libvirt's test driver (test:///default)."""

import uuid

import pytest

from nova.states import power_state
from nova.virt.libvirt import guest as libvirt_guest

libvirt = pytest.importorskip('libvirt')

DOMAIN_XML = """<domain type='test'>
  <name>%(name)s</name>
  <uuid>%(uuid)s</uuid>
  <memory unit='MiB'>128</memory>
  <vcpu>2</vcpu>
  <os><type>hvm</type></os>
  <devices>
    <disk type='file' device='disk'>
      <source file='/var/lib/nova/instances/%(uuid)s/disk'/>
      <target dev='vda' bus='virtio'/>
    </disk>
    <graphics type='vnc' port='5907' autoport='no' passwd='secret'/>
    <memballoon model='virtio'/>
  </devices>
</domain>"""


@pytest.fixture
def conn():
    c = libvirt.open('test:///default')
    yield c
    c.close()


@pytest.fixture
def guest(conn):
    dom_uuid = str(uuid.uuid4())
    dom = conn.defineXML(DOMAIN_XML % {'name': 'h1-guest-' + dom_uuid,
                                       'uuid': dom_uuid})
    g = libvirt_guest.Guest(dom)
    yield g
    try:
        if dom.isActive():
            dom.destroy()
        dom.undefineFlags(libvirt.VIR_DOMAIN_UNDEFINE_MANAGED_SAVE)
    except libvirt.libvirtError:
        pass


def test_identity(guest):
    assert guest.name == 'h1-guest-' + guest.uuid
    assert guest.id == -1
    assert repr(guest) == '<Guest %s>' % guest.name


def test_power_states_through_the_life_of_a_domain(guest):
    assert guest.power_state() == power_state.SHUTDOWN
    assert not guest.is_active()
    guest.launch()
    assert guest.power_state() == power_state.RUNNING
    assert guest.id > 0
    guest.pause()
    assert guest.power_state() == power_state.PAUSED
    guest.resume()
    assert guest.power_state() == power_state.RUNNING
    guest.shutdown()
    assert guest.power_state() == power_state.SHUTDOWN


def test_managed_save_is_suspended_and_launch_restores_it(guest):
    guest.launch()
    guest.managed_save()
    assert guest.has_managed_save()
    assert guest.power_state() == power_state.SUSPENDED
    guest.launch()
    assert not guest.has_managed_save()
    assert guest.power_state() == power_state.RUNNING


def test_remove_managed_save(guest):
    guest.launch()
    guest.managed_save()
    guest.remove_managed_save()
    assert guest.power_state() == power_state.SHUTDOWN
    guest.remove_managed_save()


def test_poweroff_is_a_no_op_on_a_stopped_domain(guest):
    guest.poweroff()
    guest.launch()
    guest.poweroff()
    assert guest.power_state() == power_state.SHUTDOWN


def test_undefine_removes_definition_and_managed_save(conn, guest):
    guest.launch()
    guest.managed_save()
    dom_uuid = guest.uuid
    guest.undefine()
    with pytest.raises(libvirt.libvirtError) as exc:
        conn.lookupByUUIDString(dom_uuid)
    assert exc.value.get_error_code() == libvirt.VIR_ERR_NO_DOMAIN


def test_xml_and_parsed(guest):
    parsed = guest.parsed()
    assert parsed.uuid == guest.uuid
    assert parsed.vcpus == 2
    assert parsed.memory_kib == 128 * 1024
    assert parsed.disk_paths == ['/var/lib/nova/instances/%s/disk'
                                 % guest.uuid]
    assert parsed.vnc.port == 5907
    assert parsed.vnc.password is None
    assert guest.parsed(inactive=True).name == guest.name
    secure = libvirt_guest.Guest(guest.domain).xml(secure=True)
    assert "passwd='secret'" in secure


def test_info_and_statistics(guest):
    guest.launch()
    info = guest.info()
    assert info['vcpus'] == 2
    assert info['max_memory_kib'] == 128 * 1024
    assert info['state'] == libvirt.VIR_DOMAIN_RUNNING
    assert len(guest.vcpu_times()) == 2
    assert 'actual' in guest.memory_stats()
    assert len(guest.block_stats('vda')) == 5
    assert guest.block_stats('vdz') is None
    assert guest.interface_stats('tap-none') is None


def test_job_info_without_job_statistics(guest):
    # The test driver keeps no job statistics at all.
    guest.launch()
    assert guest.job_info() == {'type': libvirt.VIR_DOMAIN_JOB_NONE}


@pytest.mark.parametrize('state,managed,expected', [
    ('NOSTATE', False, power_state.NOSTATE),
    ('RUNNING', False, power_state.RUNNING),
    ('BLOCKED', False, power_state.RUNNING),
    ('PAUSED', False, power_state.PAUSED),
    ('SHUTDOWN', False, power_state.SHUTDOWN),
    ('SHUTOFF', False, power_state.SHUTDOWN),
    ('SHUTOFF', True, power_state.SUSPENDED),
    ('CRASHED', False, power_state.CRASHED),
    ('PMSUSPENDED', False, power_state.SUSPENDED),
])
def test_to_power_state(state, managed, expected):
    assert libvirt_guest.to_power_state(
        getattr(libvirt, 'VIR_DOMAIN_' + state), managed) == expected
