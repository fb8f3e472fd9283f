"""Device config classes: the elements they write and what they refuse."""

import xml.etree.ElementTree as ET

import pytest

from nova.virt.libvirt import config_devices as devices


def _root(device):
    return ET.fromstring(device.to_xml_string())


def _round_trip(device):
    return type(device).parse_dom(_root(device))


# ---------------------------------------------------------------------------
# <disk>
# ---------------------------------------------------------------------------
def test_disk_qcow2_file_on_virtio():
    root = _root(devices.Disk('vda', '/srv/disk', driver_cache='none'))
    assert (root.get('type'), root.get('device')) == ('file', 'disk')
    assert root.find('driver').attrib == {
        'name': 'qemu', 'type': 'qcow2', 'cache': 'none'}
    assert root.find('source').attrib == {'file': '/srv/disk'}
    assert root.find('target').attrib == {'dev': 'vda', 'bus': 'virtio'}
    assert root.find('readonly') is None


def test_disk_raw_block_device_uses_source_dev():
    disk = devices.Disk('vdb', '/dev/vg/lv', source_type='block',
                        driver_type='raw', serial='vol-1', boot_order=2)
    root = _root(disk)
    assert root.get('type') == 'block'
    assert root.find('source').attrib == {'dev': '/dev/vg/lv'}
    assert root.find('driver').get('cache') is None
    assert root.findtext('serial') == 'vol-1'
    assert root.find('boot').get('order') == '2'
    assert _round_trip(disk) == disk


def test_cdrom_is_always_read_only():
    disk = devices.Disk('sda', '/srv/disk.config', device='cdrom',
                        driver_type='raw', target_bus='sata')
    assert disk.readonly
    root = _root(disk)
    assert root.get('device') == 'cdrom'
    assert root.find('readonly') is not None
    assert _round_trip(disk) == disk


def test_empty_cdrom_has_no_source():
    disk = devices.Disk('hdc', device='cdrom', driver_type='raw',
                        target_bus='ide')
    root = _root(disk)
    assert root.find('source') is None
    assert _round_trip(disk) == disk


@pytest.mark.parametrize('kwargs, message', [
    ({'source_path': None}, 'no source'),
    ({'target_dev': ''}, 'target device'),
    ({'driver_type': 'vmdk'}, 'disk format'),
    ({'driver_cache': 'fast'}, 'cache mode'),
    ({'target_bus': 'xen'}, 'disk bus'),
    ({'device': 'floppy'}, 'disk device'),
    ({'source_type': 'network'}, 'source type'),
])
def test_disk_refuses_what_we_do_not_support(kwargs, message):
    args = {'target_dev': 'vda', 'source_path': '/srv/disk'}
    args.update(kwargs)
    with pytest.raises(ValueError, match=message):
        devices.Disk(**args).to_xml_string()


# ---------------------------------------------------------------------------
# <interface>
# ---------------------------------------------------------------------------
@pytest.mark.parametrize('net_type, source, source_attr', [
    ('network', 'default', 'network'),
    ('bridge', 'br0', 'bridge'),
])
def test_interface_with_source(net_type, source, source_attr):
    nic = devices.Interface(net_type=net_type, source=source,
                            mac_address='fa:16:3e:00:00:01')
    root = _root(nic)
    assert root.get('type') == net_type
    assert root.find('mac').get('address') == 'fa:16:3e:00:00:01'
    assert root.find('source').attrib == {source_attr: source}
    assert root.find('model').get('type') == 'virtio'
    assert _round_trip(nic) == nic


def test_user_interface_needs_no_host_set_up():
    nic = devices.Interface(net_type='user', mac_address='52:54:00:00:00:01')
    root = _root(nic)
    assert root.get('type') == 'user'
    assert root.find('source') is None
    assert _round_trip(nic) == nic


def test_ethernet_interface_names_its_tap_and_mtu():
    nic = devices.Interface(net_type='ethernet', target_dev='tap0',
                            mtu=1450, model='e1000')
    root = _root(nic)
    assert root.find('target').get('dev') == 'tap0'
    assert root.find('mtu').get('size') == '1450'
    assert root.find('model').get('type') == 'e1000'
    assert _round_trip(nic) == nic


@pytest.mark.parametrize('nic, message', [
    (devices.Interface(net_type='bridge'), 'needs a source'),
    (devices.Interface(net_type='network'), 'needs a source'),
    (devices.Interface(net_type='user', source='x'), 'takes no source'),
    (devices.Interface(net_type='vhostuser', source='x'), 'interface type'),
    (devices.Interface(net_type='user', mac_address='fa:16:3e:00:01'),
     'MAC'),
])
def test_interface_refuses_inconsistent_settings(nic, message):
    with pytest.raises(ValueError, match=message):
        nic.to_xml_string()


# ---------------------------------------------------------------------------
# <graphics>
# ---------------------------------------------------------------------------
def test_vnc_autoport_on_the_listen_address_with_password():
    gfx = devices.Graphics(listen='192.0.2.1', password='abcd1234',
                           keymap='en-us')
    root = _root(gfx)
    assert root.get('type') == 'vnc'
    assert root.get('autoport') == 'yes'
    assert root.get('port') == '-1'
    assert root.get('listen') == '192.0.2.1'
    assert root.get('passwd') == 'abcd1234'
    assert root.get('keymap') == 'en-us'
    assert root.find('listen').attrib == {'type': 'address',
                                          'address': '192.0.2.1'}
    assert _round_trip(gfx) == gfx


def test_vnc_without_listen_or_password():
    root = _root(devices.Graphics())
    assert root.get('listen') is None
    assert root.get('passwd') is None
    assert root.find('listen') is None


def test_vnc_fixed_port():
    gfx = devices.Graphics(port=5905, autoport=False, listen='127.0.0.1')
    root = _root(gfx)
    assert (root.get('port'), root.get('autoport')) == ('5905', 'no')
    assert _round_trip(gfx) == gfx


@pytest.mark.parametrize('gfx, message', [
    (devices.Graphics(password='123456789'), 'at most 8'),
    (devices.Graphics(autoport=False), 'need a port'),
    (devices.Graphics(graphics_type='rdp'), 'graphics type'),
])
def test_graphics_refuses_what_libvirt_would(gfx, message):
    with pytest.raises(ValueError, match=message):
        gfx.to_xml_string()


# ---------------------------------------------------------------------------
# <serial> and <console>
# ---------------------------------------------------------------------------
def test_file_serial_writes_the_guest_output_to_the_log_path():
    serial = devices.Serial(source_type='file', source_path='/srv/console.log')
    root = _root(serial)
    assert root.tag == 'serial'
    assert root.get('type') == 'file'
    assert root.find('source').get('path') == '/srv/console.log'
    assert root.find('target').attrib == {'port': '0'}
    assert _round_trip(serial) == serial


def test_pty_serial_with_a_log_file():
    serial = devices.Serial(log_path='/srv/console.log',
                            target_type='isa-serial')
    root = _root(serial)
    assert root.get('type') == 'pty'
    assert root.find('source') is None
    assert root.find('log').attrib == {'file': '/srv/console.log',
                                       'append': 'off'}
    assert root.find('target').get('type') == 'isa-serial'
    assert _round_trip(serial) == serial


def test_console_targets_serial_port_zero():
    console = devices.Console(log_path='/srv/console.log', log_append=True)
    root = _root(console)
    assert root.tag == 'console'
    assert root.get('type') == 'pty'
    assert root.find('target').attrib == {'type': 'serial', 'port': '0'}
    assert root.find('log').get('append') == 'on'
    assert _round_trip(console) == console


def test_char_devices_refuse_unknown_types_and_a_pathless_file():
    with pytest.raises(ValueError, match='needs a path'):
        devices.Serial(source_type='file').to_xml_string()
    with pytest.raises(ValueError, match='serial type'):
        devices.Serial(source_type='tcp').to_xml_string()
    with pytest.raises(ValueError, match='console type'):
        devices.Console(source_type='spicevmc').to_xml_string()


# ---------------------------------------------------------------------------
# <input>, <video>, <memballoon>, <rng>
# ---------------------------------------------------------------------------
def test_input_tablet_on_usb_by_default():
    assert _root(devices.Input()).attrib == {'type': 'tablet', 'bus': 'usb'}
    assert _root(devices.Input('keyboard', 'virtio')).attrib == {
        'type': 'keyboard', 'bus': 'virtio'}
    with pytest.raises(ValueError):
        devices.Input('joystick').to_xml_string()
    with pytest.raises(ValueError):
        devices.Input(bus='serial').to_xml_string()


def test_video_model():
    root = _root(devices.Video())
    assert root.find('model').attrib == {'type': 'virtio'}
    root = _root(devices.Video(model='vga', vram=16384, heads=1))
    assert root.find('model').attrib == {'type': 'vga', 'vram': '16384',
                                         'heads': '1'}
    with pytest.raises(ValueError, match='video model'):
        devices.Video(model='voodoo').to_xml_string()


def test_memballoon_with_stats_period():
    root = _root(devices.MemBalloon(stats_period=10))
    assert root.get('model') == 'virtio'
    assert root.find('stats').get('period') == '10'
    root = _root(devices.MemBalloon(model='none', stats_period=10))
    assert root.get('model') == 'none'
    assert root.find('stats') is None


def test_rng_reads_dev_urandom_by_default():
    root = _root(devices.RNG())
    assert root.get('model') == 'virtio'
    backend = root.find('backend')
    assert (backend.get('model'), backend.text) == ('random', '/dev/urandom')
    assert root.find('rate') is None


def test_rng_rate_limit():
    root = _root(devices.RNG(rate_bytes=1024, rate_period=2000))
    assert root.find('rate').attrib == {'bytes': '1024', 'period': '2000'}
    with pytest.raises(ValueError, match='byte count'):
        devices.RNG(rate_period=2000).to_xml_string()
    with pytest.raises(ValueError, match='rng backend'):
        devices.RNG(backend_path='/tmp/entropy').to_xml_string()


def test_channel_to_a_unix_socket():
    el = devices.Channel(target_name='org.qemu.guest_agent.0').format_dom()
    assert (el.tag, el.get('type')) == ('channel', 'unix')
    assert el.find('source') is None
    assert el.find('target').attrib == {'type': 'virtio',
                                        'name': 'org.qemu.guest_agent.0'}
    el = devices.Channel(target_name='x', source_path='/run/x.sock'
                         ).format_dom()
    assert el.find('source').attrib == {'mode': 'bind',
                                        'path': '/run/x.sock'}
    parsed = devices.Channel.parse_dom(el)
    assert (parsed.target_name, parsed.source_path) == ('x', '/run/x.sock')
    with pytest.raises(ValueError):
        devices.Channel().format_dom()
