"""One libvirt domain, seen as a nova guest.

``Guest`` wraps a ``virDomain`` with the operations the driver needs,
named after what they do to the guest (``launch``, ``shutdown``,
``poweroff``...) and with libvirt's states translated to
nova.states.power_state.
"""

from oslo_log import log as logging

from nova.states import power_state
from nova.virt.libvirt import config

try:
    import libvirt
except ImportError:  # pragma: no cover - libvirt-python is an extra
    libvirt = None

LOG = logging.getLogger(__name__)


def _state_map():
    return {
        libvirt.VIR_DOMAIN_NOSTATE: power_state.NOSTATE,
        libvirt.VIR_DOMAIN_RUNNING: power_state.RUNNING,
        # Blocked on a resource (I/O): still running.
        libvirt.VIR_DOMAIN_BLOCKED: power_state.RUNNING,
        libvirt.VIR_DOMAIN_PAUSED: power_state.PAUSED,
        # Being shut down: libvirt's docs call it a running domain on
        # its way out; nova reports it as shut down, as upstream does.
        libvirt.VIR_DOMAIN_SHUTDOWN: power_state.SHUTDOWN,
        libvirt.VIR_DOMAIN_SHUTOFF: power_state.SHUTDOWN,
        libvirt.VIR_DOMAIN_CRASHED: power_state.CRASHED,
        libvirt.VIR_DOMAIN_PMSUSPENDED: power_state.SUSPENDED,
    }


def to_power_state(dom_state, has_managed_save=False):
    """The nova power state of a virDomainState; a shut-off domain with
    a managed save image is SUSPENDED (it resumes where it stopped)."""
    if dom_state == libvirt.VIR_DOMAIN_SHUTOFF and has_managed_save:
        return power_state.SUSPENDED
    return _state_map().get(dom_state, power_state.NOSTATE)


def _error_code(exc):
    return exc.get_error_code() if isinstance(exc, libvirt.libvirtError) \
        else None


class Guest(object):
    """A libvirt domain; ``domain`` is the virDomain."""

    def __init__(self, domain):
        self.domain = domain

    def __repr__(self):
        return '<Guest %s>' % self.name

    @property
    def uuid(self):
        return self.domain.UUIDString()

    @property
    def name(self):
        return self.domain.name()

    @property
    def id(self):
        """libvirt's id of a running domain, -1 when it is not running."""
        return self.domain.ID()

    def is_active(self):
        return bool(self.domain.isActive())

    def state(self):
        """libvirt's (state, reason) of the domain."""
        return tuple(self.domain.state())

    def power_state(self):
        state = self.domain.state()[0]
        managed = (state == libvirt.VIR_DOMAIN_SHUTOFF and
                   self.has_managed_save())
        return to_power_state(state, managed)

    def info(self):
        """dict: state (libvirt's), max_memory_kib, memory_kib, vcpus,
        cpu_time_ns."""
        state, max_mem, mem, vcpus, cpu_time = self.domain.info()
        return {'state': state, 'max_memory_kib': max_mem,
                'memory_kib': mem, 'vcpus': vcpus, 'cpu_time_ns': cpu_time}

    # ------------------------------------------------------------------
    # Definition
    # ------------------------------------------------------------------
    def xml(self, secure=False, inactive=False):
        """The domain XML: the live one when running, else the persistent
        one (``inactive`` asks for the persistent one always; ``secure``
        includes passwords)."""
        flags = 0
        if secure:
            flags |= libvirt.VIR_DOMAIN_XML_SECURE
        if inactive:
            flags |= libvirt.VIR_DOMAIN_XML_INACTIVE
        return self.domain.XMLDesc(flags)

    def parsed(self, inactive=False):
        """The domain XML as a config.ParsedDomain."""
        return config.parse_domain(self.xml(inactive=inactive))

    def undefine(self):
        """Remove the persistent definition, with its managed save image
        and NVRAM; a running domain becomes transient (and disappears
        when it stops)."""
        flags = libvirt.VIR_DOMAIN_UNDEFINE_MANAGED_SAVE
        try:
            self.domain.undefineFlags(
                flags | libvirt.VIR_DOMAIN_UNDEFINE_NVRAM)
            return
        except libvirt.libvirtError as exc:
            if _error_code(exc) not in (libvirt.VIR_ERR_NO_SUPPORT,
                                        libvirt.VIR_ERR_INVALID_ARG):
                raise
        # A driver without NVRAM support (the test driver) refuses the
        # flag; no NVRAM to remove then.
        self.domain.undefineFlags(flags)

    # ------------------------------------------------------------------
    # Power
    # ------------------------------------------------------------------
    def launch(self, paused=False):
        """Start the defined domain (from its managed save image when it
        has one)."""
        flags = libvirt.VIR_DOMAIN_START_PAUSED if paused else 0
        self.domain.createWithFlags(flags)

    def poweroff(self):
        """Stop the domain at once (pulls the plug); a domain that is not
        running is left alone."""
        try:
            self.domain.destroy()
        except libvirt.libvirtError as exc:
            if _error_code(exc) == libvirt.VIR_ERR_OPERATION_INVALID and \
                    not self.is_active():
                return
            raise

    def shutdown(self):
        """Ask the guest OS to shut down (ACPI power button)."""
        self.domain.shutdown()

    def reset(self):
        """Reset the virtual machine, like its reset button."""
        self.domain.reset()

    def pause(self):
        self.domain.suspend()

    def resume(self):
        self.domain.resume()

    def managed_save(self):
        """Save the guest's memory to libvirt's managed save image and
        stop it; launch() restores it."""
        self.domain.managedSave(0)

    def has_managed_save(self):
        return bool(self.domain.hasManagedSaveImage(0))

    def remove_managed_save(self):
        if self.has_managed_save():
            self.domain.managedSaveRemove(0)

    def inject_nmi(self):
        self.domain.injectNMI(0)

    def set_user_password(self, user, password):
        """Set the password of ``user`` in the guest OS, through the QEMU
        guest agent."""
        self.domain.setUserPassword(user, password, 0)

    # ------------------------------------------------------------------
    # Devices
    # ------------------------------------------------------------------
    def _device_flags(self):
        """Change the persistent definition, and the running guest too
        when it runs."""
        flags = libvirt.VIR_DOMAIN_AFFECT_CONFIG
        if self.is_active():
            flags |= libvirt.VIR_DOMAIN_AFFECT_LIVE
        return flags

    def attach_device(self, device_xml):
        """Hot-plug a device (running guest and definition)."""
        self.domain.attachDeviceFlags(device_xml, self._device_flags())

    def detach_device(self, device_xml):
        """Ask to remove a device (running guest and definition); the
        running guest lets go of it when its OS has acknowledged, after
        this returns."""
        self.domain.detachDeviceFlags(device_xml, self._device_flags())

    # ------------------------------------------------------------------
    # Statistics
    # ------------------------------------------------------------------
    def job_info(self):
        """dict of the running job's statistics (migration progress):
        type, and when libvirt gives them memory_total,
        memory_processed, memory_remaining, disk_total, disk_processed,
        disk_remaining, time_elapsed (ms)."""
        try:
            stats = self.domain.jobStats()
        except libvirt.libvirtError as exc:
            if _error_code(exc) != libvirt.VIR_ERR_NO_SUPPORT:
                raise
            try:
                info = self.domain.jobInfo()
            except libvirt.libvirtError as exc2:
                if _error_code(exc2) != libvirt.VIR_ERR_NO_SUPPORT:
                    raise
                # No job statistics from this driver at all.
                return {'type': libvirt.VIR_DOMAIN_JOB_NONE}
            (job_type, time_elapsed, _remaining, _dt, _dp, _dr, mem_total,
             mem_processed, mem_remaining, disk_total, disk_processed,
             disk_remaining) = info
            stats = {'type': job_type, 'time_elapsed': time_elapsed,
                     'memory_total': mem_total,
                     'memory_processed': mem_processed,
                     'memory_remaining': mem_remaining,
                     'disk_total': disk_total,
                     'disk_processed': disk_processed,
                     'disk_remaining': disk_remaining}
        result = {'type': stats.get('type', libvirt.VIR_DOMAIN_JOB_NONE)}
        for key in ('time_elapsed', 'memory_total', 'memory_processed',
                    'memory_remaining', 'disk_total', 'disk_processed',
                    'disk_remaining', 'data_total', 'data_processed',
                    'data_remaining'):
            if key in stats:
                result[key] = stats[key]
        return result

    def vcpu_times(self):
        """CPU time (ns) per vCPU of a running guest, in vCPU order."""
        try:
            return [v[2] for v in self.domain.vcpus()[0]]
        except libvirt.libvirtError:
            return []

    def memory_stats(self):
        try:
            return dict(self.domain.memoryStats())
        except libvirt.libvirtError:
            return {}

    def block_stats(self, dev):
        """(read_requests, read_bytes, write_requests, write_bytes,
        errors) of disk ``dev``, or None."""
        try:
            return tuple(self.domain.blockStats(dev))
        except libvirt.libvirtError:
            return None

    def interface_stats(self, dev):
        """(rx_bytes, rx_packets, rx_errs, rx_drop, tx_bytes, tx_packets,
        tx_errs, tx_drop) of interface ``dev``, or None."""
        try:
            return tuple(self.domain.interfaceStats(dev))
        except libvirt.libvirtError:
            return None
