"""The libvirt compute driver: QEMU/KVM guests through libvirtd.

``compute_driver = libvirt``. The driver talks to one libvirtd
([libvirt] connection_uri, default ``qemu:///system``) through
``host.Host`` and keeps each instance's files under [libvirt]
instances_path through ``disks.InstanceDisks``; domain XML comes from
``guest_config.build_guest_config``.

Guests: an instance's domain has the instance's uuid and is named
``instance-<uuid>``. The name does not follow [DEFAULT]
instance_name_template (``instance-%08x`` of the database id) on
purpose: database ids repeat across deployments, and several deployments
(test runs, two computes on one machine) may share one libvirtd. For the
same reason a domain counts as this driver's only when its name is
``instance-<uuid>`` AND its files (disks, console log) are under this
driver's instances_path; other domains on the daemon are never listed,
counted or reported.

Lifecycle events: libvirt's domain events (started, stopped, suspended,
resumed, crashed) reach the listener registered with
``register_event_listener()`` as ``(instance_uuid, power_state)``, so a
guest that shuts itself down is seen at once rather than at the next
periodic power-state sync.

Networks: the VIFs of ``network_info`` of type ``ovs`` (Neutron's ports
bound to this host) are plugged into Open vSwitch by vif.py (os-vif: a tap
and its OVS port, which neutron-openvswitch-agent wires) before the guest
starts, and unplugged once it is gone; the guest's NIC opens that tap
(``<interface type='ethernet'>``). Where a guest arrives (spawn,
finish_migration, finish_revert_migration, pre_live_migration,
attach_interface) its VIFs are plugged; where it leaves (destroy,
migrate_disk_and_power_off, post_live_migration on the source,
rollback_live_migration_at_destination, detach_interface) they are
unplugged. Plugging again is harmless, so power_on and hard reboot plug
too (the taps are gone after a host reboot).

Config drives: a server that needs one (nova.metadata.configdrive.required)
gets ``disk.config`` in its instance directory, built at spawn (rebuild,
evacuate and unshelve spawn too) with its personality files, admin
password and VIFs, and attached last: an ISO 9660 image as a read-only
cdrom (IDE on the default pc machine type, SATA on q35), a FAT one as a
disk. Every later definition of the guest (hard reboot, a lost definition,
resize and migration destinations) attaches the file it has, building one
without password and files when it is missing; moves carry it with the
other disks; it goes with the instance directory. A rescue guest gets a
disk.config.rescue with the rescue password.

Passwords: set_admin_password goes through the QEMU guest agent
(virDomainSetUserPassword), which guests of images with
hw_qemu_guest_agent=yes have a channel for; without it the request is
refused (QemuGuestAgentNotEnabled, a 409), and an agent that does not
answer is NotImplementedError (501), as upstream.

The move steps (snapshot, resize, cold migration) are in cold_moves.py,
the live migration steps in live_migration.py, resources, traits and
diagnostics in host_report.py.
"""

import errno
import mmap
import os
import time

from oslo_log import log as logging

from nova import conf as nova_conf
from nova import exception
from nova.metadata import configdrive
from nova.states import power_state
from nova.virt import driver
from nova.virt.libvirt import cold_moves
from nova.virt.libvirt import disks as libvirt_disks
from nova.virt.libvirt import guest_config
from nova.virt.libvirt import host as libvirt_host
from nova.virt.libvirt import host_report
from nova.virt.libvirt import imagecache
from nova.virt.libvirt import live_migration
from nova.virt.libvirt import vif as libvirt_vif

try:
    import libvirt
except ImportError:  # pragma: no cover - libvirt-python is an extra
    libvirt = None

CONF = nova_conf.CONF
LOG = logging.getLogger(__name__)

DOMAIN_NAME_PREFIX = 'instance-'
DEFAULT_URI = 'qemu:///system'
# os-getConsoleOutput returns at most the end of the serial log.
MAX_CONSOLE_BYTES = 100 * 1024
# The saved definition of a rescued guest, in its instance directory.
UNRESCUE_XML = 'unrescue.xml'
# How long spawn / power on / resume wait for the guest to run.
START_TIMEOUT = 60
# How long detach_interface waits for the guest to let go of a NIC.
DETACH_TIMEOUT = 30
POLL_INTERVAL = 0.1
GiB = 1024 ** 3
MiB = 1024 ** 2
_ALIGN = 4096

_attr = guest_config._attr


def domain_name(instance_uuid):
    """The libvirt domain name of an instance."""
    return DOMAIN_NAME_PREFIX + instance_uuid


def supports_direct_io(dirpath):
    """Whether files in ``dirpath`` can be opened with O_DIRECT (tmpfs
    and some network file systems refuse it); disk cache mode 'none'
    needs it."""
    if not hasattr(os, 'O_DIRECT'):
        return False
    path = os.path.join(dirpath, '.directio.test')
    fd = None
    try:
        fd = os.open(path, os.O_CREAT | os.O_WRONLY | os.O_DIRECT, 0o600)
        # O_DIRECT writes need an aligned buffer: mmap memory is.
        buf = mmap.mmap(-1, _ALIGN)
        try:
            buf.write(b'\0' * _ALIGN)
            os.write(fd, buf)
        finally:
            buf.close()
        return True
    except OSError as exc:
        if exc.errno != errno.EINVAL:
            LOG.warning('Could not probe direct I/O in %s: %s', dirpath, exc)
        return False
    finally:
        if fd is not None:
            os.close(fd)
        try:
            os.unlink(path)
        except OSError:
            pass


def _image_dict(image_meta):
    """An image meta (ImageMeta or dict) as a plain dict."""
    if image_meta is None:
        return {}
    if isinstance(image_meta, dict):
        return image_meta
    result = {}
    for key in ('id', 'name', 'disk_format', 'container_format',
                'properties'):
        value = _attr(image_meta, key)
        if value is not None:
            result[key] = value
    return result


class LibvirtDriver(host_report.HostReport,
                    cold_moves.ColdMoveSteps,
                    live_migration.LiveMigrationSteps,
                    driver.ComputeDriver):
    """QEMU/KVM guests through libvirt; see the module docstring."""

    capabilities = dict(
        driver.ComputeDriver.capabilities,
        supports_pause=True,
        supports_suspend=True,
        supports_rescue=True,
        supports_console_output=True,
        supports_vnc_console=True,
        supports_snapshot=True,
        supports_migration=True,
        supports_live_migration=True,
        supports_set_admin_password=True)

    def __init__(self, virtapi=None, uri=None, vif_driver=None):
        super().__init__(virtapi)
        self._vifs = vif_driver or libvirt_vif.VifDriver()
        self._uri = uri or CONF.libvirt.connection_uri or DEFAULT_URI
        # Not connected until used (init_host connects).
        self._host = libvirt_host.Host(
            self._uri, lifecycle_listener=self._lifecycle_event)
        self._direct_io = True
        self._nodename = CONF.host
        self._disks = self._make_disks()

    @staticmethod
    def _make_disks():
        path = CONF.libvirt.instances_path
        return libvirt_disks.InstanceDisks(
            path, imagecache.ImageCache(os.path.join(path, '_base')),
            CONF.libvirt.images_type)

    @property
    def instances_path(self):
        return self._disks.instances_path

    def node_identity_dir(self):
        # Upstream's other place for compute_id; unlike state_path it is
        # this host's own when several computes share a machine.
        return self.instances_path

    # ------------------------------------------------------------------
    # Host life cycle
    # ------------------------------------------------------------------
    def init_host(self, host):
        self._nodename = host or CONF.host
        self._host.initialize()
        caps = self._host.get_capabilities()
        self._check_virt_type(caps)
        self._disks = self._make_disks()
        os.makedirs(self.instances_path, exist_ok=True)
        self._direct_io = supports_direct_io(self.instances_path)
        LOG.info('libvirt driver on %s (libvirt %s, %s %s, virt_type %s); '
                 'instances in %s (direct I/O %s)', self._uri,
                 self._host.lib_version(), self._host.driver_type(),
                 self._host.version(), CONF.libvirt.virt_type,
                 self.instances_path,
                 'yes' if self._direct_io else 'no')

    def _check_virt_type(self, caps):
        virt_type = CONF.libvirt.virt_type
        if self._host.driver_type().upper() == 'TEST':
            # libvirt's test driver runs any domain type.
            return
        if caps.supports(virt_type):
            return
        guest = caps.guest()
        offered = ', '.join(guest.domain_types) if guest else 'none'
        hint = (' (is /dev/kvm usable by libvirt? set virt_type = qemu '
                'to emulate)' if virt_type == 'kvm' else '')
        raise exception.HypervisorConfigError(
            reason='[libvirt] virt_type = %s, but %s offers domain types '
                   '%s for %s guests%s' % (virt_type, self._uri, offered,
                                           caps.arch, hint))

    def cleanup_host(self, host):
        self._host.stop()

    def _settings(self):
        """The GuestSettings of this host."""
        arch = (self._host.get_capabilities().arch or
                guest_config.DEFAULT_ARCH)
        return guest_config.GuestSettings.from_conf(
            CONF, arch=arch, direct_io=self._direct_io)

    # ------------------------------------------------------------------
    # Lifecycle events
    # ------------------------------------------------------------------
    def _lifecycle_event(self, instance_uuid, state):
        if self._event_listener is None:
            return
        try:
            guest = self._host.get_guest(instance_uuid)
        except exception.InstanceNotFoundOnHypervisor:
            # Gone already (undefined after it stopped): the listener
            # decides from its own records whether the instance is ours.
            guest = None
        except Exception:
            LOG.exception('Could not look up the guest of an event',
                          instance_uuid=instance_uuid)
            return
        if guest is not None and not self._owns(guest):
            return
        self.emit_event(instance_uuid, state)

    # ------------------------------------------------------------------
    # Which domains are ours
    # ------------------------------------------------------------------
    def _owns(self, guest, parsed=None):
        try:
            uuid = guest.uuid
            if guest.name != domain_name(uuid):
                return False
            parsed = parsed or guest.parsed()
        except libvirt.libvirtError:
            return False
        root = self.instances_path.rstrip(os.sep) + os.sep
        paths = list(parsed.disk_paths)
        if parsed.serial_log_path:
            paths.append(parsed.serial_log_path)
        return any(p.startswith(root) for p in paths)

    def _owned_guests(self):
        """[(Guest, ParsedDomain)] of this driver's domains."""
        result = []
        for guest in self._host.list_guests():
            try:
                parsed = guest.parsed()
            except libvirt.libvirtError as exc:
                # Undefined between the listing and now.
                if not libvirt_host.is_not_found(exc):
                    raise
                continue
            if self._owns(guest, parsed):
                result.append((guest, parsed))
        return result

    # ------------------------------------------------------------------
    # Nodes and resources
    # ------------------------------------------------------------------
    def get_available_nodes(self, refresh=False):
        return [self._nodename]

    # ------------------------------------------------------------------
    # Listing
    # ------------------------------------------------------------------
    def list_instances(self):
        return [guest.name for guest, _parsed in self._owned_guests()]

    def list_instance_uuids(self):
        return [guest.uuid for guest, _parsed in self._owned_guests()]

    def get_info(self, instance):
        guest = self._host.get_guest(instance)
        try:
            state = guest.power_state()
            dom_id = guest.id
        except libvirt.libvirtError as exc:
            if libvirt_host.is_not_found(exc):
                raise exception.InstanceNotFoundOnHypervisor(
                    instance_id=instance.uuid) from exc
            raise
        return driver.InstanceInfo(state=state,
                                   internal_id=dom_id if dom_id >= 0
                                   else None)

    # ------------------------------------------------------------------
    # Building blocks (also used by cold_moves and live_migration)
    # ------------------------------------------------------------------
    def _domain_for(self, instance, image_meta, files, network_info=None):
        """The config.Domain of ``instance`` booting from ``files``."""
        domain = guest_config.build_guest_config(
            instance, image_meta, files, self._settings(),
            network_info=network_info)
        domain.name = domain_name(instance.uuid)
        return domain

    def _config_drive(self, instance, image_meta, files, network_info=None,
                      injected_files=(), admin_password=None, fresh=False,
                      name=libvirt_disks.CONFIG_DRIVE):
        """Attach the instance's config drive to ``files`` when it needs
        one: made anew when ``fresh`` (a spawn: its password, files and
        ports), else only when it is missing (a guest defined again, or
        moved in from a host that made none)."""
        if not configdrive.required(instance, image_meta):
            return files
        path, _fs = self._disks.config_drive(instance, name)
        if path is None or fresh:
            md = configdrive.instance_metadata(
                instance, network_info or None, injected_files or (),
                admin_password)
            self._disks.make_config_drive(instance, md, name)
        files.config_drive, files.config_drive_format = \
            self._disks.config_drive(instance, name)
        return files

    def _launch(self, instance, domain, power_on=True):
        """Define ``domain`` (replacing the definition of the same
        uuid) and start it unless ``power_on`` is False."""
        guest = self._host.define(domain.to_xml_string())
        if power_on:
            guest.launch()
        return guest

    def _wait_for_power_state(self, instance, states, timeout):
        """Poll until the guest's power state is one of ``states``;
        returns the state, raises InstanceInvalidState on timeout."""
        deadline = time.monotonic() + timeout
        while True:
            state = self.get_info(instance).state
            if state in states:
                return state
            if time.monotonic() >= deadline:
                raise exception.InstanceInvalidState(
                    instance_uuid=instance.uuid, attr='power_state',
                    state=power_state.name(state),
                    method='waiting for %s' % ', '.join(
                        power_state.name(s) for s in states))
            time.sleep(POLL_INTERVAL)

    @staticmethod
    def _wait_inactive(guest, timeout):
        """Poll until the domain stops; whether it did."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                if not guest.is_active():
                    return True
            except libvirt.libvirtError as exc:
                if libvirt_host.is_not_found(exc):
                    return True
                raise
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return False
            time.sleep(min(POLL_INTERVAL, remaining))

    def _clean_shutdown(self, guest, timeout, retry_interval):
        """ACPI power button, pressed again every ``retry_interval``
        seconds, until the guest stops or ``timeout`` passes."""
        deadline = time.monotonic() + timeout
        interval = retry_interval if retry_interval > 0 else timeout
        while True:
            try:
                guest.shutdown()
            except libvirt.libvirtError as exc:
                if not guest.is_active():
                    return True
                LOG.warning('ACPI shutdown of %s refused: %s', guest.name,
                            exc)
                return False
            wait = min(interval, deadline - time.monotonic())
            if self._wait_inactive(guest, max(wait, 0)):
                return True
            if time.monotonic() >= deadline:
                return False

    def _stop_guest(self, guest, timeout=0, retry_interval=0):
        """Stop a guest: cleanly within ``timeout`` seconds when > 0,
        else (or then) by pulling the plug. Whether it stopped
        cleanly."""
        if not guest.is_active():
            return True
        if timeout and self._clean_shutdown(guest, timeout, retry_interval):
            LOG.info('Guest %s shut down cleanly', guest.name)
            return True
        guest.poweroff()
        return False

    def _image_meta(self, context, image_meta=None, image_id=None,
                    strict=False):
        """A full image record (properties included) for ``image_meta``
        or ``image_id``; what was given when the image service does not
        know it (``strict``: raise instead)."""
        given = _image_dict(image_meta)
        image_id = image_id or given.get('id')
        if given.get('properties') or not image_id:
            return given
        try:
            from nova.image import api as image_api
            return image_api.API().get(context, image_id)
        except Exception as exc:
            if strict:
                raise
            LOG.warning('Image %s unavailable (%s); building the guest '
                        'without its properties', image_id, exc)
            return given or {'id': image_id, 'properties': {}}

    def _redefine(self, context, instance, network_info=None,
                  power_on=True, strict=False):
        """Define the instance's domain anew from its files on disk and
        its image (a lost definition, a hard reboot); ``strict``: fail
        when the image record cannot be read rather than build without
        its properties."""
        files = self._disks.files(instance)
        # What the instance recorded of its image at build time first:
        # the image may be gone or the image service unreachable.
        image_meta = cold_moves.image_meta_of(instance)
        if not image_meta['properties']:
            image_meta = self._image_meta(
                context, image_id=_attr(instance, 'image_ref'),
                strict=strict)
        self._config_drive(instance, image_meta, files, network_info)
        domain = self._domain_for(instance, image_meta, files,
                                  network_info=network_info or None)
        return self._launch(instance, domain, power_on=power_on)

    def _undefine(self, guest):
        try:
            guest.undefine()
        except libvirt.libvirtError as exc:
            if not libvirt_host.is_not_found(exc):
                raise

    # ------------------------------------------------------------------
    # Guest life cycle
    # ------------------------------------------------------------------
    def spawn(self, context, instance, image_meta, injected_files,
              admin_password, allocations, network_info=None,
              block_device_info=None):
        try:
            self._host.get_guest(instance)
        except exception.InstanceNotFoundOnHypervisor:
            pass
        else:
            raise exception.InstanceExists(name=domain_name(instance.uuid))
        image_meta = self._image_meta(context, image_meta,
                                      _attr(instance, 'image_ref'))
        files = self._disks.prepare(context, instance, image_meta)
        self._config_drive(instance, image_meta, files, network_info,
                           injected_files, admin_password, fresh=True)
        domain = self._domain_for(instance, image_meta, files,
                                  network_info=network_info)
        guest = None
        try:
            self._vifs.plug_all(instance, network_info)
            guest = self._launch(instance, domain, power_on=False)
            guest.launch()
            self._wait_for_power_state(instance, (power_state.RUNNING,),
                                       START_TIMEOUT)
        except (libvirt.libvirtError, exception.InstanceInvalidState,
                libvirt_vif.VifPlugFailed) as exc:
            LOG.error('Guest did not start: %s', exc,
                      instance_uuid=instance.uuid)
            if guest is not None:
                try:
                    guest.poweroff()
                    self._undefine(guest)
                except libvirt.libvirtError:
                    LOG.exception('Could not remove the failed guest',
                                  instance_uuid=instance.uuid)
            self._vifs.unplug_all(instance, network_info)
            raise exception.InstanceSpawnFailed(
                instance_uuid=instance.uuid, reason=str(exc)) from exc
        LOG.info('Guest %s started', guest.name, instance_uuid=instance.uuid)

    def destroy(self, context, instance, network_info, block_device_info=None,
                destroy_disks=True):
        if self._host.destroy_guest(instance):
            LOG.info('Guest %s destroyed', domain_name(instance.uuid),
                     instance_uuid=instance.uuid)
        self._vifs.unplug_all(instance,
                              libvirt_vif.vifs_of(instance, network_info))
        if destroy_disks:
            self._disks.remove(instance)

    def cleanup(self, context, instance, network_info, block_device_info=None,
                destroy_disks=True):
        self.destroy(context, instance, network_info,
                     block_device_info=block_device_info,
                     destroy_disks=destroy_disks)

    def power_off(self, instance, timeout=0, retry_interval=0):
        guest = self._host.get_guest(instance)
        self._stop_guest(guest, timeout, retry_interval)

    def power_on(self, context, instance, network_info,
                 block_device_info=None):
        try:
            guest = self._host.get_guest(instance)
        except exception.InstanceNotFoundOnHypervisor:
            LOG.warning('Guest definition missing; defining it again',
                        instance_uuid=instance.uuid)
            guest = self._redefine(context, instance, network_info,
                                   power_on=False)
        # Taps do not survive a host reboot: plug again (no-op if there).
        self._vifs.plug_all(instance,
                            libvirt_vif.vifs_of(instance, network_info))
        state = guest.power_state()
        if state == power_state.PAUSED:
            guest.resume()
        elif not guest.is_active():
            guest.launch()
        self._wait_for_power_state(instance, (power_state.RUNNING,),
                                   START_TIMEOUT)

    def reboot(self, context, instance, network_info, reboot_type,
               block_device_info=None, bad_volumes_callback=None):
        guest = self._host.get_guest(instance)
        if (reboot_type or '').upper() != driver.REBOOT_HARD:
            if self._soft_reboot(instance, guest):
                return
            LOG.warning('Soft reboot did not stop the guest; rebooting it '
                        'the hard way', instance_uuid=instance.uuid)
        self._hard_reboot(context, instance, network_info)

    def _soft_reboot(self, instance, guest):
        """ACPI shutdown, then start; False when the guest was not
        running or did not stop within wait_soft_reboot_seconds."""
        if guest.power_state() != power_state.RUNNING:
            return False
        try:
            guest.shutdown()
        except libvirt.libvirtError as exc:
            LOG.warning('ACPI shutdown refused: %s', exc,
                        instance_uuid=instance.uuid)
            return False
        if not self._wait_inactive(guest,
                                   CONF.libvirt.wait_soft_reboot_seconds):
            return False
        guest.launch()
        self._wait_for_power_state(instance, (power_state.RUNNING,),
                                   START_TIMEOUT)
        LOG.info('Soft rebooted', instance_uuid=instance.uuid)
        return True

    def _hard_reboot(self, context, instance, network_info):
        """Pull the plug, define the guest again (from its files and
        image, so it picks up configuration changes) and start it."""
        guest = self._host.find_guest(instance)
        old_xml = None
        if guest is not None:
            guest.poweroff()
            old_xml = guest.xml(secure=True, inactive=True)
            # A hard reboot starts afresh, not from a saved memory image.
            guest.remove_managed_save()
        self._vifs.plug_all(instance,
                            libvirt_vif.vifs_of(instance, network_info))
        try:
            self._redefine(context, instance, network_info, power_on=False,
                           strict=old_xml is not None)
        except Exception:
            if old_xml is None:
                raise
            LOG.exception('Could not rebuild the guest definition; '
                          'starting the one it had',
                          instance_uuid=instance.uuid)
            self._host.define(old_xml)
        self._host.get_guest(instance).launch()
        self._wait_for_power_state(instance, (power_state.RUNNING,),
                                   START_TIMEOUT)
        LOG.info('Hard rebooted', instance_uuid=instance.uuid)

    def pause(self, instance):
        self._host.get_guest(instance).pause()

    def unpause(self, instance):
        self._host.get_guest(instance).resume()

    def suspend(self, context, instance):
        self._host.get_guest(instance).managed_save()

    def resume(self, context, instance, network_info, block_device_info=None):
        self.power_on(context, instance, network_info, block_device_info)

    # ------------------------------------------------------------------
    # Interfaces
    # ------------------------------------------------------------------
    def _interface_xml(self, instance, vif, image_meta=None):
        props = _image_dict(image_meta).get('properties') or \
            cold_moves.image_meta_of(instance)['properties']
        model = guest_config.vif_model_of(props)
        return libvirt_vif.interface_device(vif, model).to_xml_string()

    def attach_interface(self, context, instance, image_meta, vif):
        guest = self._host.get_guest(instance)
        xml = self._interface_xml(instance, vif, image_meta)
        self._vifs.plug(instance, vif)
        try:
            guest.attach_device(xml)
        except libvirt.libvirtError as exc:
            LOG.error('Could not attach port %s: %s', vif['id'], exc,
                      instance_uuid=instance.uuid)
            self._vifs.unplug(instance, vif)
            raise exception.InterfaceAttachFailed(
                instance_uuid=instance.uuid) from exc
        LOG.info('Port %s attached as %s', vif['id'], vif.get('address'),
                 instance_uuid=instance.uuid)

    def detach_interface(self, context, instance, vif):
        guest = self._host.get_guest(instance)
        mac = (vif.get('address') or '').lower()
        if not self._has_nic(guest, mac, inactive=True) and \
                not self._has_nic(guest, mac):
            LOG.warning('Port %s (%s) is not on the guest; unplugging it '
                        'only', vif['id'], mac, instance_uuid=instance.uuid)
            self._vifs.unplug(instance, vif)
            return
        xml = self._interface_xml(instance, vif)
        try:
            guest.detach_device(xml)
        except libvirt.libvirtError as exc:
            LOG.error('Could not detach port %s: %s', vif['id'], exc,
                      instance_uuid=instance.uuid)
            raise exception.InterfaceDetachFailed(
                instance_uuid=instance.uuid) from exc
        # A running guest lets go once its OS acknowledged the unplug.
        deadline = time.monotonic() + DETACH_TIMEOUT
        while guest.is_active() and self._has_nic(guest, mac):
            if time.monotonic() >= deadline:
                LOG.error('The guest did not release port %s within %d s',
                          vif['id'], DETACH_TIMEOUT,
                          instance_uuid=instance.uuid)
                raise exception.InterfaceDetachFailed(
                    instance_uuid=instance.uuid)
            time.sleep(POLL_INTERVAL * 5)
        self._vifs.unplug(instance, vif)
        LOG.info('Port %s detached', vif['id'], instance_uuid=instance.uuid)

    @staticmethod
    def _has_nic(guest, mac, inactive=False):
        try:
            parsed = guest.parsed(inactive=inactive)
        except libvirt.libvirtError as exc:
            if libvirt_host.is_not_found(exc):
                return False
            raise
        return any((i.mac_address or '').lower() == mac
                   for i in parsed.interfaces)

    # ------------------------------------------------------------------
    # Rescue
    # ------------------------------------------------------------------
    def _unrescue_xml_path(self, instance):
        return self._disks.path(instance, UNRESCUE_XML)

    def rescue(self, context, instance, network_info, image_meta,
               rescue_password, block_device_info=None):
        guest = self._host.get_guest(instance)
        saved = self._unrescue_xml_path(instance)
        if not os.path.exists(saved):
            # Rescuing a rescued guest keeps the first, real definition.
            tmp = saved + '.part'
            with open(tmp, 'w') as f:
                f.write(guest.xml(secure=True, inactive=True))
            os.replace(tmp, saved)
        self._stop_guest(guest)
        rescue_meta = self._image_meta(context, image_meta,
                                       _attr(instance, 'image_ref'))
        files = self._disks.prepare_rescue(context, instance, rescue_meta)
        self._config_drive(instance, None, files, network_info,
                           admin_password=rescue_password, fresh=True,
                           name=libvirt_disks.CONFIG_DRIVE_RESCUE)
        domain = self._domain_for(instance, rescue_meta, files,
                                  network_info=network_info)
        self._launch(instance, domain)
        self._wait_for_power_state(instance, (power_state.RUNNING,),
                                   START_TIMEOUT)
        LOG.info('Rescued from image %s', rescue_meta.get('id'),
                 instance_uuid=instance.uuid)

    def unrescue(self, context, instance):
        guest = self._host.get_guest(instance)
        guest.poweroff()
        saved = self._unrescue_xml_path(instance)
        if os.path.exists(saved):
            with open(saved) as f:
                self._host.define(f.read()).launch()
        else:
            LOG.warning('No saved definition to unrescue; defining the '
                        'guest anew', instance_uuid=instance.uuid)
            self._redefine(context, instance)
        self._disks.remove_rescue(instance)
        try:
            os.unlink(saved)
        except FileNotFoundError:
            pass
        self._wait_for_power_state(instance, (power_state.RUNNING,),
                                   START_TIMEOUT)

    # ------------------------------------------------------------------
    # Consoles
    # ------------------------------------------------------------------
    def get_console_output(self, context, instance):
        guest = self._host.get_guest(instance)
        path = (guest.parsed().serial_log_path or
                self._disks.console_log_path(instance))
        try:
            with open(path, 'rb') as f:
                f.seek(0, os.SEEK_END)
                size = f.tell()
                f.seek(max(0, size - MAX_CONSOLE_BYTES))
                data = f.read(MAX_CONSOLE_BYTES)
        except FileNotFoundError:
            return ''
        return data.decode('utf-8', errors='replace')

    def get_vnc_console(self, context, instance):
        guest = self._host.get_guest(instance)
        vnc = guest.parsed().vnc
        if vnc is None or vnc.port is None or int(vnc.port) <= 0:
            raise exception.ConsoleTypeUnavailable(console_type='novnc')
        return {'host': CONF.vnc.server_proxyclient_address,
                'port': int(vnc.port), 'internal_access_path': None}

    # ------------------------------------------------------------------
    # Passwords
    # ------------------------------------------------------------------
    def set_admin_password(self, instance, new_pass):
        props = cold_moves.image_meta_of(instance)['properties']
        if CONF.libvirt.virt_type not in ('kvm', 'qemu'):
            raise exception.SetAdminPasswdNotSupported()
        if not guest_config.has_guest_agent(props):
            raise exception.QemuGuestAgentNotEnabled()
        guest = self._host.get_guest(instance)
        user = props.get('os_admin_user') or (
            'Administrator' if props.get('os_type') == 'windows' else 'root')
        try:
            guest.set_user_password(user, new_pass)
        except libvirt.libvirtError as exc:
            code = exc.get_error_code()
            if code == libvirt.VIR_ERR_AGENT_UNRESPONSIVE:
                LOG.info('The guest agent did not answer; password not set',
                         instance_uuid=instance.uuid)
                raise NotImplementedError() from exc
            raise exception.NovaException(
                'libvirt could not set the password of user %s (error %s): '
                '%s' % (user, code, exc.get_error_message())) from exc
        LOG.info('Password of %s set through the guest agent', user,
                 instance_uuid=instance.uuid)

    def trigger_crash_dump(self, instance):
        guest = self._host.get_guest(instance)
        if not guest.is_active():
            raise exception.InstanceNotRunning(instance_id=instance.uuid)
        try:
            guest.inject_nmi()
        except libvirt.libvirtError as exc:
            if exc.get_error_code() == libvirt.VIR_ERR_NO_SUPPORT:
                raise exception.TriggerCrashDumpNotSupported() from exc
            raise
