"""LibvirtDriver against libvirt's test driver: each test gets a private
``test:///<file>`` daemon (domains defined and run in memory, lifecycle
events through the real event loop), while the instance files are real,
made by qemu-img from a local image source in a temporary directory."""

import json
import os
import queue
import re
import shutil
import types
import uuid

import pytest

from nova import exception
from nova.image import local
from nova import objects
from nova.states import power_state
from nova.virt import driver as virt_driver
from nova.virt.libvirt import driver as libvirt_driver
from nova.virt.libvirt import guest as libvirt_guest
from nova.virt.libvirt import images
from nova.virt.libvirt import vif as libvirt_vif
from tests import configdrive_readers as readers

libvirt = pytest.importorskip('libvirt')
pytestmark = pytest.mark.skipif(shutil.which('qemu-img') is None,
                                reason='qemu-img is not installed')
MiB = 1024 ** 2
HOST = 'compute1'

# A host whose QEMU runs only TCG guests (no kvm domain type).
QEMU_CAPS = """<capabilities>
  <host><cpu><arch>x86_64</arch><model>Skylake</model></cpu></host>
  <guest>
    <os_type>hvm</os_type>
    <arch name='x86_64'><domain type='qemu'/></arch>
  </guest>
</capabilities>"""


@pytest.fixture
def cloud(conf, tmp_path):
    objects.register_all()
    images_dir = tmp_path / 'images'
    conf.config(source='local', local_dir=str(images_dir), group='image')
    conf.config(virt_type='qemu', group='libvirt')
    conf.config(instances_path=str(tmp_path / 'instances'), group='libvirt')
    source = local.LocalImageSource(str(images_dir))
    raw = str(tmp_path / 'img.raw')
    images.create(raw, 'raw', 16 * MiB)
    with open(raw, 'rb') as data:
        kernel = source.create(None, {'name': 'kernel', 'disk_format': 'aki',
                                      'container_format': 'aki',
                                      'visibility': 'public'}, data=data)
    qcow2 = str(tmp_path / 'img.qcow2')
    images.convert(raw, qcow2, 'qcow2')
    with open(qcow2, 'rb') as data:
        image = source.create(None, {
            'name': 'tiny', 'disk_format': 'qcow2', 'visibility': 'public',
            'properties': {'kernel_id': kernel['id'],
                           'os_command_line': 'console=ttyS0 quiet'}},
            data=data)
    node_xml = tmp_path / 'node.xml'
    node_xml.write_text('<node></node>')
    return types.SimpleNamespace(conf=conf, tmp_path=tmp_path, source=source,
                                 image=image, uri='test://%s' % node_xml)


@pytest.fixture
def drv(cloud):
    d = libvirt_driver.LibvirtDriver(uri=cloud.uri)
    d.init_host(HOST)
    yield d
    d.cleanup_host(HOST)


def _instance(cloud, root_gb=1, ephemeral_gb=0, swap=0, memory_mb=256,
              vcpus=1):
    flavor = objects.Flavor(name='small', flavorid='small', root_gb=root_gb,
                            ephemeral_gb=ephemeral_gb, swap=swap,
                            memory_mb=memory_mb, vcpus=vcpus, extra_specs={})
    return types.SimpleNamespace(
        uuid=str(uuid.uuid4()), name='instance-00000001',
        display_name='h1-driver', user_id='u', project_id='p',
        image_ref=cloud.image['id'], flavor=flavor, root_gb=root_gb,
        ephemeral_gb=ephemeral_gb, memory_mb=memory_mb, vcpus=vcpus,
        system_metadata={})


@pytest.fixture
def inst(cloud, drv):
    i = _instance(cloud)
    drv.spawn(None, i, objects.ImageMeta.from_dict({'id': i.image_ref}),
              [], None, None)
    return i


def _state(drv, inst):
    return drv.get_info(inst).state


def _guest(drv, inst):
    return drv._host.get_guest(inst)


# ---------------------------------------------------------------------------
# Loading and host set-up
# ---------------------------------------------------------------------------
def test_loaded_by_entry_point_name(cloud):
    loaded = virt_driver.load_compute_driver('libvirt')
    assert isinstance(loaded, libvirt_driver.LibvirtDriver)
    assert loaded._host.uri == 'qemu:///system'


def test_connection_uri_option(cloud):
    cloud.conf.config(connection_uri=cloud.uri, group='libvirt')
    assert libvirt_driver.LibvirtDriver()._host.uri == cloud.uri


def test_init_host_prepares_instances_path(drv, cloud):
    assert os.path.isdir(str(cloud.tmp_path / 'instances'))
    assert isinstance(drv._direct_io, bool)
    assert drv.get_available_nodes() == [HOST]
    assert drv.node_is_available(HOST)


def test_virt_type_the_host_cannot_run_is_refused(drv, cloud, monkeypatch):
    from nova.virt.libvirt import host_config
    caps = host_config.HostCapabilities.from_xml_string(QEMU_CAPS)
    monkeypatch.setattr(drv._host, 'driver_type', lambda: 'QEMU')
    cloud.conf.config(virt_type='kvm', group='libvirt')
    with pytest.raises(exception.HypervisorConfigError) as exc:
        drv._check_virt_type(caps)
    assert 'virt_type = kvm' in str(exc.value)
    assert 'qemu' in str(exc.value)
    cloud.conf.config(virt_type='qemu', group='libvirt')
    drv._check_virt_type(caps)


def test_unreachable_libvirt_fails_init_host(cloud):
    d = libvirt_driver.LibvirtDriver(
        uri='test://%s' % (cloud.tmp_path / 'missing.xml'))
    with pytest.raises(exception.HypervisorUnavailable):
        d.init_host(HOST)


def test_direct_io_probe(tmp_path):
    assert isinstance(libvirt_driver.supports_direct_io(str(tmp_path)), bool)
    assert os.listdir(str(tmp_path)) == []
    assert not libvirt_driver.supports_direct_io(str(tmp_path / 'missing'))


# ---------------------------------------------------------------------------
# Spawn, listing, destroy
# ---------------------------------------------------------------------------
def test_spawn_defines_and_starts_the_guest(drv, inst):
    guest = _guest(drv, inst)
    assert guest.name == 'instance-' + inst.uuid
    assert _state(drv, inst) == power_state.RUNNING
    assert drv.get_info(inst).internal_id == guest.id
    parsed = guest.parsed()
    directory = drv._disks.instance_dir(inst)
    assert parsed.disk_paths == [os.path.join(directory, 'disk')]
    assert parsed.serial_log_path == os.path.join(directory, 'console.log')
    # Direct kernel boot from the image's kernel_id, with its command line.
    assert parsed.os.kernel == os.path.join(directory, 'kernel')
    assert parsed.os.cmdline == 'console=ttyS0 quiet'
    assert parsed.virt_type == 'qemu'


def test_spawn_of_an_existing_guest_is_refused(drv, inst, cloud):
    with pytest.raises(exception.InstanceExists):
        drv.spawn(None, inst, {'id': inst.image_ref}, [], None, None)


def test_spawn_failure_leaves_no_definition(drv, cloud, monkeypatch):
    i = _instance(cloud)

    def refuse(self, paused=False):
        raise libvirt.libvirtError('no room for this guest')
    monkeypatch.setattr(libvirt_guest.Guest, 'launch', refuse)
    with pytest.raises(exception.InstanceSpawnFailed):
        drv.spawn(None, i, {'id': i.image_ref}, [], None, None)
    assert not drv.instance_exists(i)


def test_listing_shows_only_this_drivers_guests(drv, inst, cloud):
    # A domain named like ours with files elsewhere belongs to someone
    # else sharing the daemon; so does any other name.
    other = str(uuid.uuid4())
    conn = drv._host.get_connection()
    for name in ('instance-' + other, 'h1-foreign'):
        dom_uuid = other if name.endswith(other) else str(uuid.uuid4())
        conn.defineXML(
            "<domain type='qemu'><name>%s</name><uuid>%s</uuid>"
            "<memory unit='MiB'>64</memory><os><type>hvm</type></os>"
            "<devices><disk type='file' device='disk'>"
            "<source file='/elsewhere/%s/disk'/><target dev='vda'/>"
            "</disk></devices></domain>" % (name, dom_uuid, dom_uuid))
    assert drv.list_instance_uuids() == [inst.uuid]
    assert drv.list_instances() == ['instance-' + inst.uuid]
    assert drv.get_num_instances() == 1


def test_destroy_removes_guest_and_files(drv, inst):
    directory = drv._disks.instance_dir(inst)
    _guest(drv, inst).managed_save()
    drv.destroy(None, inst, [])
    assert not drv.instance_exists(inst)
    assert not os.path.exists(directory)
    assert drv.list_instance_uuids() == []
    # Deleting again (a retried delete) is fine.
    drv.destroy(None, inst, [])
    drv.cleanup(None, inst, [])


def test_destroy_can_keep_the_disks(drv, inst):
    drv.destroy(None, inst, [], destroy_disks=False)
    assert not drv.instance_exists(inst)
    assert os.path.exists(drv._disks.path(inst, 'disk'))


def test_get_info_of_unknown_guest(drv, cloud):
    with pytest.raises(exception.InstanceNotFoundOnHypervisor):
        drv.get_info(_instance(cloud))


# ---------------------------------------------------------------------------
# Power
# ---------------------------------------------------------------------------
def test_power_off_and_on(drv, inst):
    drv.power_off(inst)
    assert _state(drv, inst) == power_state.SHUTDOWN
    drv.power_off(inst)
    drv.power_on(None, inst, [])
    assert _state(drv, inst) == power_state.RUNNING
    drv.power_on(None, inst, [])
    assert _state(drv, inst) == power_state.RUNNING


def test_clean_power_off_uses_the_acpi_button(drv, inst, monkeypatch):
    pressed = []
    real = libvirt_guest.Guest.shutdown

    def shutdown(self):
        pressed.append(self.uuid)
        real(self)
    monkeypatch.setattr(libvirt_guest.Guest, 'shutdown', shutdown)
    drv.power_off(inst, timeout=5, retry_interval=1)
    assert pressed == [inst.uuid]
    assert _state(drv, inst) == power_state.SHUTDOWN


def test_power_off_cuts_a_guest_that_ignores_acpi(drv, inst, monkeypatch):
    pressed = []
    monkeypatch.setattr(libvirt_guest.Guest, 'shutdown',
                        lambda self: pressed.append(1))
    monkeypatch.setattr(libvirt_driver, 'POLL_INTERVAL', 0.01)
    drv.power_off(inst, timeout=0.3, retry_interval=0.1)
    assert _state(drv, inst) == power_state.SHUTDOWN
    # Pressed again every retry interval until the timeout.
    assert len(pressed) >= 2


def test_power_off_of_unknown_guest(drv, cloud):
    with pytest.raises(exception.InstanceNotFoundOnHypervisor):
        drv.power_off(_instance(cloud))


def test_power_on_defines_a_lost_guest_again(drv, inst):
    drv.power_off(inst)
    _guest(drv, inst).undefine()
    drv.power_on(None, inst, [])
    assert _state(drv, inst) == power_state.RUNNING
    assert _guest(drv, inst).parsed().os.cmdline == 'console=ttyS0 quiet'


def test_soft_reboot_restarts_the_guest(drv, inst):
    before = _guest(drv, inst).id
    drv.reboot(None, inst, [], 'SOFT')
    assert _state(drv, inst) == power_state.RUNNING
    assert _guest(drv, inst).id != before


def test_soft_reboot_falls_back_to_hard(drv, inst, cloud, monkeypatch):
    cloud.conf.config(wait_soft_reboot_seconds=0, group='libvirt')
    monkeypatch.setattr(libvirt_guest.Guest, 'shutdown', lambda self: None)
    before = _guest(drv, inst).id
    drv.reboot(None, inst, [], 'SOFT')
    assert _state(drv, inst) == power_state.RUNNING
    assert _guest(drv, inst).id != before


def test_hard_reboot_starts_a_stopped_or_suspended_guest(drv, inst):
    drv.power_off(inst)
    drv.reboot(None, inst, [], 'HARD')
    assert _state(drv, inst) == power_state.RUNNING
    drv.suspend(None, inst)
    drv.reboot(None, inst, [], 'HARD')
    assert _state(drv, inst) == power_state.RUNNING
    assert not _guest(drv, inst).has_managed_save()


def test_hard_reboot_keeps_the_definition_when_the_image_is_gone(
        drv, inst, cloud):
    cloud.source.delete(None, inst.image_ref)
    drv.reboot(None, inst, [], 'HARD')
    assert _state(drv, inst) == power_state.RUNNING
    assert _guest(drv, inst).parsed().os.cmdline == 'console=ttyS0 quiet'


def test_reboot_of_unknown_guest(drv, cloud):
    with pytest.raises(exception.InstanceNotFoundOnHypervisor):
        drv.reboot(None, _instance(cloud), [], 'HARD')


def test_pause_unpause_suspend_resume(drv, inst):
    drv.pause(inst)
    assert _state(drv, inst) == power_state.PAUSED
    drv.unpause(inst)
    assert _state(drv, inst) == power_state.RUNNING
    drv.suspend(None, inst)
    assert _state(drv, inst) == power_state.SUSPENDED
    drv.resume(None, inst, [])
    assert _state(drv, inst) == power_state.RUNNING


# ---------------------------------------------------------------------------
# Rescue
# ---------------------------------------------------------------------------
def test_rescue_boots_the_rescue_disk_and_unrescue_restores(drv, inst):
    original = _guest(drv, inst).parsed()
    drv.rescue(None, inst, [], objects.ImageMeta.from_dict(
        {'id': inst.image_ref}), 'pw')
    parsed = _guest(drv, inst).parsed()
    rescue = drv._disks.path(inst, 'disk.rescue')
    assert parsed.disk_paths[:2] == [rescue, drv._disks.path(inst, 'disk')]
    assert _state(drv, inst) == power_state.RUNNING
    saved = drv._disks.path(inst, 'unrescue.xml')
    assert os.path.exists(saved)

    drv.unrescue(None, inst)
    parsed = _guest(drv, inst).parsed()
    assert parsed.disk_paths == original.disk_paths
    assert parsed.os.kernel == original.os.kernel
    assert _state(drv, inst) == power_state.RUNNING
    assert not os.path.exists(saved)
    assert not os.path.exists(rescue)


# ---------------------------------------------------------------------------
# Consoles
# ---------------------------------------------------------------------------
def test_console_output_is_the_tail_of_the_serial_log(drv, inst,
                                                      monkeypatch):
    assert drv.get_console_output(None, inst) == ''
    monkeypatch.setattr(libvirt_driver, 'MAX_CONSOLE_BYTES', 10)
    with open(drv._disks.console_log_path(inst), 'wb') as f:
        f.write(b'first line\nbooted \xff marker\n')
    assert drv.get_console_output(None, inst) == ' \ufffd marker\n'


def test_console_output_of_unknown_guest(drv, cloud):
    with pytest.raises(exception.InstanceNotFoundOnHypervisor):
        drv.get_console_output(None, _instance(cloud))


def test_vnc_console_is_the_live_port(drv, inst, cloud):
    cloud.conf.config(server_proxyclient_address='192.0.2.7', group='vnc')
    # The test driver does not allocate autoports; give the guest a fixed
    # one as QEMU would have.
    guest = _guest(drv, inst)
    xml = guest.xml(inactive=True).replace("port='-1' autoport='yes'",
                                           "port='5907' autoport='no'")
    drv._host.define(xml)
    drv.reboot(None, inst, [], 'SOFT')
    assert drv.get_vnc_console(None, inst) == {
        'host': '192.0.2.7', 'port': 5907, 'internal_access_path': None}


def test_vnc_console_without_a_port(drv, inst):
    with pytest.raises(exception.ConsoleTypeUnavailable):
        drv.get_vnc_console(None, inst)


# ---------------------------------------------------------------------------
# Resources, traits, diagnostics
# ---------------------------------------------------------------------------
def test_available_resource(drv, inst, cloud):
    second = _instance(cloud, vcpus=2, memory_mb=512, ephemeral_gb=1,
                       swap=512)
    drv.spawn(None, second, {'id': second.image_ref}, [], None, None)
    drv.power_off(second)
    res = drv.get_available_resource(HOST)
    node = drv._host.node_info()
    assert res['vcpus'] == node['cpus']
    assert res['memory_mb'] == node['memory_mb']
    assert res['local_gb'] > 0
    assert res['vcpus_used'] == 3
    assert res['memory_mb_used'] == 768
    # 1 GiB root, then 1 GiB root + 1 GiB ephemeral + 512 MiB swap.
    assert res['local_gb_used'] == 4
    assert res['disk_available_least'] <= res['local_gb']
    assert res['running_vms'] == 1
    assert res['hypervisor_type'] == 'QEMU'
    assert res['hypervisor_version'] == drv._host.version()
    assert res['hypervisor_hostname'] == HOST
    cpu = json.loads(res['cpu_info'])
    assert set(cpu) == {'arch', 'model', 'vendor', 'topology', 'features'}
    assert set(cpu['topology']) == {'cells', 'sockets', 'cores', 'threads'}
    inventory = drv.get_inventory(HOST)
    assert inventory['VCPU']['total'] == node['cpus']
    with pytest.raises(exception.ComputeHostNotFoundByNode):
        drv.get_available_resource('elsewhere')


def test_traits(drv):
    traits = drv.get_traits(HOST)
    assert 'COMPUTE_NODE' in traits
    for trait in ('COMPUTE_STORAGE_BUS_VIRTIO', 'COMPUTE_NET_VIF_MODEL_E1000',
                  'COMPUTE_GRAPHICS_MODEL_VGA', 'COMPUTE_IMAGE_TYPE_QCOW2',
                  'COMPUTE_IMAGE_TYPE_RAW'):
        assert trait in traits
    assert traits == sorted(traits)


def test_diagnostics(drv, inst):
    diag = drv.get_diagnostics(inst)
    assert diag['state'] == 'running'
    assert diag['driver'] == 'libvirt'
    assert diag['num_cpus'] == 1
    assert diag['memory_mb'] == 256
    assert 'cpu0_time' in diag
    assert 'vda_read' in diag
    std = drv.get_instance_diagnostics(inst)
    assert std['num_disks'] == 1
    assert std['num_nics'] == 0
    assert std['memory_details']['maximum'] == 256
    assert [c['id'] for c in std['cpu_details']] == [0]
    assert set(std['disk_details'][0]) == {
        'read_bytes', 'read_requests', 'write_bytes', 'write_requests',
        'errors_count'}


def test_host_uptime(drv):
    assert ' up ' in drv.get_host_uptime()


def test_capabilities():
    caps = libvirt_driver.LibvirtDriver.capabilities
    for key in ('supports_pause', 'supports_suspend', 'supports_rescue',
                'supports_console_output', 'supports_vnc_console'):
        assert caps[key] is True


# ---------------------------------------------------------------------------
# Lifecycle events
# ---------------------------------------------------------------------------
def _next_event(events, uuid_, timeout=5):
    while True:
        got_uuid, state = events.get(timeout=timeout)
        if got_uuid == uuid_:
            return state


def test_lifecycle_events_reach_the_registered_listener(drv, cloud):
    events = queue.Queue()
    drv.register_event_listener(lambda u, s: events.put((u, s)))
    i = _instance(cloud)
    drv.spawn(None, i, {'id': i.image_ref}, [], None, None)
    assert _next_event(events, i.uuid) == power_state.RUNNING
    # The guest stops by itself (ACPI from inside, as a guest OS would).
    _guest(drv, i).shutdown()
    assert _next_event(events, i.uuid) == power_state.SHUTDOWN


def test_events_of_foreign_domains_are_not_passed_on(drv, cloud):
    events = queue.Queue()
    drv.register_event_listener(lambda u, s: events.put((u, s)))
    conn = drv._host.get_connection()
    dom_uuid = str(uuid.uuid4())
    dom = conn.defineXML(
        "<domain type='qemu'><name>h1-foreign</name><uuid>%s</uuid>"
        "<memory unit='MiB'>64</memory><os><type>hvm</type></os>"
        "</domain>" % dom_uuid)
    dom.create()
    i = _instance(cloud)
    drv.spawn(None, i, {'id': i.image_ref}, [], None, None)
    assert events.get(timeout=5)[0] == i.uuid


# ---------------------------------------------------------------------------
# VIFs
# ---------------------------------------------------------------------------
OVS_PORT = '4bf4a7db-2f7a-40eb-8d49-2e5028292102'


def _ovs_vif(port_id=OVS_PORT, mac='fa:16:3e:5f:35:9a'):
    return {'id': port_id, 'address': mac, 'type': 'ovs',
            'details': {'bridge_name': 'br-int', 'datapath_type': 'netdev',
                        'port_filter': True},
            'devname': ('tap' + port_id)[:14], 'ovs_interfaceid': port_id,
            'network': {'id': 'net1', 'label': 'private',
                        'bridge': 'br-int', 'mtu': 1450, 'subnets': []}}


class RecordingVifs:
    """A VifDriver that records, and can be told to fail."""

    def __init__(self, events=None):
        self.calls = []
        self.events = events if events is not None else []
        self.fail = False

    def plug(self, instance, vif):
        if self.fail:
            raise libvirt_vif.VifPlugFailed(vif_id=vif['id'], reason='no')
        self.calls.append(('plug', vif['id']))
        self.events.append('plug')

    def unplug(self, instance, vif):
        self.calls.append(('unplug', vif['id']))

    def plug_all(self, instance, network_info):
        for vif in network_info or ():
            self.plug(instance, vif)

    def unplug_all(self, instance, network_info):
        for vif in network_info or ():
            self.unplug(instance, vif)


@pytest.fixture
def vif_drv(cloud):
    vifs = RecordingVifs()
    d = libvirt_driver.LibvirtDriver(uri=cloud.uri, vif_driver=vifs)
    d.init_host(HOST)
    d.vifs = vifs
    yield d
    d.cleanup_host(HOST)


def _spawn_with(drv, cloud, network_info):
    i = _instance(cloud)
    drv.spawn(None, i, objects.ImageMeta.from_dict({'id': i.image_ref}),
              [], None, None, network_info=network_info)
    return i


def test_spawn_plugs_ovs_vifs_before_the_guest_starts(vif_drv, cloud,
                                                      monkeypatch):
    events = vif_drv.vifs.events
    real_launch = libvirt_guest.Guest.launch

    def launch(guest, *args, **kwargs):
        events.append('launch')
        return real_launch(guest, *args, **kwargs)
    monkeypatch.setattr(libvirt_guest.Guest, 'launch', launch)
    i = _spawn_with(vif_drv, cloud, [_ovs_vif()])
    assert events == ['plug', 'launch']
    [nic] = _guest(vif_drv, i).parsed().interfaces
    assert (nic.net_type, nic.target_dev, nic.target_managed,
            nic.mac_address, nic.mtu) == (
        'ethernet', 'tap4bf4a7db-2f', False, 'fa:16:3e:5f:35:9a', 1450)


def test_spawn_that_cannot_plug_fails_and_unplugs(vif_drv, cloud):
    vif_drv.vifs.fail = True
    i = _instance(cloud)
    with pytest.raises(exception.InstanceSpawnFailed):
        vif_drv.spawn(None, i,
                      objects.ImageMeta.from_dict({'id': i.image_ref}),
                      [], None, None, network_info=[_ovs_vif()])
    assert vif_drv.vifs.calls == [('unplug', OVS_PORT)]
    with pytest.raises(exception.InstanceNotFoundOnHypervisor):
        _guest(vif_drv, i)


def test_destroy_unplugs_the_vifs(vif_drv, cloud):
    i = _spawn_with(vif_drv, cloud, [_ovs_vif()])
    vif_drv.destroy(None, i, [_ovs_vif()])
    assert vif_drv.vifs.calls[-1] == ('unplug', OVS_PORT)


def test_destroy_without_network_info_unplugs_the_cached_vifs(vif_drv,
                                                              cloud):
    from nova.network import model
    i = _spawn_with(vif_drv, cloud, [_ovs_vif()])
    i.network_info = model.dump([_ovs_vif()])
    vif_drv.destroy(None, i, None)
    assert vif_drv.vifs.calls[-1] == ('unplug', OVS_PORT)


def test_power_on_and_hard_reboot_plug_again(vif_drv, cloud):
    i = _spawn_with(vif_drv, cloud, [_ovs_vif()])
    vif_drv.power_off(i)
    vif_drv.power_on(None, i, [_ovs_vif()])
    vif_drv.reboot(None, i, [_ovs_vif()], 'HARD')
    assert [c for c in vif_drv.vifs.calls] == [('plug', OVS_PORT)] * 3


def test_attach_and_detach_interface(vif_drv, cloud, monkeypatch):
    # libvirt's test driver has no device hot-plug: record the XML sent
    # and keep the guest's NICs by MAC.
    i = _spawn_with(vif_drv, cloud, [])
    nics, sent = set(), []

    def attach(guest, xml):
        sent.append(('attach', xml))
        nics.add(re.search(r'address="([^"]+)"', xml).group(1))

    def detach(guest, xml):
        sent.append(('detach', xml))
        nics.discard(re.search(r'address="([^"]+)"', xml).group(1))
    monkeypatch.setattr(libvirt_guest.Guest, 'attach_device', attach)
    monkeypatch.setattr(libvirt_guest.Guest, 'detach_device', detach)
    monkeypatch.setattr(vif_drv, '_has_nic',
                        lambda guest, mac, inactive=False: mac in nics)
    vif = _ovs_vif()
    vif_drv.attach_interface(None, i, None, vif)
    assert vif_drv.vifs.calls == [('plug', OVS_PORT)]
    assert sent == [('attach',
                     '<interface type="ethernet">'
                     '<mac address="fa:16:3e:5f:35:9a" />'
                     '<target dev="tap4bf4a7db-2f" managed="no" />'
                     '<model type="virtio" /><mtu size="1450" />'
                     '</interface>')]
    vif_drv.detach_interface(None, i, vif)
    assert sent[-1] == ('detach', sent[0][1])
    assert vif_drv.vifs.calls[-1] == ('unplug', OVS_PORT)
    assert not nics


def test_detach_the_guest_does_not_release_fails(vif_drv, cloud,
                                                 monkeypatch):
    i = _spawn_with(vif_drv, cloud, [])
    monkeypatch.setattr(libvirt_driver, 'DETACH_TIMEOUT', 0.2)
    monkeypatch.setattr(libvirt_guest.Guest, 'detach_device',
                        lambda guest, xml: None)
    monkeypatch.setattr(vif_drv, '_has_nic',
                        lambda guest, mac, inactive=False: True)
    with pytest.raises(exception.InterfaceDetachFailed):
        vif_drv.detach_interface(None, i, _ovs_vif())
    # Still in the guest: its tap stays.
    assert vif_drv.vifs.calls == []


def test_guest_device_calls_touch_the_live_guest_only_when_running():
    calls = []
    dom = types.SimpleNamespace(
        isActive=lambda: active[0],
        attachDeviceFlags=lambda xml, flags: calls.append(('a', flags)),
        detachDeviceFlags=lambda xml, flags: calls.append(('d', flags)))
    active = [True]
    guest = libvirt_guest.Guest(dom)
    guest.attach_device('<interface/>')
    active[0] = False
    guest.detach_device('<interface/>')
    both = (libvirt.VIR_DOMAIN_AFFECT_CONFIG |
            libvirt.VIR_DOMAIN_AFFECT_LIVE)
    assert calls == [('a', both), ('d', libvirt.VIR_DOMAIN_AFFECT_CONFIG)]


def test_attach_that_libvirt_refuses_unplugs(vif_drv, cloud, monkeypatch):
    i = _spawn_with(vif_drv, cloud, [])

    def refuse(guest, xml):
        raise libvirt.libvirtError('no more PCI slots')
    monkeypatch.setattr(libvirt_guest.Guest, 'attach_device', refuse)
    with pytest.raises(exception.InterfaceAttachFailed):
        vif_drv.attach_interface(None, i, None, _ovs_vif())
    assert vif_drv.vifs.calls == [('plug', OVS_PORT), ('unplug', OVS_PORT)]


def test_detach_of_a_nic_the_guest_lacks_only_unplugs(vif_drv, cloud):
    i = _spawn_with(vif_drv, cloud, [])
    vif_drv.detach_interface(None, i, _ovs_vif())
    assert vif_drv.vifs.calls == [('unplug', OVS_PORT)]


# ---------------------------------------------------------------------------
# Config drive
# ---------------------------------------------------------------------------
def _cd_instance(cloud, **fields):
    return readers.give_metadata(_instance(cloud), **fields)


def _cd_spawn(drv, cloud, files=(), password='pw', network_info=None,
              properties=None, **fields):
    i = _cd_instance(cloud, **fields)
    drv.spawn(None, i, objects.ImageMeta.from_dict(
        {'id': i.image_ref, 'properties': properties or {}}),
        list(files), password, None, network_info=network_info)
    return i


def _drive_files(path):
    files, volume = readers.iso_with_pycdlib(path)
    assert volume == 'config-2'
    return files


def _cdrom(drv, inst, inactive=False):
    return [d for d in _guest(drv, inst).parsed(inactive=inactive).disks
            if d.source_path and
            os.path.basename(d.source_path).startswith('disk.config')]


def test_spawn_attaches_a_config_drive_as_a_cdrom(drv, cloud):
    vif = {'id': 'port-1', 'address': 'fa:16:3e:00:00:01',
           'devname': 'tapport-1', 'type': 'user',
           'network': {'id': 'net-1', 'mtu': 1450, 'subnets': [{
               'cidr': '10.0.0.0/24', 'version': 4, 'gateway': '10.0.0.1',
               'dns': [], 'routes': [], 'enable_dhcp': True,
               'ips': [{'address': '10.0.0.5', 'version': 4}]}]}}
    i = _cd_spawn(drv, cloud, files=[('/etc/motd', b'hello\n')],
                  password='s3cret', network_info=[vif])
    path = drv._disks.path(i, 'disk.config')
    [cdrom] = _cdrom(drv, i)
    # The default machine type is pc: the cdrom is on the IDE bus.
    assert (cdrom.device, cdrom.target_bus, cdrom.readonly,
            cdrom.driver_type) == ('cdrom', 'ide', True, 'raw')
    assert cdrom.source_path == path
    files = _drive_files(path)
    meta = json.loads(files['openstack/latest/meta_data.json'])
    assert meta['uuid'] == i.uuid and meta['admin_pass'] == 's3cret'
    assert files['openstack/latest/user_data'] == b'#cloud-config\n'
    assert files['openstack/content/0000'] == b'hello\n'
    network = json.loads(files['openstack/latest/network_data.json'])
    assert network['links'][0]['ethernet_mac_address'] == \
        'fa:16:3e:00:00:01'
    assert drv._disks.disk_format(drv._disks.instance_dir(i),
                                  'disk.config') == 'raw'
    assert drv.get_instance_diagnostics(i)['config_drive'] is True
    drv.destroy(None, i, [])
    assert not os.path.exists(path)


def test_no_config_drive_unless_required(drv, inst, cloud):
    assert _cdrom(drv, inst) == []
    assert not os.path.exists(drv._disks.path(inst, 'disk.config'))
    cloud.conf.config(force_config_drive=True)
    forced = _cd_spawn(drv, cloud, config_drive='')
    assert len(_cdrom(drv, forced)) == 1


def test_q35_guests_get_the_config_drive_on_sata(drv, cloud):
    i = _cd_spawn(drv, cloud, properties={'hw_machine_type': 'q35'})
    [cdrom] = _cdrom(drv, i)
    assert (cdrom.device, cdrom.target_bus) == ('cdrom', 'sata')


def test_vfat_config_drive_is_a_disk(drv, cloud):
    readers.need('mkfs.vfat', 'dosfstools')
    readers.need('mcopy', 'mtools')
    cloud.conf.config(config_drive_format='vfat')
    i = _cd_spawn(drv, cloud)
    [disk] = _cdrom(drv, i)
    assert (disk.device, disk.target_bus, disk.target_dev,
            disk.readonly) == ('disk', 'virtio', 'vdb', False)
    assert readers.vfat_files(disk.source_path)[
        'openstack/latest/user_data'] == b'#cloud-config\n'


def test_hard_reboot_keeps_the_config_drive_and_remakes_a_lost_one(
        drv, cloud):
    i = _cd_spawn(drv, cloud, password='first')
    path = drv._disks.path(i, 'disk.config')
    drv.reboot(None, i, [], 'HARD')
    assert [d.source_path for d in _cdrom(drv, i, inactive=True)] == [path]
    assert json.loads(_drive_files(path)[
        'openstack/latest/meta_data.json'])['admin_pass'] == 'first'
    os.unlink(path)
    drv.reboot(None, i, [], 'HARD')
    assert [d.source_path for d in _cdrom(drv, i, inactive=True)] == [path]
    # Made again from the instance: without the password of the build.
    meta = json.loads(_drive_files(path)['openstack/latest/meta_data.json'])
    assert meta['uuid'] == i.uuid and 'admin_pass' not in meta


def test_lost_definition_is_defined_again_with_the_config_drive(drv, cloud):
    i = _cd_spawn(drv, cloud)
    drv.power_off(i)
    _guest(drv, i).undefine()
    drv.power_on(None, i, [])
    assert len(_cdrom(drv, i)) == 1


def test_a_new_spawn_makes_a_new_config_drive(drv, cloud):
    i = _cd_spawn(drv, cloud, password='old')
    drv.destroy(None, i, [], destroy_disks=False)
    drv.spawn(None, i, objects.ImageMeta.from_dict({'id': i.image_ref}),
              [], 'new', None)
    meta = json.loads(_drive_files(drv._disks.path(i, 'disk.config'))[
        'openstack/latest/meta_data.json'])
    assert meta['admin_pass'] == 'new'


def test_rescue_gets_a_config_drive_with_the_rescue_password(drv, cloud):
    i = _cd_spawn(drv, cloud, password='mine')
    drv.rescue(None, i, [], objects.ImageMeta.from_dict(
        {'id': i.image_ref}), 'rescue-pw')
    rescue_drive = drv._disks.path(i, 'disk.config.rescue')
    assert [d.source_path for d in _cdrom(drv, i)] == [rescue_drive]
    assert json.loads(_drive_files(rescue_drive)[
        'openstack/latest/meta_data.json'])['admin_pass'] == 'rescue-pw'
    drv.unrescue(None, i)
    assert [d.source_path for d in _cdrom(drv, i)] == [
        drv._disks.path(i, 'disk.config')]
    assert not os.path.exists(rescue_drive)


# ---------------------------------------------------------------------------
# Admin password (QEMU guest agent)
# ---------------------------------------------------------------------------
def _agent_instance(cloud, **props):
    i = _instance(cloud)
    i.system_metadata = {'image_%s' % k: v for k, v in props.items()}
    return i


def test_password_needs_the_guest_agent(drv, cloud):
    i = _agent_instance(cloud)
    drv.spawn(None, i, {'id': i.image_ref}, [], None, None)
    with pytest.raises(exception.QemuGuestAgentNotEnabled):
        drv.set_admin_password(i, 'pw')


def test_password_is_set_through_the_guest_agent(drv, cloud, monkeypatch):
    i = _agent_instance(cloud, hw_qemu_guest_agent='yes')
    drv.spawn(None, i, {'id': i.image_ref, 'properties': {
        'hw_qemu_guest_agent': 'yes'}}, [], None, None)
    # The guest has the agent's channel.
    xml = _guest(drv, i).xml()
    assert "name='org.qemu.guest_agent.0'" in xml
    calls = []
    monkeypatch.setattr(libvirt_guest.Guest, 'set_user_password',
                        lambda self, user, pw: calls.append((user, pw)))
    drv.set_admin_password(i, 'n3w')
    assert calls == [('root', 'n3w')]
    i.system_metadata['image_os_admin_user'] = 'cloud'
    drv.set_admin_password(i, 'n3w2')
    assert calls[-1] == ('cloud', 'n3w2')


def test_password_with_a_silent_agent_is_not_implemented(drv, cloud,
                                                         monkeypatch):
    i = _agent_instance(cloud, hw_qemu_guest_agent='yes')
    drv.spawn(None, i, {'id': i.image_ref}, [], None, None)

    def silent(self, user, pw):
        err = libvirt.libvirtError('agent is not responding')
        err.err = (libvirt.VIR_ERR_AGENT_UNRESPONSIVE, 0,
                   'agent is not responding', 0, '', None, None, 0, 0)
        raise err
    monkeypatch.setattr(libvirt_guest.Guest, 'set_user_password', silent)
    with pytest.raises(NotImplementedError):
        drv.set_admin_password(i, 'pw')


def test_password_through_the_test_drivers_agent_fails_cleanly(drv, cloud):
    # libvirt's test driver has no guest agent: an error, without the
    # password in it.
    i = _agent_instance(cloud, hw_qemu_guest_agent='yes')
    drv.spawn(None, i, {'id': i.image_ref}, [], None, None)
    try:
        drv.set_admin_password(i, 'very-secret')
    except (exception.NovaException, NotImplementedError) as exc:
        assert 'very-secret' not in str(exc)
