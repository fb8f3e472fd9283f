"""Live migration of libvirt guests between hosts.

A mixin of LibvirtDriver (nova.virt.libvirt.driver), which provides
``self._host`` (the libvirtd connection, host.Host) and ``self._disks``
(the instance files, disks.InstanceDisks).

The steps, with the keys each adds to ``migrate_data`` (a plain dict that
travels between the hosts over RPC):

    dest    check_can_live_migrate_destination
            dest_host, dest_uri (the libvirt URI the source reaches this
            host's libvirtd at), dest_addr (address of the QEMU migration
            stream, may be None), dest_instances_path, dest_marker (name of
            a file this host keeps in its instances_path), dest_vnc_listen,
            dest_disk_free, block_migration (None: "auto", decided at the
            source), disk_over_commit
    source  check_can_live_migrate_source
            shared_instance_path (the source sees dest_marker in its own
            instances_path: both hosts hold the instance directories on
            the same storage), block_migration (now True or False),
            source_host, source_instance_dir, console_log (the end of the
            guest's serial log, base64, so its history stays readable on
            the destination), source_config_drive and source_addr (the
            config drive and where to copy it from, when it has one)
    dest    pre_live_migration
            dest_instance_dir, dest_made_instance_dir; makes the instance
            directory when it is not shared: the root disk as an overlay
            over this host's copy of the image (the copy only sends what
            the guest wrote), ephemeral and swap disks, kernel and ramdisk,
            the console log so far, a copy of the config drive (a cdrom
            is not part of the block migration; a FAT one is, over the
            copy, as a writable disk) through [libvirt]
            remote_filesystem_transport, or a plain copy when the source's
            file is visible here
    source  live_migration
            migrateToURI3 in a thread (peer to peer, live, persistent on
            the destination, undefined here; with the disks copied
            incrementally in a block migration), with the destination's
            domain XML (paths moved into dest_instance_dir, VNC on
            dest_vnc_listen, the serial log appended to); a monitor loop
            reports the job's progress, applies
            live_migration_completion_timeout and takes force complete /
            abort requests; then post_method or recover_method.
            Adds forced_pause when force complete paused the guest.
    dest    post_live_migration_at_destination: make sure the guest is
            persistent (and running, after a forced pause)
    source  post_live_migration: remove the instance directory when it
            is not shared
    dest    rollback_live_migration_at_destination: remove the guest and
            the instance directory pre_live_migration made

Shared instance storage is told by a marker file rather than by libvirt,
which only trusts network file systems it knows: instance directories two
libvirtds on one machine share are safe as well, so a migration over a
shared instances_path sets VIR_MIGRATE_UNSAFE.

Limits: in a block migration, the serial output the guest writes between
check_can_live_migrate_source and the switch to the destination is not
in the destination's console log (the log so far is carried by the
checks, the destination's QEMU appends from the switch on). Post-copy
needs QEMU's user to be allowed userfaultfd on the destination
(vm.unprivileged_userfaultfd = 1 or access to /dev/userfaultfd); without
it libvirt refuses a migration started with VIR_MIGRATE_POSTCOPY.
"""

import base64
import os
import threading
import time
import xml.etree.ElementTree as ET

from oslo_log import log as logging
from oslo_utils import excutils
from oslo_utils import fileutils

from nova import conf as nova_conf
from nova import exception
from nova.states import power_state
from nova.virt.libvirt import cold_moves
from nova.virt.libvirt import disks as disks_mod
from nova.virt.libvirt import images
from nova.virt.libvirt import vif as libvirt_vif

try:
    import libvirt
except ImportError:  # pragma: no cover - libvirt-python is an extra
    libvirt = None

CONF = nova_conf.CONF
LOG = logging.getLogger(__name__)

GiB = 1024 ** 3
# The end of the serial log carried to the destination.
CONSOLE_LOG_CARRIED = 64 * 1024
# Seconds between two looks at a running migration job (the first look
# comes sooner: a small guest moves in a second or two).
MONITOR_INTERVAL = 0.5
FIRST_MONITOR_INTERVAL = 0.1
MARKER_PREFIX = '.nova-compute-'


def marker_name(host):
    """The name of the file a host keeps in its instances_path so that
    others can tell whether they see the same storage."""
    safe = ''.join(c if c.isalnum() or c in '-_.' else '_' for c in host)
    return MARKER_PREFIX + safe


def destination_uri(addr):
    """The libvirt URI of the host at ``addr`` for migrations to it."""
    template = CONF.libvirt.live_migration_uri
    if template:
        return template % addr
    return 'qemu+%s://%s/system' % (CONF.libvirt.live_migration_scheme,
                                    _uri_host(addr))


def _uri_host(addr):
    # An IPv6 address needs brackets in a URI.
    if ':' in addr and not addr.startswith('['):
        return '[%s]' % addr
    return addr


def _under(path, directory):
    directory = directory.rstrip(os.sep) + os.sep
    return path.startswith(directory)


def _moved(path, old_dir, new_dir):
    """``path`` moved from under ``old_dir`` to under ``new_dir`` (paths
    elsewhere are kept)."""
    if not path or not old_dir or not new_dir or old_dir == new_dir or \
            not _under(path, old_dir):
        return path
    return os.path.join(new_dir, os.path.relpath(path, old_dir))


def destination_xml(xml, source_dir, dest_dir, vnc_listen=None):
    """The domain XML the guest gets on the destination: files under
    ``source_dir`` (disks, kernel, ramdisk, serial log) moved to
    ``dest_dir``, backing chains left for the destination to find, the
    serial log file appended to rather than truncated, and VNC listening
    on ``vnc_listen`` when given."""
    root = ET.fromstring(xml)
    os_el = root.find('os')
    if os_el is not None:
        for tag in ('kernel', 'initrd'):
            el = os_el.find(tag)
            if el is not None and el.text:
                el.text = _moved(el.text, source_dir, dest_dir)
    devices = root.find('devices')
    if devices is not None:
        for disk in devices.findall('disk'):
            for backing in disk.findall('backingStore'):
                disk.remove(backing)
            source = disk.find('source')
            if source is not None:
                for key in ('file', 'dev'):
                    if source.get(key):
                        source.set(key, _moved(source.get(key), source_dir,
                                               dest_dir))
        for tag in ('serial', 'console'):
            for char in devices.findall(tag):
                source = char.find('source')
                if source is not None and source.get('path'):
                    source.set('path', _moved(source.get('path'),
                                              source_dir, dest_dir))
                    if char.get('type') == 'file':
                        source.set('append', 'on')
                log = char.find('log')
                if log is not None and log.get('file'):
                    log.set('file', _moved(log.get('file'), source_dir,
                                           dest_dir))
                    log.set('append', 'on')
        if vnc_listen:
            for graphics in devices.findall('graphics'):
                if graphics.get('type') != 'vnc':
                    continue
                graphics.set('listen', vnc_listen)
                for listen in graphics.findall('listen'):
                    if listen.get('type') == 'address':
                        listen.set('address', vnc_listen)
    return ET.tostring(root, encoding='unicode')


def migrated_disks(xml):
    """[(target, path)] of the disks a block migration copies: writable
    disks backed by a file or block device."""
    root = ET.fromstring(xml)
    result = []
    for disk in root.findall('./devices/disk'):
        if disk.get('device', 'disk') != 'disk' or \
                disk.get('type') not in ('file', 'block'):
            continue
        if disk.find('readonly') is not None or disk.find('shareable') \
                is not None:
            continue
        target = disk.find('target')
        source = disk.find('source')
        path = None if source is None else (source.get('file') or
                                            source.get('dev'))
        if target is None or not path:
            continue
        result.append((target.get('dev'), path))
    return result


def _error_code(exc):
    return exc.get_error_code() if isinstance(exc, libvirt.libvirtError) \
        else None


def _error_text(exc):
    if isinstance(exc, libvirt.libvirtError):
        return exc.get_error_message() or str(exc)
    return str(exc)


class _Job(object):
    """A live migration leaving this host: what the monitor and the
    force complete / abort requests share."""

    def __init__(self, guest, flags):
        self.guest = guest
        self.flags = flags
        self.aborted = False
        self.forced = False
        self.forced_pause = False
        self.done = threading.Event()
        self.error = None


class LiveMigrationSteps(object):
    """Mixin of LibvirtDriver: the live migration steps."""

    # The driver's VIF plugger (LibvirtDriver sets its own).
    _vifs = libvirt_vif.VifDriver()

    # Guards every driver's table of running migrations.
    _lm_lock = threading.Lock()

    def _lm_jobs(self):
        """{instance uuid: _Job} of the migrations leaving this host."""
        jobs = getattr(self, '_live_migration_jobs', None)
        if jobs is None:
            jobs = self._live_migration_jobs = {}
        return jobs

    # ------------------------------------------------------------------
    # This host's facts for a migration
    # ------------------------------------------------------------------
    def _inbound_addr(self):
        return CONF.libvirt.live_migration_inbound_addr or CONF.host

    def _marker_path(self):
        return os.path.join(self._disks.instances_path,
                            marker_name(CONF.host))

    def _ensure_marker(self):
        """Keep the marker file of this host in its instances_path."""
        path = self._marker_path()
        if os.path.exists(path):
            return
        os.makedirs(self._disks.instances_path, exist_ok=True)
        tmp = fileutils.write_to_tempfile(
            CONF.host.encode('utf-8'), path=self._disks.instances_path,
            suffix='.tmp', prefix='.marker-')
        os.replace(tmp, path)

    def _sees_marker(self, name):
        return bool(name) and os.path.exists(
            os.path.join(self._disks.instances_path, name))

    # ------------------------------------------------------------------
    # Checks
    # ------------------------------------------------------------------
    def check_can_live_migrate_destination(self, context, instance,
                                           src_compute_info,
                                           dst_compute_info,
                                           block_migration=False,
                                           disk_over_commit=False):
        self._ensure_marker()
        try:
            self._host.get_guest(instance)
        except exception.InstanceNotFoundOnHypervisor:
            pass
        else:
            raise exception.MigrationPreCheckError(
                reason='the guest of instance %s already exists on host %s'
                       % (instance.uuid, CONF.host))
        stat = os.statvfs(self._disks.instances_path)
        addr = self._inbound_addr()
        return {
            'dest_host': CONF.host,
            'dest_uri': destination_uri(addr),
            'dest_addr': CONF.libvirt.live_migration_inbound_addr,
            'dest_instances_path': self._disks.instances_path,
            'dest_marker': marker_name(CONF.host),
            'dest_vnc_listen': CONF.vnc.server_listen,
            'dest_disk_free': stat.f_bavail * stat.f_frsize,
            'block_migration': (None if block_migration is None
                                else bool(block_migration)),
            'disk_over_commit': bool(disk_over_commit),
        }

    def check_can_live_migrate_source(self, context, instance,
                                      dest_check_data):
        data = dict(dest_check_data or {})
        guest = self._host.get_guest(instance)
        state = guest.power_state()
        if state not in (power_state.RUNNING, power_state.PAUSED):
            raise exception.MigrationPreCheckError(
                reason='the guest of instance %s is not running (power '
                       'state %s)' % (instance.uuid,
                                      power_state.name(state)))
        with self._lm_lock:
            if instance.uuid in self._lm_jobs():
                raise exception.MigrationPreCheckError(
                    reason='a live migration of instance %s is already '
                           'running' % instance.uuid)
        shared = self._sees_marker(data.get('dest_marker'))
        block = data.get('block_migration')
        if block is None:
            block = not shared
        elif block and shared:
            raise exception.MigrationPreCheckError(
                reason='block migration asked for, but hosts %s and %s '
                       'share their instance storage' % (
                           CONF.host, data.get('dest_host')))
        elif not block and not shared:
            raise exception.MigrationPreCheckError(
                reason='hosts %s and %s do not share their instance '
                       'storage: a block migration is needed' % (
                           CONF.host, data.get('dest_host')))
        if block and not data.get('disk_over_commit'):
            needed = self._local_disk_bytes(guest)
            free = data.get('dest_disk_free')
            if free is not None and needed > free:
                raise exception.MigrationPreCheckError(
                    reason='host %s has %d bytes free for instances, the '
                           'guest\'s disks need %d' % (
                               data.get('dest_host'), free, needed))
        data.update(
            shared_instance_path=shared, block_migration=bool(block),
            source_host=CONF.host,
            source_instance_dir=self._disks.instance_dir(instance))
        if not shared:
            data['console_log'] = self._console_log_tail(guest, instance)
            drive, _fs = self._disks.config_drive(instance)
            if drive:
                data['source_config_drive'] = drive
                data['source_addr'] = getattr(CONF, 'my_ip', None) or \
                    CONF.host
        return data

    def _local_disk_bytes(self, guest):
        """The virtual size of the guest's disks that a block migration
        copies (the most the destination may have to hold)."""
        copied = {path for _target, path in migrated_disks(guest.xml())}
        total = 0
        for disk in guest.parsed().disks:
            if disk.source_path not in copied:
                continue
            try:
                total += images.info(disk.source_path,
                                     fmt=disk.driver_type).virtual_size
            except Exception:
                try:
                    total += os.path.getsize(disk.source_path)
                except OSError:
                    pass
        return total

    def _console_log_tail(self, guest, instance):
        path = (guest.parsed().serial_log_path or
                self._disks.console_log_path(instance))
        try:
            with open(path, 'rb') as f:
                f.seek(0, os.SEEK_END)
                f.seek(max(0, f.tell() - CONSOLE_LOG_CARRIED))
                data = f.read()
        except OSError:
            return None
        return base64.b64encode(data).decode('ascii')

    # ------------------------------------------------------------------
    # Destination: before the copy
    # ------------------------------------------------------------------
    def pre_live_migration(self, context, instance, block_device_info,
                           network_info, disk_info, migrate_data):
        data = dict(migrate_data or {})
        directory = self._disks.instance_dir(instance)
        data['dest_instance_dir'] = directory
        data['dest_made_instance_dir'] = False
        if data.get('shared_instance_path'):
            if not os.path.isdir(directory):
                raise exception.MigrationError(
                    reason='instance directory %s is not on this host\'s '
                           'shared storage' % directory)
            # Wired before the guest arrives (its NIC opens the taps).
            self._vifs.plug_all(instance, network_info)
            return data
        if os.path.exists(directory):
            raise exception.MigrationError(
                reason='instance directory %s already exists on host %s'
                       % (directory, CONF.host))
        data['dest_made_instance_dir'] = True
        try:
            self._disks.prepare(context, instance, self._lm_image_meta(
                instance))
            log = data.get('console_log')
            if log:
                with open(self._disks.console_log_path(instance), 'wb') as f:
                    f.write(base64.b64decode(log))
            self._copy_config_drive(instance, data)
        except Exception:
            with excutils.save_and_reraise_exception():
                self._disks.remove(instance)
        try:
            self._vifs.plug_all(instance, network_info)
        except Exception:
            with excutils.save_and_reraise_exception():
                self._disks.remove(instance)
        # Nothing to send back that the source does not know.
        data.pop('console_log', None)
        LOG.info('Instance directory %s ready for the incoming guest',
                 directory, instance_uuid=instance.uuid)
        return data

    def _copy_config_drive(self, instance, data):
        """Copy the source's config drive into the new instance
        directory."""
        source = data.get('source_config_drive')
        if not source:
            return
        target = self._disks.path(instance, disks_mod.CONFIG_DRIVE)
        if os.path.exists(source):
            # Hosts on one machine (their instance paths differ).
            cold_moves.copy_file(source, target)
        else:
            cold_moves.copy_file(source, target, data.get('source_addr'),
                                 CONF.libvirt.remote_filesystem_transport)
        self._disks._record_format(self._disks.instance_dir(instance),
                                   disks_mod.CONFIG_DRIVE, 'raw')
        LOG.info('Config drive copied from %s', data.get('source_host'),
                 instance_uuid=instance.uuid)

    @staticmethod
    def _lm_image_meta(instance):
        """The image description recorded on the instance (None: the
        disks module asks the image service)."""
        meta = cold_moves.image_meta_of(instance)
        return meta if meta.get('id') else None

    # ------------------------------------------------------------------
    # Source: the copy
    # ------------------------------------------------------------------
    def _migration_flags(self, block_migration, shared):
        flags = (libvirt.VIR_MIGRATE_LIVE | libvirt.VIR_MIGRATE_PEER2PEER |
                 libvirt.VIR_MIGRATE_PERSIST_DEST |
                 libvirt.VIR_MIGRATE_UNDEFINE_SOURCE)
        if block_migration:
            flags |= libvirt.VIR_MIGRATE_NON_SHARED_INC
        if shared:
            flags |= libvirt.VIR_MIGRATE_UNSAFE
        if CONF.libvirt.live_migration_permit_post_copy:
            flags |= libvirt.VIR_MIGRATE_POSTCOPY
        elif CONF.libvirt.live_migration_permit_auto_converge:
            flags |= libvirt.VIR_MIGRATE_AUTO_CONVERGE
        return flags

    def _migration_params(self, guest, instance, block_migration, data):
        source_dir = data.get('source_instance_dir') or \
            self._disks.instance_dir(instance)
        dest_dir = data.get('dest_instance_dir') or source_dir
        xml = guest.domain.XMLDesc(libvirt.VIR_DOMAIN_XML_MIGRATABLE |
                                   libvirt.VIR_DOMAIN_XML_SECURE)
        dest_xml = destination_xml(xml, source_dir, dest_dir,
                                   data.get('dest_vnc_listen'))
        params = {libvirt.VIR_MIGRATE_PARAM_DEST_XML: dest_xml,
                  libvirt.VIR_MIGRATE_PARAM_PERSIST_XML: dest_xml}
        if CONF.libvirt.live_migration_bandwidth:
            params[libvirt.VIR_MIGRATE_PARAM_BANDWIDTH] = \
                CONF.libvirt.live_migration_bandwidth
        if data.get('dest_addr'):
            params[libvirt.VIR_MIGRATE_PARAM_URI] = 'tcp://%s' % _uri_host(
                data['dest_addr'])
        if block_migration:
            disks = [target for target, _path in migrated_disks(xml)]
            if disks:
                params[libvirt.VIR_MIGRATE_PARAM_MIGRATE_DISKS] = disks
        return params

    def live_migration(self, context, instance, dest, post_method,
                       recover_method, block_migration=False,
                       migrate_data=None, progress=None):
        data = dict(migrate_data or {})
        try:
            guest = self._host.get_guest(instance)
            uri = data.get('dest_uri') or destination_uri(dest)
            flags = self._migration_flags(block_migration,
                                          data.get('shared_instance_path'))
            params = self._migration_params(guest, instance,
                                             block_migration, data)
        except Exception as exc:
            LOG.exception('Could not start the live migration to %s', dest,
                          instance_uuid=instance.uuid)
            recover_method(context, instance, dest, data,
                           exception.LiveMigrationFailed(
                               instance_uuid=instance.uuid,
                               reason=_error_text(exc)))
            return
        job = _Job(guest, flags)
        with self._lm_lock:
            self._lm_jobs()[instance.uuid] = job
        try:
            LOG.info('Live migration to %s (%s) starts%s', dest, uri,
                     ' with the disks' if block_migration else '',
                     instance_uuid=instance.uuid)
            copier = threading.Thread(
                target=self._run_migration, args=(job, uri, params),
                name='live-migration-%s' % instance.uuid, daemon=True)
            copier.start()
            self._monitor(instance, job, progress)
            copier.join()
        finally:
            with self._lm_lock:
                self._lm_jobs().pop(instance.uuid, None)
        if job.error is not None:
            if job.aborted and _error_code(job.error) in (
                    libvirt.VIR_ERR_OPERATION_ABORTED, None):
                exc = exception.LiveMigrationAborted(
                    instance_uuid=instance.uuid)
            else:
                exc = exception.LiveMigrationFailed(
                    instance_uuid=instance.uuid,
                    reason=_error_text(job.error))
            LOG.warning('Live migration to %s stopped: %s', dest,
                        _error_text(job.error), instance_uuid=instance.uuid)
            recover_method(context, instance, dest, data, exc)
            return
        if job.forced_pause:
            data['forced_pause'] = True
        LOG.info('Live migration to %s done', dest,
                 instance_uuid=instance.uuid)
        post_method(context, instance, dest, block_migration, data)

    @staticmethod
    def _run_migration(job, uri, params):
        try:
            job.guest.domain.migrateToURI3(uri, params, job.flags)
        except Exception as exc:
            job.error = exc
        finally:
            job.done.set()

    def _monitor(self, instance, job, progress):
        """Report the job's progress until it ends; apply the completion
        timeout."""
        started = time.monotonic()
        last = {}
        interval = FIRST_MONITOR_INTERVAL
        timed_out = False
        while not job.done.wait(interval):
            interval = MONITOR_INTERVAL
            try:
                stats = job.guest.job_info()
            except Exception as exc:
                # The domain leaves this host as the job ends.
                LOG.debug('No job statistics: %s', exc,
                          instance_uuid=instance.uuid)
                continue
            if stats.get('type') == libvirt.VIR_DOMAIN_JOB_NONE and \
                    not last:
                # Not started yet.
                continue
            amounts = {key: int(stats.get(key) or 0) for key in (
                'memory_total', 'memory_processed', 'memory_remaining',
                'disk_total', 'disk_processed', 'disk_remaining')}
            if amounts['memory_total'] or amounts['disk_total']:
                last = amounts
                self._report(instance, progress, amounts)
            limit = self._completion_limit(amounts)
            if limit and not timed_out and \
                    time.monotonic() - started > limit:
                timed_out = True
                self._on_timeout(instance, job, limit)
        if job.error is None:
            final = {
                'memory_total': last.get('memory_total', 0),
                'memory_processed': last.get('memory_total', 0),
                'memory_remaining': 0,
                'disk_total': last.get('disk_total', 0),
                'disk_processed': last.get('disk_total', 0),
                'disk_remaining': 0}
            self._report(instance, progress, final)

    @staticmethod
    def _report(instance, progress, amounts):
        if progress is None:
            return
        try:
            progress(**amounts)
        except Exception:
            LOG.exception('Could not report the live migration progress',
                          instance_uuid=instance.uuid)

    @staticmethod
    def _completion_limit(amounts):
        per_gib = CONF.libvirt.live_migration_completion_timeout
        if not per_gib:
            return None
        size = amounts['memory_total'] + amounts['disk_total']
        # At least the time one GiB is given.
        return per_gib * max(1.0, size / GiB)

    def _on_timeout(self, instance, job, limit):
        action = CONF.libvirt.live_migration_timeout_action
        LOG.warning('Live migration ran over its %.0f s completion '
                    'timeout: %s', limit, action.replace('_', ' '),
                    instance_uuid=instance.uuid)
        try:
            if action == 'force_complete':
                self._force_complete(instance, job)
            else:
                self._abort(instance, job)
        except Exception:
            LOG.exception('Could not act on the completion timeout',
                          instance_uuid=instance.uuid)

    def _running_job(self, instance):
        with self._lm_lock:
            job = self._lm_jobs().get(instance.uuid)
        if job is None or job.done.is_set():
            raise exception.LiveMigrationNotRunning(
                instance_uuid=instance.uuid, host=CONF.host)
        return job

    def live_migration_force_complete(self, instance):
        self._force_complete(instance, self._running_job(instance))

    def _force_complete(self, instance, job):
        if job.forced:
            return
        job.forced = True
        if job.flags & libvirt.VIR_MIGRATE_POSTCOPY:
            LOG.info('Live migration switches to post-copy',
                     instance_uuid=instance.uuid)
            job.guest.domain.migrateStartPostCopy(0)
            return
        # Without post-copy the guest stops changing its memory while
        # paused, so the copy converges; libvirt runs it again on the
        # destination.
        LOG.info('Live migration forced to complete: the guest is paused',
                 instance_uuid=instance.uuid)
        job.guest.pause()
        job.forced_pause = True

    def live_migration_abort(self, instance):
        self._abort(instance, self._running_job(instance))

    def _abort(self, instance, job):
        job.aborted = True
        try:
            job.guest.domain.abortJob()
        except libvirt.libvirtError as exc:
            if _error_code(exc) != libvirt.VIR_ERR_OPERATION_INVALID:
                raise
            # No job any more: the copy has just ended.
            raise exception.LiveMigrationNotRunning(
                instance_uuid=instance.uuid, host=CONF.host) from exc
        if job.forced_pause:
            # The guest stays here: let it run again.
            try:
                job.guest.resume()
            except libvirt.libvirtError:
                LOG.exception('Could not resume the guest after the abort',
                              instance_uuid=instance.uuid)

    # ------------------------------------------------------------------
    # After the copy
    # ------------------------------------------------------------------
    def post_live_migration(self, context, instance, block_device_info,
                            migrate_data=None):
        data = migrate_data or {}
        # UNDEFINE_SOURCE removed the definition; a leftover (a failed
        # undefine) must go, or this host would still count the guest.
        # A running guest of that uuid is the destination's, on a libvirtd
        # both hosts share: its taps are the same devices, keep them.
        shared_daemon = False
        guest = self._host.find_guest(instance)
        if guest is not None:
            try:
                if guest.is_active():
                    shared_daemon = True
                else:
                    guest.undefine()
            except libvirt.libvirtError:
                LOG.exception('Could not undefine the migrated guest',
                              instance_uuid=instance.uuid)
        if not data.get('shared_instance_path'):
            self._disks.remove(instance)
        if not shared_daemon:
            self._vifs.unplug_all(instance, libvirt_vif.vifs_of(instance))

    def post_live_migration_at_destination(self, context, instance,
                                           network_info,
                                           block_migration=False,
                                           block_device_info=None,
                                           migrate_data=None):
        data = migrate_data or {}
        # Plugged by pre_live_migration; again in case the ports changed.
        self._vifs.plug_all(instance, network_info)
        guest = self._host.get_guest(instance)
        if not guest.domain.isPersistent():
            guest = self._host.define(guest.xml(secure=True))
        if data.get('forced_pause') and \
                guest.power_state() == power_state.PAUSED:
            guest.resume()
        LOG.info('Guest %s taken over from %s', guest.name,
                 data.get('source_host'), instance_uuid=instance.uuid)

    def rollback_live_migration_at_destination(self, context, instance,
                                               network_info,
                                               block_device_info,
                                               destroy_disks=True,
                                               migrate_data=None):
        data = migrate_data or {}
        self._host.destroy_guest(instance)
        self._vifs.unplug_all(instance,
                              libvirt_vif.vifs_of(instance, network_info))
        if destroy_disks and data.get('dest_made_instance_dir') and \
                not data.get('shared_instance_path'):
            self._disks.remove(instance)

