"""Typed libvirt domain XML: one small class per element.

The driver describes a guest with these classes and hands libvirt the
document that ``Domain.to_xml_string()`` produces. Each class knows its own
element only: ``format_dom()`` returns an ``xml.etree.ElementTree.Element``
and checks the values first (a ValueError names the bad one), so a driver
bug shows up before libvirt sees the XML. Policy (which bus, which cache
mode, kvm or qemu) belongs to the driver, not here.

Reading goes the other way and is lenient: ``parse_domain()`` takes the XML
libvirt reports for a guest (with the aliases, addresses and live port
numbers libvirt adds) and returns the pieces the driver needs back: the
disks and their paths, the VNC listen address and port, the serial log.
Values the classes would refuse to write are kept as found, never raised
on, so reading any guest on the host is safe.

Devices live in nova.virt.libvirt.config_devices; host capabilities in
nova.virt.libvirt.host_config.
"""

import dataclasses
from typing import List, Optional
import xml.etree.ElementTree as ET

from nova.virt.libvirt import config_devices
from nova.virt.libvirt.xmlutil import ConfigObject
from nova.virt.libvirt.xmlutil import check_choice
from nova.virt.libvirt.xmlutil import child_attr
from nova.virt.libvirt.xmlutil import element
from nova.virt.libvirt.xmlutil import int_or_none
from nova.virt.libvirt.xmlutil import parse_memory_kib
from nova.virt.libvirt.xmlutil import sub
from nova.virt.libvirt.xmlutil import yes_no

# Nova's own element of a guest's <metadata>, so that operators and tools
# (virsh dumpxml, telemetry agents) can tell which instance a guest is.
NOVA_NS = 'http://openstack.org/xmlns/libvirt/nova/1.1'
NOVA_PREFIX = 'nova'
ET.register_namespace(NOVA_PREFIX, NOVA_NS)

DOMAIN_TYPES = ('kvm', 'qemu')
CPU_MODES = ('host-passthrough', 'host-model', 'custom')
CPU_FEATURE_POLICIES = ('force', 'require', 'optional', 'disable', 'forbid')
BOOT_DEVICES = ('hd', 'cdrom', 'network', 'fd')
CLOCK_OFFSETS = ('utc', 'localtime')
TIMER_NAMES = ('rtc', 'pit', 'hpet', 'kvmclock', 'tsc', 'hypervclock')
TIMER_TICK_POLICIES = ('delay', 'catchup', 'merge', 'discard')
LIFECYCLE_ACTIONS = ('destroy', 'restart', 'preserve', 'rename-restart')
CRASH_ACTIONS = LIFECYCLE_ACTIONS + ('coredump-destroy', 'coredump-restart')


def _nova(tag):
    return '{%s}%s' % (NOVA_NS, tag)


# --------------------------------------------------------------------------
# <metadata><nova:instance>
# --------------------------------------------------------------------------
@dataclasses.dataclass
class NovaFlavor:
    """The flavor the guest was built from (sizes in MiB and GiB)."""

    name: str
    memory_mb: int
    disk_gb: int
    vcpus: int
    swap_mb: int = 0
    ephemeral_gb: int = 0


@dataclasses.dataclass
class NovaOwner:
    """Who the guest belongs to: user and project, ids and names."""

    user_id: str
    project_id: str
    user_name: Optional[str] = None
    project_name: Optional[str] = None


@dataclasses.dataclass
class NovaInstanceMetadata(ConfigObject):
    """``<nova:instance>``: the instance behind the guest, in NOVA_NS."""

    name: str
    flavor: Optional[NovaFlavor] = None
    owner: Optional[NovaOwner] = None
    creation_time: Optional[str] = None   # 'YYYY-MM-DD HH:MM:SS', UTC
    root_image_id: Optional[str] = None
    package_version: Optional[str] = None

    def format_dom(self):
        root = ET.Element(_nova('instance'))
        if self.package_version:
            sub(root, _nova('package'), version=self.package_version)
        sub(root, _nova('name'), self.name)
        if self.creation_time:
            sub(root, _nova('creationTime'), self.creation_time)
        if self.flavor is not None:
            f = self.flavor
            el = sub(root, _nova('flavor'), name=f.name)
            for tag, value in (('memory', f.memory_mb), ('disk', f.disk_gb),
                               ('swap', f.swap_mb),
                               ('ephemeral', f.ephemeral_gb),
                               ('vcpus', f.vcpus)):
                sub(el, _nova(tag), value)
        if self.owner is not None:
            el = sub(root, _nova('owner'))
            sub(el, _nova('user'), self.owner.user_name or '',
                uuid=self.owner.user_id)
            sub(el, _nova('project'), self.owner.project_name or '',
                uuid=self.owner.project_id)
        if self.root_image_id:
            sub(root, _nova('root'), type='image', uuid=self.root_image_id)
        return root

    @classmethod
    def parse_dom(cls, el):
        flavor = owner = None
        f = el.find(_nova('flavor'))
        if f is not None:
            def num(tag):
                return int_or_none(f.findtext(_nova(tag))) or 0
            flavor = NovaFlavor(
                name=f.get('name'), memory_mb=num('memory'),
                disk_gb=num('disk'), vcpus=num('vcpus'),
                swap_mb=num('swap'), ephemeral_gb=num('ephemeral'))
        o = el.find(_nova('owner'))
        if o is not None:
            owner = NovaOwner(
                user_id=child_attr(o, _nova('user'), 'uuid'),
                project_id=child_attr(o, _nova('project'), 'uuid'),
                user_name=o.findtext(_nova('user')) or None,
                project_name=o.findtext(_nova('project')) or None)
        return cls(
            name=el.findtext(_nova('name')), flavor=flavor, owner=owner,
            creation_time=el.findtext(_nova('creationTime')),
            root_image_id=child_attr(el, _nova('root'), 'uuid'),
            package_version=child_attr(el, _nova('package'), 'version'))


# --------------------------------------------------------------------------
# <sysinfo>, <os>, <features>, <clock>, <cpu>
# --------------------------------------------------------------------------
@dataclasses.dataclass
class Sysinfo(ConfigObject):
    """``<sysinfo type='smbios'>``: what the guest reads from its DMI
    tables (cloud-init recognises an OpenStack guest by them). Only used
    when ``OS.smbios_mode`` is 'sysinfo'."""

    manufacturer: Optional[str] = None
    product: Optional[str] = None
    version: Optional[str] = None
    serial: Optional[str] = None
    uuid: Optional[str] = None
    family: Optional[str] = None

    def format_dom(self):
        root = ET.Element('sysinfo', type='smbios')
        system = sub(root, 'system')
        for name in ('manufacturer', 'product', 'version', 'serial', 'uuid',
                     'family'):
            value = getattr(self, name)
            if value is not None:
                sub(system, 'entry', value, name=name)
        return root


@dataclasses.dataclass
class OS(ConfigObject):
    """``<os>``: firmware type, machine and what to boot.

    With ``kernel`` set the guest boots that kernel directly (with
    ``initrd`` and ``cmdline``) and ``boot_devs`` is not written.
    """

    os_type: str = 'hvm'
    arch: Optional[str] = None
    machine: Optional[str] = None
    boot_devs: List[str] = dataclasses.field(default_factory=lambda: ['hd'])
    kernel: Optional[str] = None
    initrd: Optional[str] = None
    cmdline: Optional[str] = None
    smbios_mode: Optional[str] = None   # 'sysinfo' to use <sysinfo>

    def format_dom(self):
        check_choice('os type', self.os_type, ('hvm',))
        if (self.initrd or self.cmdline) and not self.kernel:
            raise ValueError('initrd and cmdline need a kernel')
        check_choice('smbios mode', self.smbios_mode,
                     ('sysinfo', 'host', 'emulate'), optional=True)
        root = ET.Element('os')
        sub(root, 'type', self.os_type, arch=self.arch, machine=self.machine)
        if self.kernel:
            sub(root, 'kernel', self.kernel)
            if self.initrd:
                sub(root, 'initrd', self.initrd)
            if self.cmdline:
                sub(root, 'cmdline', self.cmdline)
        else:
            for dev in self.boot_devs:
                check_choice('boot device', dev, BOOT_DEVICES)
                sub(root, 'boot', dev=dev)
        if self.smbios_mode:
            sub(root, 'smbios', mode=self.smbios_mode)
        return root

    @classmethod
    def parse_dom(cls, el):
        type_el = el.find('type')
        return cls(
            os_type=type_el.text if type_el is not None else 'hvm',
            arch=type_el.get('arch') if type_el is not None else None,
            machine=type_el.get('machine') if type_el is not None else None,
            boot_devs=[b.get('dev') for b in el.findall('boot')],
            kernel=el.findtext('kernel'), initrd=el.findtext('initrd'),
            cmdline=el.findtext('cmdline'),
            smbios_mode=child_attr(el, 'smbios', 'mode'))


@dataclasses.dataclass
class Features(ConfigObject):
    """``<features>``: ACPI (needed for a clean shutdown on request), APIC
    and PAE."""

    acpi: bool = True
    apic: bool = True
    pae: bool = False

    def format_dom(self):
        root = ET.Element('features')
        for name in ('acpi', 'apic', 'pae'):
            if getattr(self, name):
                sub(root, name)
        return root


@dataclasses.dataclass
class Timer(ConfigObject):
    """``<timer>`` of a clock."""

    name: str
    tickpolicy: Optional[str] = None
    present: Optional[bool] = None

    def format_dom(self):
        check_choice('timer', self.name, TIMER_NAMES)
        check_choice('timer tickpolicy', self.tickpolicy,
                     TIMER_TICK_POLICIES, optional=True)
        return element('timer', name=self.name, tickpolicy=self.tickpolicy,
                       present=(None if self.present is None
                                else yes_no(self.present)))


@dataclasses.dataclass
class Clock(ConfigObject):
    """``<clock>``: the guest's RTC offset and its timers."""

    offset: str = 'utc'
    timers: List[Timer] = dataclasses.field(default_factory=list)

    def format_dom(self):
        check_choice('clock offset', self.offset, CLOCK_OFFSETS)
        root = ET.Element('clock', offset=self.offset)
        for timer in self.timers:
            root.append(timer.format_dom())
        return root


@dataclasses.dataclass
class CPUTopology:
    """Sockets x cores x threads (x dies); the product is the vCPU count."""

    sockets: int = 1
    cores: int = 1
    threads: int = 1
    dies: Optional[int] = None

    @property
    def vcpus(self):
        return self.sockets * (self.dies or 1) * self.cores * self.threads

    @classmethod
    def parse_dom(cls, el):
        return cls(sockets=int_or_none(el.get('sockets')) or 1,
                   cores=int_or_none(el.get('cores')) or 1,
                   threads=int_or_none(el.get('threads')) or 1,
                   dies=int_or_none(el.get('dies')))


@dataclasses.dataclass
class CPUFeature:
    name: str
    policy: str = 'require'


@dataclasses.dataclass
class CPU(ConfigObject):
    """``<cpu>``: the CPU model the guest sees.

    ``mode`` is host-passthrough (the host's CPU as is, KVM only),
    host-model (the closest named model plus the host's extra features),
    custom (``model`` by name, e.g. for a mixed pool of hosts) or None
    (the hypervisor's default, e.g. qemu64 under TCG).
    """

    mode: Optional[str] = None
    model: Optional[str] = None
    match: Optional[str] = None       # custom only: exact|minimum|strict
    topology: Optional[CPUTopology] = None
    features: List[CPUFeature] = dataclasses.field(default_factory=list)

    def format_dom(self):
        check_choice('cpu mode', self.mode, CPU_MODES, optional=True)
        if self.mode == 'custom' and not self.model:
            raise ValueError('cpu mode custom needs a model')
        if self.model and self.mode not in ('custom', None):
            raise ValueError('cpu model %r needs mode custom, not %r'
                             % (self.model, self.mode))
        root = ET.Element('cpu')
        if self.mode:
            root.set('mode', self.mode)
        if self.model:
            root.set('match', self.match or 'exact')
            sub(root, 'model', self.model, fallback='forbid')
        if self.topology is not None:
            t = self.topology
            sub(root, 'topology', sockets=t.sockets, dies=t.dies,
                cores=t.cores, threads=t.threads)
        for feature in self.features:
            check_choice('cpu feature policy', feature.policy,
                         CPU_FEATURE_POLICIES)
            sub(root, 'feature', policy=feature.policy, name=feature.name)
        return root

    @classmethod
    def parse_dom(cls, el):
        t = el.find('topology')
        return cls(
            mode=el.get('mode'), model=el.findtext('model'),
            match=el.get('match'),
            topology=CPUTopology.parse_dom(t) if t is not None else None,
            features=[CPUFeature(f.get('name'), f.get('policy'))
                      for f in el.findall('feature')])


# --------------------------------------------------------------------------
# <domain>
# --------------------------------------------------------------------------
@dataclasses.dataclass
class Domain(ConfigObject):
    """``<domain>``: the whole guest.

    ``virt_type`` is 'kvm' (hardware acceleration) or 'qemu' (TCG, plain
    emulation, for hosts without /dev/kvm). Memory is in KiB.
    """

    virt_type: str
    name: str
    uuid: str
    memory_kib: int
    vcpus: int = 1
    metadata: Optional[NovaInstanceMetadata] = None
    sysinfo: Optional[Sysinfo] = None
    os: OS = dataclasses.field(default_factory=OS)
    features: Optional[Features] = dataclasses.field(
        default_factory=Features)
    cpu: Optional[CPU] = None
    clock: Optional[Clock] = dataclasses.field(default_factory=Clock)
    devices: List[config_devices.Device] = dataclasses.field(
        default_factory=list)
    on_poweroff: str = 'destroy'
    on_reboot: str = 'restart'
    on_crash: str = 'destroy'

    def add_device(self, device):
        self.devices.append(device)
        return device

    def format_dom(self):
        check_choice('domain type', self.virt_type, DOMAIN_TYPES)
        if not self.name or not self.uuid:
            raise ValueError('a domain needs a name and a uuid')
        if int(self.memory_kib) <= 0 or int(self.vcpus) <= 0:
            raise ValueError('a domain needs memory and at least one vcpu')
        if (self.cpu is not None and self.cpu.topology is not None and
                self.cpu.topology.vcpus != self.vcpus):
            raise ValueError('cpu topology gives %d vcpus, the domain has %d'
                             % (self.cpu.topology.vcpus, self.vcpus))
        check_choice('on_poweroff', self.on_poweroff, LIFECYCLE_ACTIONS)
        check_choice('on_reboot', self.on_reboot, LIFECYCLE_ACTIONS)
        check_choice('on_crash', self.on_crash, CRASH_ACTIONS)

        root = ET.Element('domain', type=self.virt_type)
        sub(root, 'name', self.name)
        sub(root, 'uuid', self.uuid)
        if self.metadata is not None:
            sub(root, 'metadata').append(self.metadata.format_dom())
        sub(root, 'memory', int(self.memory_kib), unit='KiB')
        sub(root, 'vcpu', self.vcpus)
        if self.sysinfo is not None:
            root.append(self.sysinfo.format_dom())
        root.append(self.os.format_dom())
        for part in (self.features, self.cpu, self.clock):
            if part is not None:
                root.append(part.format_dom())
        sub(root, 'on_poweroff', self.on_poweroff)
        sub(root, 'on_reboot', self.on_reboot)
        sub(root, 'on_crash', self.on_crash)
        devs = sub(root, 'devices')
        for device in self.devices:
            devs.append(device.format_dom())
        return root


# --------------------------------------------------------------------------
# Reading back what libvirt reports
# --------------------------------------------------------------------------
@dataclasses.dataclass
class ParsedDomain:
    """The parts of a guest's live or persistent XML the driver reads."""

    virt_type: Optional[str]
    name: Optional[str]
    uuid: Optional[str]
    memory_kib: Optional[int]
    vcpus: Optional[int]
    metadata: Optional[NovaInstanceMetadata] = None
    os: Optional[OS] = None
    cpu: Optional[CPU] = None
    disks: List[config_devices.Disk] = dataclasses.field(
        default_factory=list)
    interfaces: List[config_devices.Interface] = dataclasses.field(
        default_factory=list)
    graphics: List[config_devices.Graphics] = dataclasses.field(
        default_factory=list)
    serials: List[config_devices.Serial] = dataclasses.field(
        default_factory=list)
    consoles: List[config_devices.Console] = dataclasses.field(
        default_factory=list)

    @property
    def disk_paths(self):
        """Source paths of every disk and cdrom that has one, in order."""
        return [d.source_path for d in self.disks if d.source_path]

    @property
    def root_disk(self):
        """The first disk that is not a cdrom, or None."""
        return next((d for d in self.disks if d.device == 'disk'), None)

    @property
    def vnc(self):
        """The first VNC ``Graphics`` (listen, port), or None."""
        return next((g for g in self.graphics if g.graphics_type == 'vnc'),
                    None)

    @property
    def serial_log_path(self):
        """Where the guest's serial output is written, or None: the source
        of a file serial port, else the log file of a pty serial port or
        console."""
        for char in self.serials:
            if char.source_type == 'file' and char.source_path:
                return char.source_path
        for char in self.serials + self.consoles:
            if char.log_path:
                return char.log_path
        for char in self.consoles:
            if char.source_type == 'file' and char.source_path:
                return char.source_path
        return None


def parse_domain(xml):
    """A ParsedDomain from a domain XML document (str or bytes)."""
    root = ET.fromstring(xml)
    if root.tag != 'domain':
        raise ValueError('not a domain document: <%s>' % root.tag)
    memory = root.find('memory')
    meta = root.find('metadata/' + _nova('instance'))
    os_el = root.find('os')
    cpu_el = root.find('cpu')
    parsed = ParsedDomain(
        virt_type=root.get('type'), name=root.findtext('name'),
        uuid=root.findtext('uuid'),
        memory_kib=(parse_memory_kib(memory.text, memory.get('unit'))
                    if memory is not None else None),
        vcpus=int_or_none(root.findtext('vcpu')),
        metadata=(NovaInstanceMetadata.parse_dom(meta)
                  if meta is not None else None),
        os=OS.parse_dom(os_el) if os_el is not None else None,
        cpu=CPU.parse_dom(cpu_el) if cpu_el is not None else None)
    devs = root.find('devices')
    if devs is None:
        return parsed
    for cls, into in ((config_devices.Disk, parsed.disks),
                      (config_devices.Interface, parsed.interfaces),
                      (config_devices.Graphics, parsed.graphics),
                      (config_devices.Serial, parsed.serials),
                      (config_devices.Console, parsed.consoles)):
        into.extend(cls.parse_dom(el) for el in devs.findall(cls.root_name))
    return parsed
