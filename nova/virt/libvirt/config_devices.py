"""Typed libvirt ``<devices>`` children of a domain: one class per element.

As with nova.virt.libvirt.config, ``format_dom()`` checks the values and
builds the element; ``parse_dom()`` (on the devices the driver reads back:
disks, interfaces, graphics, serial ports and consoles) takes whatever
libvirt reports without judging it.
"""

import dataclasses
import re
from typing import ClassVar, Optional
import xml.etree.ElementTree as ET

from nova.virt.libvirt.xmlutil import ConfigObject
from nova.virt.libvirt.xmlutil import check_choice
from nova.virt.libvirt.xmlutil import child_attr
from nova.virt.libvirt.xmlutil import int_or_none
from nova.virt.libvirt.xmlutil import is_yes
from nova.virt.libvirt.xmlutil import sub
from nova.virt.libvirt.xmlutil import yes_no

DISK_DEVICES = ('disk', 'cdrom')
DISK_SOURCE_TYPES = ('file', 'block')
DISK_FORMATS = ('qcow2', 'raw')
DISK_BUSES = ('virtio', 'scsi', 'sata', 'ide', 'usb')
DISK_CACHE_MODES = ('none', 'writethrough', 'writeback', 'directsync',
                    'unsafe', 'default')
INTERFACE_TYPES = ('network', 'bridge', 'user', 'ethernet')
GRAPHICS_TYPES = ('vnc', 'spice')
VNC_PASSWORD_MAX = 8    # libvirt refuses longer VNC passwords
CHAR_SOURCE_TYPES = ('pty', 'file')
INPUT_TYPES = ('tablet', 'mouse', 'keyboard')
INPUT_BUSES = ('usb', 'ps2', 'virtio')
VIDEO_MODELS = ('virtio', 'vga', 'cirrus', 'qxl', 'bochs', 'none')
BALLOON_MODELS = ('virtio', 'none')
RNG_BACKENDS = ('/dev/urandom', '/dev/random', '/dev/hwrng')

_MAC_RE = re.compile(r'^[0-9a-f]{2}(:[0-9a-f]{2}){5}$', re.IGNORECASE)


class Device(ConfigObject):
    """A child of a domain's ``<devices>``."""

    root_name: ClassVar[str] = ''


@dataclasses.dataclass
class Disk(Device):
    """``<disk>``: an image file (or block device) as a disk or cdrom.

    A cdrom is always read-only; ``source_path`` None leaves a cdrom
    empty. ``boot_order`` gives a per-device boot order, instead of
    ``OS.boot_devs``.
    """

    root_name: ClassVar[str] = 'disk'

    target_dev: str
    source_path: Optional[str] = None
    device: str = 'disk'
    source_type: str = 'file'
    driver_name: str = 'qemu'
    driver_type: str = 'qcow2'
    driver_cache: Optional[str] = None
    target_bus: str = 'virtio'
    readonly: bool = False
    serial: Optional[str] = None
    boot_order: Optional[int] = None

    def __post_init__(self):
        if self.device == 'cdrom':
            self.readonly = True

    def format_dom(self):
        check_choice('disk device', self.device, DISK_DEVICES)
        check_choice('disk source type', self.source_type, DISK_SOURCE_TYPES)
        check_choice('disk format', self.driver_type, DISK_FORMATS)
        check_choice('disk cache mode', self.driver_cache, DISK_CACHE_MODES,
                     optional=True)
        check_choice('disk bus', self.target_bus, DISK_BUSES)
        if not self.target_dev:
            raise ValueError('a disk needs a target device name')
        if self.device == 'disk' and not self.source_path:
            raise ValueError('disk %s has no source' % self.target_dev)
        root = ET.Element('disk', type=self.source_type, device=self.device)
        sub(root, 'driver', name=self.driver_name, type=self.driver_type,
            cache=self.driver_cache)
        if self.source_path:
            key = 'file' if self.source_type == 'file' else 'dev'
            sub(root, 'source', **{key: self.source_path})
        sub(root, 'target', dev=self.target_dev, bus=self.target_bus)
        if self.readonly:
            sub(root, 'readonly')
        if self.serial:
            sub(root, 'serial', self.serial)
        if self.boot_order is not None:
            sub(root, 'boot', order=self.boot_order)
        return root

    @classmethod
    def parse_dom(cls, el):
        source = el.find('source')
        path = None
        if source is not None:
            path = source.get('file') or source.get('dev')
        driver = el.find('driver')
        return cls(
            target_dev=child_attr(el, 'target', 'dev'),
            source_path=path,
            device=el.get('device', 'disk'),
            source_type=el.get('type', 'file'),
            driver_name=driver.get('name') if driver is not None else None,
            driver_type=driver.get('type') if driver is not None else None,
            driver_cache=driver.get('cache') if driver is not None else None,
            target_bus=child_attr(el, 'target', 'bus'),
            readonly=el.find('readonly') is not None,
            serial=el.findtext('serial'),
            boot_order=int_or_none(child_attr(el, 'boot', 'order')))


@dataclasses.dataclass
class Interface(Device):
    """``<interface>``: a NIC.

    ``net_type`` network plugs into the libvirt network named ``source``,
    bridge into the host bridge named ``source``, ethernet into a tap
    device (``target_dev``) that something else wires up, user into
    QEMU's own user-mode network (no host set-up, slow, fine for tests).
    ``target_managed`` False (``<target managed='no'/>``) says the tap
    already exists and is not libvirt's to create or remove (VIFs that
    os-vif plugged, see nova.virt.libvirt.vif).
    """

    root_name: ClassVar[str] = 'interface'

    net_type: str = 'network'
    mac_address: Optional[str] = None
    source: Optional[str] = None
    model: Optional[str] = 'virtio'
    target_dev: Optional[str] = None
    mtu: Optional[int] = None
    target_managed: Optional[bool] = None

    def format_dom(self):
        check_choice('interface type', self.net_type, INTERFACE_TYPES)
        if self.net_type in ('network', 'bridge') and not self.source:
            raise ValueError('a %s interface needs a source' % self.net_type)
        if self.net_type in ('user', 'ethernet') and self.source:
            raise ValueError('a %s interface takes no source'
                             % self.net_type)
        if self.mac_address and not _MAC_RE.match(self.mac_address):
            raise ValueError('bad MAC address %r' % self.mac_address)
        root = ET.Element('interface', type=self.net_type)
        if self.mac_address:
            sub(root, 'mac', address=self.mac_address)
        if self.source:
            sub(root, 'source', **{self.net_type: self.source})
        if self.target_managed is not None and not self.target_dev:
            raise ValueError('target managed needs a target dev')
        if self.target_dev:
            target = sub(root, 'target', dev=self.target_dev)
            if self.target_managed is not None:
                target.set('managed', yes_no(self.target_managed))
        if self.model:
            sub(root, 'model', type=self.model)
        if self.mtu:
            sub(root, 'mtu', size=self.mtu)
        return root

    @classmethod
    def parse_dom(cls, el):
        net_type = el.get('type')
        source = None
        if net_type in ('network', 'bridge'):
            source = child_attr(el, 'source', net_type)
        return cls(
            net_type=net_type,
            mac_address=child_attr(el, 'mac', 'address'),
            source=source,
            model=child_attr(el, 'model', 'type'),
            target_dev=child_attr(el, 'target', 'dev'),
            mtu=int_or_none(child_attr(el, 'mtu', 'size')),
            target_managed=is_yes(child_attr(el, 'target', 'managed'), None))


@dataclasses.dataclass
class Graphics(Device):
    """``<graphics>``: the guest's VNC (or SPICE) display.

    With ``autoport`` libvirt picks a free port from 5900 up when the guest
    starts (``port`` -1 until then); the live XML then shows the port.
    """

    root_name: ClassVar[str] = 'graphics'

    graphics_type: str = 'vnc'
    listen: Optional[str] = None
    port: int = -1
    autoport: bool = True
    password: Optional[str] = None
    keymap: Optional[str] = None

    def format_dom(self):
        check_choice('graphics type', self.graphics_type, GRAPHICS_TYPES)
        if not self.autoport and (self.port is None or self.port <= 0):
            raise ValueError('graphics without autoport need a port')
        if (self.graphics_type == 'vnc' and self.password and
                len(self.password) > VNC_PASSWORD_MAX):
            raise ValueError('a VNC password has at most %d characters'
                             % VNC_PASSWORD_MAX)
        root = ET.Element('graphics', type=self.graphics_type)
        root.set('port', str(self.port if self.port is not None else -1))
        root.set('autoport', yes_no(self.autoport))
        if self.listen:
            root.set('listen', self.listen)
        if self.password:
            root.set('passwd', self.password)
        if self.keymap:
            root.set('keymap', self.keymap)
        if self.listen:
            sub(root, 'listen', type='address', address=self.listen)
        return root

    @classmethod
    def parse_dom(cls, el):
        listen = el.get('listen') or child_attr(
            el, "listen[@type='address']", 'address')
        port = int_or_none(el.get('port'))
        return cls(
            graphics_type=el.get('type'), listen=listen,
            port=port if port is not None else -1,
            autoport=is_yes(el.get('autoport')),
            password=el.get('passwd'), keymap=el.get('keymap'))


@dataclasses.dataclass
class _CharDevice(Device):
    """What serial ports and consoles share.

    ``source_type`` pty gives the guest a pseudo-terminal on the host
    (``source_path`` is the /dev/pts path libvirt reports), file writes the
    guest's output to ``source_path``. Either can also copy the output to
    ``log_path`` (libvirt's <log>), which is how a pty console keeps a log
    for os-getConsoleOutput.
    """

    source_type: str = 'pty'
    source_path: Optional[str] = None
    log_path: Optional[str] = None
    log_append: bool = False
    target_port: Optional[int] = 0
    target_type: Optional[str] = None

    def format_dom(self):
        check_choice('%s type' % self.root_name, self.source_type,
                     CHAR_SOURCE_TYPES)
        if self.source_type == 'file' and not self.source_path:
            raise ValueError('a file %s needs a path' % self.root_name)
        root = ET.Element(self.root_name, type=self.source_type)
        if self.source_path:
            sub(root, 'source', path=self.source_path)
        if self.log_path:
            sub(root, 'log', file=self.log_path,
                append='on' if self.log_append else 'off')
        sub(root, 'target', type=self.target_type, port=self.target_port)
        return root

    @classmethod
    def parse_dom(cls, el):
        log = el.find('log')
        return cls(
            source_type=el.get('type'),
            source_path=child_attr(el, 'source', 'path'),
            log_path=log.get('file') if log is not None else None,
            log_append=log is not None and is_yes(log.get('append')),
            target_port=int_or_none(child_attr(el, 'target', 'port')),
            target_type=child_attr(el, 'target', 'type'))


@dataclasses.dataclass
class Serial(_CharDevice):
    """``<serial>``: a serial port (ttyS0 in a Linux guest)."""

    root_name: ClassVar[str] = 'serial'


@dataclasses.dataclass
class Console(_CharDevice):
    """``<console>``: the guest's console, by default on serial port 0."""

    root_name: ClassVar[str] = 'console'

    target_type: Optional[str] = 'serial'


@dataclasses.dataclass
class Channel(Device):
    """``<channel>``: a virtio-serial port the guest opens by
    ``target_name`` (the QEMU guest agent's is org.qemu.guest_agent.0),
    backed by a unix socket on the host, at ``source_path`` or where
    libvirt chooses."""

    root_name: ClassVar[str] = 'channel'

    target_name: str = ''
    source_path: Optional[str] = None

    def format_dom(self):
        if not self.target_name:
            raise ValueError('a channel needs a target name')
        root = ET.Element('channel', type='unix')
        if self.source_path:
            sub(root, 'source', mode='bind', path=self.source_path)
        sub(root, 'target', type='virtio', name=self.target_name)
        return root

    @classmethod
    def parse_dom(cls, el):
        return cls(target_name=child_attr(el, 'target', 'name'),
                   source_path=child_attr(el, 'source', 'path'))


@dataclasses.dataclass
class Input(Device):
    """``<input>``: a tablet (absolute pointer, so the VNC cursor follows
    the mouse), mouse or keyboard."""

    root_name: ClassVar[str] = 'input'

    input_type: str = 'tablet'
    bus: str = 'usb'

    def format_dom(self):
        check_choice('input type', self.input_type, INPUT_TYPES)
        check_choice('input bus', self.bus, INPUT_BUSES)
        return ET.Element('input', type=self.input_type, bus=self.bus)


@dataclasses.dataclass
class Video(Device):
    """``<video>``: the display adapter; ``vram`` in KiB."""

    root_name: ClassVar[str] = 'video'

    model: str = 'virtio'
    vram: Optional[int] = None
    heads: Optional[int] = None

    def format_dom(self):
        check_choice('video model', self.model, VIDEO_MODELS)
        root = ET.Element('video')
        sub(root, 'model', type=self.model, vram=self.vram, heads=self.heads)
        return root


@dataclasses.dataclass
class MemBalloon(Device):
    """``<memballoon>``: the balloon device; ``stats_period`` (seconds)
    makes the guest report its memory use."""

    root_name: ClassVar[str] = 'memballoon'

    model: str = 'virtio'
    stats_period: Optional[int] = None

    def format_dom(self):
        check_choice('memballoon model', self.model, BALLOON_MODELS)
        root = ET.Element('memballoon', model=self.model)
        if self.stats_period and self.model != 'none':
            sub(root, 'stats', period=self.stats_period)
        return root


@dataclasses.dataclass
class RNG(Device):
    """``<rng>``: a virtio entropy source fed from a host device, limited
    to ``rate_bytes`` per ``rate_period`` milliseconds when set."""

    root_name: ClassVar[str] = 'rng'

    backend_path: str = '/dev/urandom'
    model: str = 'virtio'
    rate_bytes: Optional[int] = None
    rate_period: Optional[int] = None

    def format_dom(self):
        check_choice('rng model', self.model, ('virtio',))
        check_choice('rng backend', self.backend_path, RNG_BACKENDS)
        if self.rate_period and not self.rate_bytes:
            raise ValueError('an rng rate period needs a byte count')
        root = ET.Element('rng', model=self.model)
        if self.rate_bytes:
            sub(root, 'rate', bytes=self.rate_bytes, period=self.rate_period)
        sub(root, 'backend', self.backend_path, model='random')
        return root
