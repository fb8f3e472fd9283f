"""The interface between nova-compute and a hypervisor.

Every hypervisor driver subclasses :class:`ComputeDriver`. The compute
manager only ever talks to the hypervisor through these methods, so a driver
is free to keep its guests however it likes.

Methods marked abstract are the core every driver must provide (start,
stop, list and report guests and resources). The others raise
NotImplementedError by default; the compute manager turns that into an
instance fault / a 501-style answer for the action, so a driver only
implements what its hypervisor can do.

Instances handed to a driver are nova.objects.Instance objects, but this
module never imports nova.objects: drivers only read attributes (uuid, node,
host, id, vcpus, memory_mb, root_gb, ephemeral_gb, image_ref,
display_name, flavor), so any object with those attributes will do.
"""

import abc
import importlib

from oslo_log import log as logging

import nova.conf
from nova import exception

CONF = nova.conf.CONF
LOG = logging.getLogger(__name__)

DRIVER_NAMESPACE = 'nova.compute.drivers'

# Reboot types accepted by ComputeDriver.reboot().
REBOOT_SOFT = 'SOFT'
REBOOT_HARD = 'HARD'


class InstanceInfo(object):
    """What a hypervisor reports about one guest.

    :param state: a nova.states.power_state int.
    :param internal_id: the hypervisor's own id of the guest (opaque).
    """

    __slots__ = ('state', 'internal_id')

    def __init__(self, state, internal_id=None):
        self.state = state
        self.internal_id = internal_id

    def __eq__(self, other):
        return (isinstance(other, InstanceInfo) and
                (self.state, self.internal_id) ==
                (other.state, other.internal_id))

    def __repr__(self):
        return 'InstanceInfo(state=%r, internal_id=%r)' % (
            self.state, self.internal_id)


class ComputeDriver(abc.ABC):
    """Base class of all virt drivers.

    :param virtapi: an optional object through which the driver may call
        back into nova-compute (events); drivers must cope with None.
    """

    # What the driver can do beyond the core; the compute API may consult
    # these before accepting an action.
    capabilities = {
        'supports_pause': False,
        'supports_suspend': False,
        'supports_rescue': False,
        'supports_snapshot': False,
        'supports_console_output': False,
        'supports_vnc_console': False,
        'supports_set_admin_password': False,
        'supports_migration': False,
        'supports_live_migration': False,
    }

    # Set by register_event_listener(); see emit_event().
    _event_listener = None

    def __init__(self, virtapi=None):
        self.virtapi = virtapi

    # ----------------------------------------------------------------------
    # Guest lifecycle events
    # ----------------------------------------------------------------------
    def register_event_listener(self, callback):
        """Have ``callback(instance_uuid, power_state)`` called when a
        guest's power state changes by itself or through the hypervisor
        (shut down from inside, crashed, paused by the hypervisor).

        Drivers whose hypervisor sends events call emit_event(), from any
        thread; the others never call it and nova-compute relies on its
        periodic power-state sync. None removes the listener.
        """
        self._event_listener = callback

    def emit_event(self, instance_uuid, state):
        """Hand one event to the registered listener (if any); errors of
        the listener are logged, never raised into the driver."""
        listener = self._event_listener
        if listener is None:
            return
        try:
            listener(instance_uuid, state)
        except Exception:
            LOG.exception('Lifecycle event listener failed for %s',
                          instance_uuid)

    # ----------------------------------------------------------------------
    # Host life cycle
    # ----------------------------------------------------------------------
    @abc.abstractmethod
    def init_host(self, host):
        """Prepare the driver to serve compute host ``host``.

        Called once when nova-compute starts, before any other call except
        the constructor; a driver connects to its hypervisor here and
        loads what it needs to answer the listing calls below.
        """

    def cleanup_host(self, host):
        """Release what init_host() took; called when nova-compute stops."""

    def node_identity_dir(self):
        """Directory of this host's own state, where the uuids of its
        nodes are kept across restarts (nova.virt.node_identity)."""
        return CONF.state_path

    # ----------------------------------------------------------------------
    # Nodes and resources
    # ----------------------------------------------------------------------
    @abc.abstractmethod
    def get_available_nodes(self, refresh=False):
        """Names of the compute nodes this host exposes (list of str).

        Most drivers expose one node named after the host; some (the fake
        driver, bare metal) expose many. ``refresh`` asks the driver to
        rebuild a cached list.
        """

    def get_host_names(self, refresh=False):
        """Same as get_available_nodes()."""
        return self.get_available_nodes(refresh=refresh)

    def node_is_available(self, nodename):
        """Whether ``nodename`` is one of this host's nodes."""
        return nodename in self.get_available_nodes()

    @abc.abstractmethod
    def get_available_resource(self, nodename):
        """Capacity and usage of one node, as a dict.

        Keys: vcpus, memory_mb, local_gb (capacity); vcpus_used,
        memory_mb_used, local_gb_used (what guests on the node use);
        hypervisor_type (str), hypervisor_version (int),
        hypervisor_hostname (the node name), cpu_info (JSON string),
        disk_available_least (GiB of disk still free, may be negative when
        overcommitted). Drivers may add running_vms.
        """

    def get_inventory(self, nodename, allocation_ratios=None, reserved=None):
        """Placement inventories of one node, derived from its resources.

        :param allocation_ratios: dict resource class -> ratio (defaults 1.0)
        :param reserved: dict resource class -> reserved amount (defaults 0)
        :returns: {'VCPU': {...}, 'MEMORY_MB': {...}, 'DISK_GB': {...}},
            each with total, reserved, min_unit, max_unit, step_size and
            allocation_ratio.
        """
        res = self.get_available_resource(nodename)
        ratios = allocation_ratios or {}
        reserved = reserved or {}
        inventory = {}
        for rc, key in (('VCPU', 'vcpus'), ('MEMORY_MB', 'memory_mb'),
                        ('DISK_GB', 'local_gb')):
            total = int(res[key])
            if total <= 0:
                continue
            inventory[rc] = {
                'total': total,
                'reserved': int(reserved.get(rc, 0)),
                'min_unit': 1,
                'max_unit': total,
                'step_size': 1,
                'allocation_ratio': float(ratios.get(rc, 1.0)),
            }
        return inventory

    def get_traits(self, nodename):
        """Placement traits of one node: standard ones (os-traits names,
        e.g. HW_CPU_X86_AVX2) and CUSTOM_* ones. Every compute node
        carries COMPUTE_NODE."""
        return ['COMPUTE_NODE']

    # ----------------------------------------------------------------------
    # Guest listing
    # ----------------------------------------------------------------------
    @abc.abstractmethod
    def list_instances(self):
        """Hypervisor names of every guest on this host (list of str)."""

    @abc.abstractmethod
    def list_instance_uuids(self):
        """Instance uuids of every guest on this host (list of str)."""

    def instance_exists(self, instance):
        """Whether the hypervisor has a guest for ``instance``."""
        try:
            self.get_info(instance)
        except exception.InstanceNotFoundOnHypervisor:
            return False
        return True

    def get_num_instances(self):
        """How many guests this host runs."""
        return len(self.list_instance_uuids())

    @abc.abstractmethod
    def get_info(self, instance):
        """An InstanceInfo for the guest of ``instance``.

        Raises InstanceNotFoundOnHypervisor when there is no such guest.
        """

    # ----------------------------------------------------------------------
    # Core guest life cycle
    # ----------------------------------------------------------------------
    @abc.abstractmethod
    def spawn(self, context, instance, image_meta, injected_files,
              admin_password, allocations, network_info=None,
              block_device_info=None):
        """Create and start the guest of ``instance`` on ``instance.node``.

        :param image_meta: the image's metadata (ImageMeta or dict).
        :param injected_files: list of (path, contents as bytes, decoded)
            to put in the guest (the personality of the request).
        :param admin_password: password to set in the guest, or None.
        :param allocations: the placement allocations made for the guest.
        :raises InstanceExists: the guest already exists.
        :raises InstanceSpawnFailed: the hypervisor could not start it.

        Returns once the guest runs (power state RUNNING).
        """

    @abc.abstractmethod
    def destroy(self, context, instance, network_info, block_device_info=None,
                destroy_disks=True):
        """Stop the guest at once and remove it from the hypervisor.

        Must not fail when the guest does not exist (delete is retried).
        With ``destroy_disks`` False, the guest's disks are kept (evacuation
        from shared storage).
        """

    def cleanup(self, context, instance, network_info, block_device_info=None,
                destroy_disks=True):
        """Remove what is left of a guest that is already stopped."""
        self.destroy(context, instance, network_info,
                     block_device_info=block_device_info,
                     destroy_disks=destroy_disks)

    @abc.abstractmethod
    def power_off(self, instance, timeout=0, retry_interval=0):
        """Stop the guest; power state becomes SHUTDOWN.

        With ``timeout`` > 0 the guest is first asked to shut down cleanly
        and given that many seconds (checking every ``retry_interval``)
        before it is cut off.

        :raises InstanceNotFoundOnHypervisor: no such guest.
        """

    @abc.abstractmethod
    def power_on(self, context, instance, network_info,
                 block_device_info=None):
        """Start a stopped guest; power state becomes RUNNING.

        :raises InstanceNotFoundOnHypervisor: no such guest.
        """

    @abc.abstractmethod
    def reboot(self, context, instance, network_info, reboot_type,
               block_device_info=None, bad_volumes_callback=None):
        """Reboot the guest; ``reboot_type`` is 'SOFT' or 'HARD'.

        A soft reboot asks the guest OS to restart; a hard one resets the
        virtual machine (and starts it if it was off). The guest ends up
        RUNNING.

        :raises InstanceNotFoundOnHypervisor: no such guest.
        """

    # ----------------------------------------------------------------------
    # Optional operations. Each raises NotImplementedError unless the driver
    # overrides it.
    # ----------------------------------------------------------------------
    def pause(self, instance):
        """Freeze the guest in memory (power state PAUSED)."""
        raise NotImplementedError()

    def unpause(self, instance):
        """Resume a paused guest (power state RUNNING)."""
        raise NotImplementedError()

    def suspend(self, context, instance):
        """Save the guest's memory to disk and stop it (SUSPENDED)."""
        raise NotImplementedError()

    def resume(self, context, instance, network_info, block_device_info=None):
        """Restore a suspended guest (RUNNING)."""
        raise NotImplementedError()

    def rescue(self, context, instance, network_info, image_meta,
               rescue_password, block_device_info=None):
        """Boot the guest from a rescue image with its disk attached."""
        raise NotImplementedError()

    def unrescue(self, context, instance):
        """Boot the guest from its own disk again after rescue()."""
        raise NotImplementedError()

    def snapshot(self, context, instance, image_id, update_task_state):
        """Upload the guest's root disk as image ``image_id``.

        ``update_task_state(task_state=..., expected_state=...)`` is called
        as the snapshot moves from pending upload to uploading.
        """
        raise NotImplementedError()

    def get_console_output(self, context, instance):
        """The guest's serial console log, as str."""
        raise NotImplementedError()

    def get_vnc_console(self, context, instance):
        """Where the guest's VNC server listens: dict host, port."""
        raise NotImplementedError()

    def get_serial_console(self, context, instance):
        """Where the guest's serial console listens: dict host, port."""
        raise NotImplementedError()

    def set_admin_password(self, instance, new_pass):
        """Set the administrator password inside the running guest."""
        raise NotImplementedError()

    def trigger_crash_dump(self, instance):
        """Send the guest a non-maskable interrupt so it dumps its kernel."""
        raise NotImplementedError()

    def rebuild(self, context, instance, image_meta, injected_files,
                admin_password, allocations, network_info=None,
                block_device_info=None, preserve_ephemeral=False):
        """Re-create the guest from ``image_meta``, keeping its identity.

        Drivers that do not override this are rebuilt by the compute
        manager as destroy() followed by spawn().
        """
        raise NotImplementedError()

    def migrate_disk_and_power_off(self, context, instance, dest, flavor,
                                   network_info, block_device_info=None,
                                   timeout=0, retry_interval=0):
        """First half of a resize / cold migration, on the source host.

        Returns driver data to hand to finish_migration().
        """
        raise NotImplementedError()

    def finish_migration(self, context, migration, instance, disk_info,
                         network_info, image_meta, resize_instance,
                         allocations, block_device_info=None, power_on=True):
        """Second half of a resize / cold migration, on the destination."""
        raise NotImplementedError()

    def confirm_migration(self, context, migration, instance, network_info):
        """Remove what a confirmed resize left on the source host."""
        raise NotImplementedError()

    def finish_revert_migration(self, context, instance, network_info,
                                migration, block_device_info=None,
                                power_on=True):
        """Bring the guest back on the source host after a revert."""
        raise NotImplementedError()

    def get_diagnostics(self, instance):
        """Hypervisor-specific diagnostics of the guest (dict)."""
        raise NotImplementedError()

    # Network interfaces (``vif``: a VIF of nova.network.model).
    def attach_interface(self, context, instance, image_meta, vif):
        """Plug ``vif`` and hot-plug it into the running guest."""
        raise NotImplementedError()

    def detach_interface(self, context, instance, vif):
        """Hot-unplug ``vif`` from the guest and unplug it."""
        raise NotImplementedError()

    # Live migration. ``migrate_data`` is a dict the driver fills in and
    # reads back at each step; it travels between the hosts over RPC.
    def check_can_live_migrate_destination(self, context, instance,
                                           src_compute_info,
                                           dst_compute_info,
                                           block_migration=False,
                                           disk_over_commit=False):
        """On the destination: whether the guest can come here; returns
        the migrate_data for the source's check (block_migration None
        means "decide": the driver says which it will do)."""
        raise NotImplementedError()

    def check_can_live_migrate_source(self, context, instance,
                                      dest_check_data):
        """On the source: whether the guest can leave; returns the
        migrate_data, completed."""
        raise NotImplementedError()

    def pre_live_migration(self, context, instance, block_device_info,
                           network_info, disk_info, migrate_data):
        """On the destination, before the copy: prepare for the guest;
        returns the migrate_data."""
        raise NotImplementedError()

    def live_migration(self, context, instance, dest, post_method,
                       recover_method, block_migration=False,
                       migrate_data=None, progress=None):
        """On the source: copy the running guest to ``dest``. Calls
        ``post_method(context, instance, dest, block_migration,
        migrate_data)`` once the guest runs there, or
        ``recover_method(context, instance, dest, migrate_data, exc)``
        when the copy failed or was aborted (the guest still runs here).
        ``progress`` (optional) is called with keyword arguments
        memory_total, memory_processed, memory_remaining, disk_total,
        disk_processed, disk_remaining (bytes) while the copy runs."""
        raise NotImplementedError()

    def live_migration_force_complete(self, instance):
        """Make the running live migration of the guest finish now."""
        raise NotImplementedError()

    def live_migration_abort(self, instance):
        """Abort the running live migration of the guest."""
        raise NotImplementedError()

    def post_live_migration(self, context, instance, block_device_info,
                            migrate_data=None):
        """On the source, after the guest moved: remove what is left."""
        raise NotImplementedError()

    def post_live_migration_at_destination(self, context, instance,
                                           network_info,
                                           block_migration=False,
                                           block_device_info=None,
                                           migrate_data=None):
        """On the destination, after the guest moved: take it over."""
        raise NotImplementedError()

    def rollback_live_migration_at_destination(self, context, instance,
                                               network_info,
                                               block_device_info,
                                               destroy_disks=True,
                                               migrate_data=None):
        """On the destination, after a failed migration: remove what
        pre_live_migration() or the copy left."""
        raise NotImplementedError()

    def get_host_uptime(self):
        """The host's uptime, as the ``uptime`` command prints it."""
        raise NotImplementedError()


def _import_class(path):
    if ':' in path:
        module_name, _, attr = path.partition(':')
    else:
        module_name, _, attr = path.rpartition('.')
    if not module_name or not attr:
        raise ImportError('%r is not a module:Class path' % path)
    module = importlib.import_module(module_name)
    return getattr(module, attr)


def _entry_point_class(name):
    try:
        from stevedore import driver as stevedore_driver
    except ImportError:  # pragma: no cover - stevedore comes with oslo
        stevedore_driver = None
    if stevedore_driver is not None:
        manager = stevedore_driver.DriverManager(
            namespace=DRIVER_NAMESPACE, name=name, invoke_on_load=False)
        return manager.driver
    from importlib import metadata
    for ep in metadata.entry_points(group=DRIVER_NAMESPACE):
        if ep.name == name:
            return ep.load()
    raise LookupError(name)


def load_compute_driver(name=None, virtapi=None):
    """Load and instantiate the virt driver called ``name``.

    ``name`` is a name in the ``nova.compute.drivers`` entry point group
    (``fake``, ``libvirt``) or, for out-of-tree drivers, a dotted
    ``package.module.Class`` / ``package.module:Class`` path. Defaults to
    CONF.compute_driver.

    :raises VirtDriverNotFound: nothing by that name, or it is not a
        ComputeDriver.
    """
    if name is None:
        import nova.conf
        name = nova.conf.CONF.compute_driver
    if not name:
        raise exception.VirtDriverNotFound(name=name)
    try:
        if '.' in name or ':' in name:
            cls = _import_class(name)
        else:
            cls = _entry_point_class(name)
    except Exception as exc:
        LOG.error('Could not load virt driver %s: %s', name, exc)
        raise exception.VirtDriverNotFound(name=name) from exc
    if not (isinstance(cls, type) and issubclass(cls, ComputeDriver)):
        LOG.error('Virt driver %s (%r) is not a ComputeDriver', name, cls)
        raise exception.VirtDriverNotFound(name=name)
    LOG.info('Loaded virt driver %s (%s.%s)', name, cls.__module__,
             cls.__name__)
    return cls(virtapi)
