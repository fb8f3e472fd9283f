"""The guest an instance gets: build_guest_config() read back through the
XML it produces (parse_domain and ElementTree), never compared as text."""

import datetime
import types
import xml.etree.ElementTree as ET

from oslo_config import cfg
import pytest

from nova import conf as nova_conf
from nova import exception
from nova import objects
from nova.virt.libvirt import config
from nova.virt.libvirt import guest_config as gc

UUID = '4f1d6a2c-1b9e-4c6e-9c1a-2d3e4f5a6b7c'
IMAGE_ID = 'a0b1c2d3-0000-4000-8000-000000000001'
DIR = '/var/lib/nova/instances/' + UUID
NS = {'nova': config.NOVA_NS}
WHEN = datetime.datetime(2024, 5, 1, 12, 0, 0)


def _instance(vcpus=2, memory_mb=1024, extra_specs=None, **kwargs):
    flavor = types.SimpleNamespace(
        name='m1.small', vcpus=vcpus, memory_mb=memory_mb, root_gb=10,
        ephemeral_gb=1, swap=512, extra_specs=extra_specs or {})
    values = dict(uuid=UUID, name='instance-00000001', display_name='web-1',
                  user_id='u-1', project_id='p-1', image_ref=IMAGE_ID,
                  flavor=flavor)
    values.update(kwargs)
    return types.SimpleNamespace(**values)


def _image(**properties):
    return {'id': IMAGE_ID, 'disk_format': 'qcow2', 'properties': properties}


def _files(**kwargs):
    values = dict(root=gc.DiskImage(DIR + '/disk'),
                  console_log=DIR + '/console.log')
    values.update(kwargs)
    return gc.GuestFiles(**values)


def _build(instance=None, image=None, files=None, settings=None, **kwargs):
    guest = gc.build_guest_config(
        instance or _instance(), image if image is not None else _image(),
        files or _files(), settings or gc.GuestSettings(),
        creation_time=WHEN, **kwargs)
    xml = guest.to_xml_string()
    return config.parse_domain(xml), ET.fromstring(xml)


# ---------------------------------------------------------------------------
# The default guest
# ---------------------------------------------------------------------------
def test_default_guest_has_identity_sizes_and_nova_metadata():
    parsed, root = _build()
    assert parsed.virt_type == 'kvm'
    assert parsed.name == 'instance-00000001'
    assert parsed.uuid == UUID
    assert parsed.memory_kib == 1024 * 1024
    assert parsed.vcpus == 2
    meta = parsed.metadata
    assert meta.name == 'web-1'
    assert meta.creation_time == '2024-05-01 12:00:00'
    assert meta.root_image_id == IMAGE_ID
    assert (meta.flavor.name, meta.flavor.vcpus, meta.flavor.memory_mb,
            meta.flavor.disk_gb, meta.flavor.ephemeral_gb,
            meta.flavor.swap_mb) == ('m1.small', 2, 1024, 10, 1, 512)
    assert (meta.owner.user_id, meta.owner.project_id) == ('u-1', 'p-1')


def test_default_guest_boots_its_virtio_root_disk_from_hd():
    parsed, root = _build()
    assert parsed.os.os_type == 'hvm'
    assert parsed.os.arch == 'x86_64'
    assert parsed.os.boot_devs == ['hd']
    assert parsed.os.kernel is None
    assert [(d.target_dev, d.target_bus, d.driver_type, d.source_path)
            for d in parsed.disks] == [('vda', 'virtio', 'qcow2',
                                        DIR + '/disk')]
    assert parsed.disks[0].driver_cache == 'none'


def test_default_guest_features_clock_and_lifecycle_actions():
    _, root = _build()
    assert root.find('features/acpi') is not None
    assert root.find('features/apic') is not None
    assert root.find('clock').get('offset') == 'utc'
    assert root.findtext('on_poweroff') == 'destroy'
    assert root.findtext('on_reboot') == 'restart'
    assert root.findtext('on_crash') == 'destroy'


def test_default_guest_has_rng_memballoon_tablet_and_video():
    _, root = _build()
    rng = root.find('devices/rng')
    assert rng.get('model') == 'virtio'
    assert rng.findtext('backend') == '/dev/urandom'
    balloon = root.find('devices/memballoon')
    assert balloon.get('model') == 'virtio'
    assert balloon.find('stats').get('period') == '10'
    assert root.find('devices/input').get('type') == 'tablet'
    assert root.find('devices/video/model').get('type') == 'virtio'


def test_guest_from_real_instance_and_image_meta_objects():
    objects.register_all()
    flavor = objects.Flavor(name='m1.tiny', vcpus=1, memory_mb=256,
                            root_gb=1, ephemeral_gb=0, swap=0,
                            extra_specs={})
    instance = objects.Instance(id=7, uuid=UUID, display_name='tiny',
                                user_id='u-1', project_id='p-1',
                                vcpus=1, memory_mb=256, root_gb=1,
                                ephemeral_gb=0, flavor=flavor)
    image = objects.ImageMeta.from_dict(
        {'id': IMAGE_ID, 'disk_format': 'qcow2',
         'properties': {'hw_disk_bus': 'sata'}})
    parsed, _ = _build(instance=instance, image=image)
    assert parsed.name == instance.name
    assert parsed.vcpus == 1
    assert parsed.memory_kib == 256 * 1024
    assert parsed.disks[0].target_bus == 'sata'


# ---------------------------------------------------------------------------
# Domain type and CPU
# ---------------------------------------------------------------------------
def test_kvm_guest_gets_host_model_cpu_by_default():
    parsed, _ = _build(settings=gc.GuestSettings(virt_type='kvm'))
    assert parsed.virt_type == 'kvm'
    assert parsed.cpu.mode == 'host-model'


def test_qemu_guest_gets_the_hypervisor_default_cpu():
    parsed, root = _build(settings=gc.GuestSettings(virt_type='qemu'))
    assert root.get('type') == 'qemu'
    assert parsed.cpu.mode is None
    assert parsed.cpu.model is None
    assert parsed.cpu.topology.vcpus == 2


def test_custom_cpu_mode_uses_the_first_configured_model():
    settings = gc.GuestSettings(cpu_mode='custom',
                                cpu_models=['Haswell', 'Broadwell'])
    parsed, _ = _build(settings=settings)
    assert (parsed.cpu.mode, parsed.cpu.model) == ('custom', 'Haswell')


@pytest.mark.parametrize('settings', [
    gc.GuestSettings(virt_type='qemu', cpu_mode='host-passthrough'),
    gc.GuestSettings(cpu_mode='custom', cpu_models=[]),
])
def test_unusable_cpu_configuration_is_a_host_error(settings):
    with pytest.raises(gc.GuestConfigError):
        _build(settings=settings)


@pytest.mark.parametrize('specs,expected', [
    ({}, (4, 1, 1)),
    ({'hw:cpu_sockets': '1'}, (1, 4, 1)),
    ({'hw:cpu_sockets': '2', 'hw:cpu_cores': '2'}, (2, 2, 1)),
    ({'hw:cpu_threads': '2'}, (2, 1, 2)),
    ({'hw:cpu_sockets': '1', 'hw:cpu_cores': '2', 'hw:cpu_threads': '2'},
     (1, 2, 2)),
])
def test_cpu_topology_comes_from_flavor_extra_specs(specs, expected):
    parsed, root = _build(instance=_instance(vcpus=4, extra_specs=specs))
    topology = root.find('cpu/topology')
    assert (int(topology.get('sockets')), int(topology.get('cores')),
            int(topology.get('threads'))) == expected
    assert parsed.cpu.topology.vcpus == 4


@pytest.mark.parametrize('specs', [
    {'hw:cpu_sockets': '3'},
    {'hw:cpu_sockets': '2', 'hw:cpu_cores': '2', 'hw:cpu_threads': '2'},
    {'hw:cpu_cores': '0'},
    {'hw:cpu_threads': 'two'},
])
def test_cpu_topology_that_cannot_give_the_vcpus_is_a_400(specs):
    with pytest.raises(gc.InvalidCPUTopology) as err:
        _build(instance=_instance(vcpus=4, extra_specs=specs))
    assert isinstance(err.value, exception.Invalid)
    assert err.value.code == 400


# ---------------------------------------------------------------------------
# Boot and disks
# ---------------------------------------------------------------------------
def test_kernel_boot_with_ramdisk_and_default_cmdline():
    files = _files(kernel=DIR + '/kernel', ramdisk=DIR + '/ramdisk')
    parsed, root = _build(files=files)
    assert parsed.os.kernel == DIR + '/kernel'
    assert parsed.os.initrd == DIR + '/ramdisk'
    assert parsed.os.cmdline == 'root=/dev/vda console=ttyS0'
    assert root.find('os/boot') is None


def test_kernel_boot_cmdline_from_image_property():
    files = _files(kernel=DIR + '/kernel')
    parsed, _ = _build(files=files,
                       image=_image(os_command_line='console=ttyS0 quiet'))
    assert parsed.os.cmdline == 'console=ttyS0 quiet'
    assert parsed.os.initrd is None


def test_kernel_boot_default_root_follows_the_disk_bus():
    files = _files(kernel=DIR + '/kernel')
    parsed, _ = _build(files=files, image=_image(hw_disk_bus='ide'))
    assert parsed.disks[0].target_dev == 'hda'
    assert parsed.os.cmdline.startswith('root=/dev/sda ')


@pytest.mark.parametrize('bus,devs', [
    ('virtio', ['vda', 'vdb', 'vdc']),
    ('scsi', ['sda', 'sdb', 'sdc']),
    ('sata', ['sda', 'sdb', 'sdc']),
    ('ide', ['hda', 'hdb', 'hdc']),
])
def test_disk_bus_and_names_from_image_property(bus, devs):
    files = _files(ephemeral=gc.DiskImage(DIR + '/disk.local', 'raw'),
                   swap=gc.DiskImage(DIR + '/disk.swap', 'raw'))
    parsed, _ = _build(files=files, image=_image(hw_disk_bus=bus))
    assert [d.target_dev for d in parsed.disks] == devs
    assert {d.target_bus for d in parsed.disks} == {bus}
    assert [d.driver_type for d in parsed.disks] == ['qcow2', 'raw', 'raw']
    assert parsed.disk_paths == [DIR + '/disk', DIR + '/disk.local',
                                 DIR + '/disk.swap']


def test_unknown_disk_bus_is_a_400():
    with pytest.raises(gc.UnsupportedHardware) as err:
        _build(image=_image(hw_disk_bus='floppy'))
    assert err.value.code == 400


def test_all_disks_and_config_drive_fit_on_the_ide_bus():
    files = _files(ephemeral=gc.DiskImage(DIR + '/disk.local'),
                   swap=gc.DiskImage(DIR + '/disk.swap'),
                   config_drive=DIR + '/disk.config')
    parsed, _ = _build(files=files, image=_image(hw_disk_bus='ide'))
    assert [d.target_dev for d in parsed.disks] == ['hda', 'hdb', 'hdc',
                                                    'hdd']


def test_config_drive_is_a_readonly_cdrom_after_the_disks():
    parsed, _ = _build(files=_files(config_drive=DIR + '/disk.config'))
    cdrom = parsed.disks[-1]
    assert (cdrom.device, cdrom.target_dev, cdrom.target_bus,
            cdrom.readonly) == ('cdrom', 'hda', 'ide', True)
    assert cdrom.source_path == DIR + '/disk.config'


def test_fat_config_drive_is_a_writable_disk_on_the_disk_bus():
    files = _files(ephemeral=gc.DiskImage(DIR + '/disk.local'),
                   config_drive=DIR + '/disk.config',
                   config_drive_format='vfat')
    parsed, _ = _build(files=files)
    drive = parsed.disks[-1]
    assert (drive.device, drive.target_dev, drive.target_bus,
            drive.driver_type, drive.readonly) == (
        'disk', 'vdc', 'virtio', 'raw', False)
    assert drive.source_path == DIR + '/disk.config'
    parsed, _ = _build(files=files, image=_image(hw_disk_bus='sata'))
    assert parsed.disks[-1].target_dev == 'sdc'


def test_guest_agent_channel_only_for_images_that_have_the_agent():
    _parsed, root = _build()
    assert root.find('./devices/channel') is None
    _parsed, root = _build(image=_image(hw_qemu_guest_agent='yes'))
    [channel] = root.findall('./devices/channel')
    assert channel.get('type') == 'unix'
    assert channel.find('target').attrib == {
        'type': 'virtio', 'name': 'org.qemu.guest_agent.0'}
    _parsed, root = _build(image=_image(hw_qemu_guest_agent='no'))
    assert root.find('./devices/channel') is None


def test_disk_cache_mode_from_settings():
    settings = gc.GuestSettings(disk_cachemodes={'file': 'writeback'})
    parsed, _ = _build(settings=settings)
    assert parsed.disks[0].driver_cache == 'writeback'
    parsed, _ = _build(settings=gc.GuestSettings(
        default_disk_cache='writethrough'))
    assert parsed.disks[0].driver_cache == 'writethrough'


def test_rescue_disk_boots_first_and_original_root_is_second():
    files = _files(rescue=gc.DiskImage(DIR + '/disk.rescue'),
                   ephemeral=gc.DiskImage(DIR + '/disk.local'))
    parsed, root = _build(files=files)
    assert [(d.target_dev, d.source_path) for d in parsed.disks] == [
        ('vda', DIR + '/disk.rescue'), ('vdb', DIR + '/disk')]
    assert parsed.root_disk.source_path == DIR + '/disk.rescue'
    assert parsed.os.boot_devs == ['hd']


def test_machine_type_from_settings_and_image():
    settings = gc.GuestSettings(machine_types={'x86_64': 'q35'})
    parsed, _ = _build(settings=settings,
                       files=_files(config_drive=DIR + '/disk.config'))
    assert parsed.os.machine == 'q35'
    assert parsed.disks[-1].target_bus == 'sata'
    parsed, _ = _build(settings=settings, image=_image(hw_machine_type='pc'))
    assert parsed.os.machine == 'pc'


# ---------------------------------------------------------------------------
# Consoles and network
# ---------------------------------------------------------------------------
def test_vnc_listens_on_server_listen_with_autoport():
    parsed, _ = _build(settings=gc.GuestSettings(vnc_listen='192.0.2.10'))
    assert parsed.vnc.listen == '192.0.2.10'
    assert parsed.vnc.autoport is True
    assert parsed.vnc.port == -1


def test_no_graphics_when_vnc_is_disabled():
    parsed, root = _build(settings=gc.GuestSettings(vnc_enabled=False))
    assert parsed.vnc is None
    assert root.find('devices/graphics') is None


def test_serial_log_file_and_interactive_pty():
    parsed, _ = _build()
    assert parsed.serial_log_path == DIR + '/console.log'
    assert [(s.source_type, s.target_port) for s in parsed.serials] == [
        ('file', 0), ('pty', 1)]


def test_without_a_log_path_the_first_serial_port_is_a_pty():
    parsed, _ = _build(files=_files(console_log=None))
    assert [(s.source_type, s.target_port) for s in parsed.serials] == [
        ('pty', 0)]
    assert parsed.serial_log_path is None


def test_interfaces_from_network_info_with_image_vif_model():
    vifs = [{'type': 'bridge', 'address': 'fa:16:3e:00:00:01',
             'devname': 'tap1', 'network': {'bridge': 'br-int',
                                            'meta': {'mtu': 1450}}},
            {'type': 'user', 'address': 'fa:16:3e:00:00:02'}]
    parsed, _ = _build(image=_image(hw_vif_model='e1000'),
                       network_info=vifs)
    first, second = parsed.interfaces
    assert (first.net_type, first.source, first.mac_address, first.model,
            first.target_dev, first.mtu) == (
        'bridge', 'br-int', 'fa:16:3e:00:00:01', 'e1000', 'tap1', 1450)
    assert (second.net_type, second.source) == ('user', None)


def test_unknown_vif_model_is_a_400():
    with pytest.raises(gc.UnsupportedHardware):
        _build(image=_image(hw_vif_model='token-ring'),
               network_info=[{'type': 'user'}])


# ---------------------------------------------------------------------------
# Settings from configuration
# ---------------------------------------------------------------------------
@pytest.fixture
def conf():
    c = cfg.ConfigOpts()
    for module in (nova_conf.default, nova_conf.console, nova_conf.libvirt):
        module.register_opts(c)
    c([], default_config_files=[])
    return c


def test_settings_defaults_from_configuration(conf):
    settings = gc.GuestSettings.from_conf(conf)
    assert settings.virt_type == 'kvm'
    assert settings.effective_cpu_mode == 'host-model'
    assert settings.vnc_listen == '127.0.0.1'
    assert settings.default_disk_cache == 'none'
    assert conf.libvirt.instances_path == '/var/lib/nova/instances'
    assert conf.libvirt.images_type == 'qcow2'
    assert conf.libvirt.connection_uri == ''


def test_settings_read_libvirt_and_vnc_groups(conf):
    conf.set_override('virt_type', 'qemu', group='libvirt')
    conf.set_override('disk_cachemodes', ['file=directsync'],
                      group='libvirt')
    conf.set_override('hw_machine_type', ['x86_64=q35'], group='libvirt')
    conf.set_override('server_listen', '0.0.0.0', group='vnc')
    settings = gc.GuestSettings.from_conf(conf, direct_io=False)
    assert settings.effective_cpu_mode == 'none'
    assert settings.disk_cachemodes == {'file': 'directsync'}
    assert settings.machine_types == {'x86_64': 'q35'}
    assert settings.default_disk_cache == 'writethrough'
    parsed, _ = _build(settings=settings)
    assert parsed.virt_type == 'qemu'
    assert parsed.vnc.listen == '0.0.0.0'
    assert parsed.os.machine == 'q35'
    assert parsed.disks[0].driver_cache == 'directsync'


def test_bad_cache_mode_in_configuration_is_refused(conf):
    conf.set_override('disk_cachemodes', ['file=fast'], group='libvirt')
    with pytest.raises(gc.GuestConfigError):
        gc.GuestSettings.from_conf(conf)
