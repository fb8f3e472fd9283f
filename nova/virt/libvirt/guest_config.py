"""The libvirt guest of an instance, as a ``config.Domain``.

``build_guest_config()`` turns what nova knows of an instance (its flavor
and extra specs, its image's properties, the files the driver prepared on
the host) into the typed domain description of nova.virt.libvirt.config.
It decides policy: which CPU mode, which disk bus and device names, which
cache mode, how the guest boots, where its console output goes. It does no
I/O and needs no libvirt: the driver chooses and creates the files, then
hands their paths in through ``GuestFiles``, and host configuration comes
in through ``GuestSettings`` (normally ``GuestSettings.from_conf()``).

Errors a user can cause (a flavor topology that does not add up, an image
property naming hardware we do not offer) raise subclasses of
``exception.Invalid`` (HTTP 400); a host misconfiguration raises
``GuestConfigError``.
"""

import dataclasses
import datetime
from typing import Dict, List, Optional

from oslo_utils import strutils

from nova import exception
from nova.virt.libvirt import config
from nova.virt.libvirt import config_devices as devices
from nova.virt.libvirt import vif as libvirt_vif

DEFAULT_ARCH = 'x86_64'
# The kernel command line of a direct kernel boot when the image has no
# os_command_line property; "root=" names the boot disk.
DEFAULT_CMDLINE_FORMAT = 'root=/dev/%s console=ttyS0'
# The virtio-serial port the QEMU guest agent listens on.
GUEST_AGENT_CHANNEL = 'org.qemu.guest_agent.0'

# Device name prefix of each disk bus.
_BUS_PREFIX = {'virtio': 'vd', 'scsi': 'sd', 'sata': 'sd', 'usb': 'sd',
               'ide': 'hd'}
_IDE_MAX_DEVICES = 4
_TOPOLOGY_KEYS = ('sockets', 'cores', 'threads')
_VIF_MODELS = ('virtio', 'e1000', 'e1000e', 'rtl8139', 'ne2k_pci', 'pcnet')


class InvalidCPUTopology(exception.Invalid):
    msg_fmt = 'Invalid CPU topology for %(vcpus)d vCPUs: %(reason)s'


class UnsupportedHardware(exception.Invalid):
    msg_fmt = ('Requested hardware %(prop)s=%(value)r is not supported '
               '(expected one of: %(allowed)s)')


class GuestConfigError(exception.NovaException):
    msg_fmt = 'The libvirt driver is misconfigured: %(reason)s'


@dataclasses.dataclass
class DiskImage:
    """A disk file of the guest on the host and its format."""

    path: str
    disk_format: str = 'qcow2'


@dataclasses.dataclass
class GuestFiles:
    """What the driver prepared on the host for one guest.

    ``rescue`` set means a rescue guest: that disk boots, the instance's
    own root disk is attached second (ephemeral and swap are left out).
    ``kernel`` and ``ramdisk`` are local copies of the image's kernel_id /
    ramdisk_id images for a direct kernel boot. ``console_log`` receives
    the guest's first serial port (what os-getConsoleOutput reads).
    ``config_drive`` is a raw config drive image: an ISO 9660 one is a
    read-only cdrom, a FAT one (``config_drive_format`` 'vfat') a disk.
    """

    root: DiskImage
    ephemeral: Optional[DiskImage] = None
    swap: Optional[DiskImage] = None
    config_drive: Optional[str] = None
    config_drive_format: str = 'iso9660'
    rescue: Optional[DiskImage] = None
    kernel: Optional[str] = None
    ramdisk: Optional[str] = None
    console_log: Optional[str] = None


def _pairs(items, what):
    """A dict from 'key=value' list items (the form of list options)."""
    result = {}
    for item in items or ():
        key, sep, value = item.partition('=')
        if not sep or not key.strip() or not value.strip():
            raise GuestConfigError(reason='%s item %r is not key=value'
                                   % (what, item))
        result[key.strip()] = value.strip()
    return result


@dataclasses.dataclass
class GuestSettings:
    """Host configuration the builder needs; ``from_conf()`` reads it from
    [libvirt] and [vnc]."""

    virt_type: str = 'kvm'
    cpu_mode: Optional[str] = None      # None: per virt_type, see cpu_mode
    cpu_models: List[str] = dataclasses.field(default_factory=list)
    arch: str = DEFAULT_ARCH
    machine_types: Dict[str, str] = dataclasses.field(default_factory=dict)
    disk_cachemodes: Dict[str, str] = dataclasses.field(default_factory=dict)
    default_disk_cache: str = 'none'
    vnc_enabled: bool = True
    vnc_listen: str = '127.0.0.1'
    mem_stats_period: int = 10
    rng_path: str = '/dev/urandom'

    @classmethod
    def from_conf(cls, conf=None, arch=DEFAULT_ARCH, direct_io=True):
        """Settings from configuration; ``direct_io`` says whether the
        instances directory supports O_DIRECT (cache mode none needs it),
        which only the driver can find out."""
        if conf is None:
            from nova import conf as nova_conf
            conf = nova_conf.CONF
        lv = conf.libvirt
        cachemodes = _pairs(lv.disk_cachemodes, 'disk_cachemodes')
        for mode in cachemodes.values():
            if mode not in devices.DISK_CACHE_MODES:
                raise GuestConfigError(reason='unknown disk cache mode %r'
                                       % mode)
        return cls(
            virt_type=lv.virt_type, cpu_mode=lv.cpu_mode,
            cpu_models=list(lv.cpu_models), arch=arch,
            machine_types=_pairs(lv.hw_machine_type, 'hw_machine_type'),
            disk_cachemodes=cachemodes,
            default_disk_cache='none' if direct_io else 'writethrough',
            vnc_enabled=conf.vnc.enabled, vnc_listen=conf.vnc.server_listen,
            mem_stats_period=lv.mem_stats_period_seconds,
            rng_path=lv.rng_dev_path)

    @property
    def effective_cpu_mode(self):
        """The CPU mode guests get: host-model under kvm and the
        hypervisor's default ('none') under TCG unless configured."""
        if self.cpu_mode:
            return self.cpu_mode
        return 'host-model' if self.virt_type == 'kvm' else 'none'


# --------------------------------------------------------------------------
# Reading the inputs
# --------------------------------------------------------------------------
def _attr(obj, name, default=None):
    """obj.name or obj[name]; ``default`` when missing, unset or None."""
    if obj is None:
        return default
    if isinstance(obj, dict):
        value = obj.get(name)
    else:
        try:
            value = getattr(obj, name, None)
        except Exception:   # an unset versioned-object field
            value = None
    return default if value is None else value


def _image_properties(image_meta):
    return dict(_attr(image_meta, 'properties', {}) or {})


def _flavor_value(instance, name):
    """A flavor size: the instance's own copy first, then its flavor's."""
    value = _attr(instance, name)
    if value is None:
        value = _attr(_attr(instance, 'flavor'), name)
    return int(value or 0)


def _extra_specs(instance):
    return dict(_attr(_attr(instance, 'flavor'), 'extra_specs', {}) or {})


def _choice(props, prop, allowed, default):
    value = props.get(prop) or default
    if value not in allowed:
        raise UnsupportedHardware(prop=prop, value=value,
                                  allowed=', '.join(allowed))
    return value


# --------------------------------------------------------------------------
# Pieces of the domain
# --------------------------------------------------------------------------
def cpu_topology(vcpus, extra_specs):
    """Sockets x cores x threads from a flavor's hw:cpu_sockets,
    hw:cpu_cores and hw:cpu_threads extra specs.

    Values left out are filled in so the product is ``vcpus``: the first
    missing of sockets, cores, threads takes what remains, the others get
    1 (with none given, one core per socket). InvalidCPUTopology when a
    value is not a positive integer or the values cannot give ``vcpus``.
    """
    given = {}
    for key in _TOPOLOGY_KEYS:
        raw = extra_specs.get('hw:cpu_' + key)
        if raw is None or str(raw).strip() == '':
            continue
        try:
            value = int(str(raw).strip())
        except ValueError:
            value = 0
        if value <= 0:
            raise InvalidCPUTopology(
                vcpus=vcpus, reason='hw:cpu_%s=%r is not a positive '
                                    'integer' % (key, raw))
        given[key] = value
    product = 1
    for value in given.values():
        product *= value
    missing = [key for key in _TOPOLOGY_KEYS if key not in given]
    if not missing:
        if product != vcpus:
            raise InvalidCPUTopology(
                vcpus=vcpus, reason='%(sockets)d sockets x %(cores)d cores '
                                    'x %(threads)d threads' % given)
    elif vcpus % product:
        raise InvalidCPUTopology(
            vcpus=vcpus, reason='%s do not divide the vCPU count'
            % ', '.join('hw:cpu_%s=%d' % kv for kv in sorted(given.items())))
    values = dict(given)
    for i, key in enumerate(missing):
        values[key] = vcpus // product if i == 0 else 1
    return config.CPUTopology(**values)


def cpu_config(settings, topology):
    mode = settings.effective_cpu_mode
    if mode == 'none':
        return config.CPU(topology=topology)
    if mode == 'host-passthrough' and settings.virt_type != 'kvm':
        raise GuestConfigError(reason='cpu_mode host-passthrough needs '
                                      'virt_type kvm')
    if mode == 'custom':
        if not settings.cpu_models:
            raise GuestConfigError(reason='cpu_mode custom needs '
                                          'cpu_models')
        return config.CPU(mode='custom', model=settings.cpu_models[0],
                          topology=topology)
    if mode not in config.CPU_MODES:
        raise GuestConfigError(reason='unknown cpu_mode %r' % mode)
    return config.CPU(mode=mode, topology=topology)


class _DeviceNames:
    """Hands out target device names (vda, vdb, sda, hda, ...) per bus."""

    def __init__(self):
        self._used = {}

    def next(self, bus):
        prefix = _BUS_PREFIX[bus]
        index = self._used.get(prefix, 0)
        if prefix == 'hd' and index >= _IDE_MAX_DEVICES:
            raise UnsupportedHardware(
                message='the IDE bus holds at most %d devices; this guest '
                        'needs more (use another hw_disk_bus)'
                        % _IDE_MAX_DEVICES)
        self._used[prefix] = index + 1
        return prefix + _disk_letters(index)


def _disk_letters(index):
    """0 -> 'a', 25 -> 'z', 26 -> 'aa', as the Linux disk names go."""
    letters = ''
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(ord('a') + rem) + letters
    return letters


def disk_devices(files, image_props, settings, machine):
    """The guest's disks in boot order: (rescue disk,) root, ephemeral,
    swap, config drive."""
    bus = _choice(image_props, 'hw_disk_bus', devices.DISK_BUSES, 'virtio')
    default_cdrom_bus = 'sata' if machine and 'q35' in machine else 'ide'
    cdrom_bus = _choice(image_props, 'hw_cdrom_bus', ('sata', 'ide', 'scsi',
                                                      'usb'),
                        default_cdrom_bus)
    cache = settings.disk_cachemodes.get('file',
                                         settings.default_disk_cache)
    names = _DeviceNames()

    def disk(image):
        if image.disk_format not in devices.DISK_FORMATS:
            raise UnsupportedHardware(prop='disk_format',
                                      value=image.disk_format,
                                      allowed=', '.join(devices.DISK_FORMATS))
        return devices.Disk(target_dev=names.next(bus),
                            source_path=image.path,
                            driver_type=image.disk_format,
                            driver_cache=cache, target_bus=bus)

    if files.rescue is not None:
        disks = [disk(files.rescue), disk(files.root)]
    else:
        disks = [disk(files.root)]
        for extra in (files.ephemeral, files.swap):
            if extra is not None:
                disks.append(disk(extra))
    if files.config_drive and files.config_drive_format == 'vfat':
        disks.append(devices.Disk(
            target_dev=names.next(bus), source_path=files.config_drive,
            driver_type='raw', driver_cache=cache, target_bus=bus))
    elif files.config_drive:
        disks.append(devices.Disk(
            target_dev=names.next(cdrom_bus), source_path=files.config_drive,
            device='cdrom', driver_type='raw', driver_cache=cache,
            target_bus=cdrom_bus))
    return disks


def machine_type(image_props, settings):
    """The image's hw_machine_type, else the configured one of the host's
    architecture, else None (libvirt's default)."""
    return (image_props.get('hw_machine_type') or
            settings.machine_types.get(settings.arch))


def os_config(files, image_props, settings, root_dev):
    guest_os = config.OS(arch=settings.arch,
                         machine=machine_type(image_props, settings))
    if files.kernel:
        guest_os.kernel = files.kernel
        guest_os.initrd = files.ramdisk
        # Linux names IDE disks sdX too (libata).
        linux_dev = 'sd' + root_dev[2:] if root_dev.startswith('hd') \
            else root_dev
        guest_os.cmdline = (image_props.get('os_command_line') or
                            DEFAULT_CMDLINE_FORMAT % linux_dev)
        guest_os.boot_devs = []
    elif files.ramdisk:
        raise GuestConfigError(reason='a ramdisk without a kernel cannot '
                                      'boot')
    return guest_os


def vif_model_of(image_props):
    """The NIC model of an image's guests (hw_vif_model, virtio)."""
    return _choice(image_props, 'hw_vif_model', _VIF_MODELS, 'virtio')


def serial_devices(files):
    """ttyS0 writes to the console log (read by os-getConsoleOutput) and
    ttyS1 is an interactive pty; without a log, ttyS0 is the pty. libvirt
    adds the <console> that mirrors ttyS0 itself."""
    if not files.console_log:
        return [devices.Serial(source_type='pty', target_port=0)]
    return [devices.Serial(source_type='file', source_path=files.console_log,
                           target_port=0),
            devices.Serial(source_type='pty', target_port=1)]


def has_guest_agent(image_props):
    """Whether the image says its guests run the QEMU guest agent
    (hw_qemu_guest_agent=yes): they get its channel, and their passwords
    can be set through it."""
    return strutils.bool_from_string(image_props.get('hw_qemu_guest_agent'))


def rng_device(settings, extra_specs):
    rate_bytes = extra_specs.get('hw_rng:rate_bytes')
    rate_period = extra_specs.get('hw_rng:rate_period')
    return devices.RNG(backend_path=settings.rng_path,
                       rate_bytes=int(rate_bytes) if rate_bytes else None,
                       rate_period=int(rate_period) if rate_period else None)


def instance_metadata(instance, image_meta, creation_time=None):
    flavor = _attr(instance, 'flavor')
    when = creation_time or datetime.datetime.now(datetime.timezone.utc)
    return config.NovaInstanceMetadata(
        name=_attr(instance, 'display_name', ''),
        flavor=config.NovaFlavor(
            name=_attr(flavor, 'name', ''),
            memory_mb=_flavor_value(instance, 'memory_mb'),
            disk_gb=_flavor_value(instance, 'root_gb'),
            vcpus=_flavor_value(instance, 'vcpus'),
            swap_mb=int(_attr(flavor, 'swap', 0)),
            ephemeral_gb=_flavor_value(instance, 'ephemeral_gb')),
        owner=config.NovaOwner(user_id=_attr(instance, 'user_id', ''),
                               project_id=_attr(instance, 'project_id', '')),
        creation_time=when.strftime('%Y-%m-%d %H:%M:%S'),
        root_image_id=(_attr(image_meta, 'id') or
                       _attr(instance, 'image_ref')))


# --------------------------------------------------------------------------
# The whole guest
# --------------------------------------------------------------------------
def build_guest_config(instance, image_meta, files, settings,
                       network_info=None, creation_time=None):
    """The ``config.Domain`` of ``instance``.

    :param instance: an Instance (or anything with uuid, name,
        display_name, user_id, project_id, vcpus, memory_mb, flavor).
    :param image_meta: the image's ImageMeta or dict; its properties
        choose the disk bus (hw_disk_bus), NIC model (hw_vif_model),
        machine type (hw_machine_type), video model (hw_video_model),
        kernel command line (os_command_line) and whether the guest gets
        the QEMU guest agent's channel (hw_qemu_guest_agent).
    :param files: a GuestFiles with the host paths of disks and boot files.
    :param settings: a GuestSettings.
    :param network_info: VIF dicts (address, type, devname, bridge or
        network.bridge) to plug, in order; see vif.interface_device.
    """
    vcpus = _flavor_value(instance, 'vcpus')
    memory_mb = _flavor_value(instance, 'memory_mb')
    extra_specs = _extra_specs(instance)
    props = _image_properties(image_meta)

    guest = config.Domain(
        virt_type=settings.virt_type, name=_attr(instance, 'name'),
        uuid=_attr(instance, 'uuid'), memory_kib=memory_mb * 1024,
        vcpus=vcpus,
        metadata=instance_metadata(instance, image_meta, creation_time),
        cpu=cpu_config(settings, cpu_topology(vcpus, extra_specs)),
        features=config.Features(acpi=True, apic=True),
        clock=config.Clock(offset='utc', timers=[
            config.Timer('rtc', tickpolicy='catchup'),
            config.Timer('pit', tickpolicy='delay'),
            config.Timer('hpet', present=False)]),
        on_poweroff='destroy', on_reboot='restart', on_crash='destroy')

    disks = disk_devices(files, props, settings,
                         machine_type(props, settings))
    guest.os = os_config(files, props, settings, disks[0].target_dev)
    for disk in disks:
        guest.add_device(disk)

    vif_model = vif_model_of(props)
    for vif in network_info or ():
        guest.add_device(libvirt_vif.interface_device(vif, vif_model))

    for char in serial_devices(files):
        guest.add_device(char)

    if settings.vnc_enabled:
        guest.add_device(devices.Graphics(graphics_type='vnc',
                                          listen=settings.vnc_listen,
                                          autoport=True))
        guest.add_device(devices.Input(input_type='tablet', bus='usb'))
        guest.add_device(devices.Video(model=_choice(
            props, 'hw_video_model', devices.VIDEO_MODELS, 'virtio')))
    if has_guest_agent(props):
        guest.add_device(devices.Channel(target_name=GUEST_AGENT_CHANNEL))
    guest.add_device(rng_device(settings, extra_specs))
    guest.add_device(devices.MemBalloon(
        stats_period=settings.mem_stats_period or None))
    return guest
