"""Snapshot, resize and cold migration of libvirt guests.

A mixin of LibvirtDriver (nova.virt.libvirt.driver), which provides the
pieces used here: ``self._host`` (guests), ``self._disks`` (the instance
files, disks.InstanceDisks), ``self._stop_guest``, ``self._domain_for``,
``self._launch``, ``self._image_meta``, ``self._owns``, ``self._undefine``
and ``self._config_drive``.

Snapshots are cold, as upstream nova's default: a running guest is saved
to disk (managed save) while its root disk is flattened into a copy,
then restored, so the copy is consistent and the guest keeps its memory.

A resize or cold migration moves the whole instance directory:

    source  migrate_disk_and_power_off  stop the guest (its definition
            stays), rename <dir> to <dir>_resize, tell the destination
            what to copy (disk_info, JSON)
    dest    finish_migration            copy the disks from the source's
            <dir>_resize ([libvirt] remote_filesystem_transport) with the
            config drive, grow the root disk to the new flavor, add
            ephemeral and swap, define and start the guest
    source  confirm_migration           delete <dir>_resize (and the old
            definition when the guest moved to another host)
    source  finish_revert_migration     put <dir>_resize back and start
            the guest with its old flavor (on the same host, the resized
            guest is stopped first: it has the same name)
"""

import json
import os

from oslo_concurrency import processutils
from oslo_log import log as logging

from nova import conf as nova_conf
from nova import exception
from nova.image import api as image_api
from nova.states import power_state
from nova.states import task_states
from nova.virt.libvirt import disks as disks_mod
from nova.virt.libvirt import guest_config
from nova.virt.libvirt import images
from nova.virt.libvirt import vif as libvirt_vif

CONF = nova_conf.CONF
LOG = logging.getLogger(__name__)

_attr = guest_config._attr
# Instance files a move carries over (the console log starts afresh).
MOVED_FILES = (disks_mod.ROOT, disks_mod.EPHEMERAL, disks_mod.SWAP,
               disks_mod.KERNEL, disks_mod.RAMDISK, disks_mod.CONFIG_DRIVE)
_STOPPED = (power_state.SHUTDOWN, power_state.CRASHED, power_state.NOSTATE)
# system_metadata image_<key> entries that are record fields, not
# properties.
_IMAGE_FIELDS = ('disk_format', 'container_format', 'min_ram', 'min_disk',
                 'base_image_ref')


def image_meta_of(instance):
    """The image description of ``instance`` from what it recorded at
    build time (system_metadata image_*), without asking the image
    service: the image may be gone since."""
    sysmeta = dict(_attr(instance, 'system_metadata', {}) or {})
    meta = {'id': _attr(instance, 'image_ref'), 'properties': {}}
    for key, value in sysmeta.items():
        if not key.startswith('image_') or value is None:
            continue
        field = key[len('image_'):]
        if field in _IMAGE_FIELDS:
            meta[field] = value
        else:
            meta['properties'][field] = value
    return meta


def snapshot_format(disk_format):
    """The format a snapshot's data is written in: the image record's
    (inherited from the server's image), raw for AMI-style records and
    qcow2 when the record names none."""
    if not disk_format:
        return 'qcow2'
    if disk_format in ('ami', 'aki', 'ari'):
        return 'raw'
    if disk_format not in images.EXPORT_FORMATS:
        raise exception.InvalidInput(
            reason='cannot write a snapshot as disk_format %s'
                   % disk_format)
    return disk_format


def copy_file(src, dst, source_host=None, transport='local'):
    """Copy ``src`` (on ``source_host``) to the local path ``dst``.

    local: a plain copy (cp, keeping holes); ssh: scp from the source;
    rsync: rsync over SSH from the source.
    """
    if transport == 'local' or not source_host:
        cmd = ('cp', '--sparse=always', src, dst)
    elif transport == 'ssh':
        cmd = ('scp', '-q', '-B', '-o', 'StrictHostKeyChecking=yes',
               '%s:%s' % (source_host, src), dst)
    elif transport == 'rsync':
        cmd = ('rsync', '--sparse', '--compress', '-e', 'ssh -o BatchMode=yes',
               '%s:%s' % (source_host, src), dst)
    else:
        raise ValueError('unknown transport %r' % transport)
    try:
        processutils.execute(*cmd)
    except processutils.ProcessExecutionError as exc:
        raise exception.MigrationError(
            reason='copying %s from %s failed: %s' % (
                src, source_host or 'this host',
                (exc.stderr or str(exc)).strip()))


class ColdMoveSteps(object):
    """Mixin of LibvirtDriver: snapshot and the cold move steps."""

    # The driver's VIF plugger (LibvirtDriver sets its own).
    _vifs = libvirt_vif.VifDriver()

    # ------------------------------------------------------------------
    # Snapshot
    # ------------------------------------------------------------------
    def snapshot(self, context, instance, image_id, update_task_state):
        images_api = image_api.API()
        record = images_api.get(context, image_id)
        out_format = snapshot_format(record.get('disk_format'))
        guest = self._host.get_guest(instance)
        state = guest.power_state()
        update_task_state(task_state=task_states.IMAGE_PENDING_UPLOAD)
        saved = state in (power_state.RUNNING, power_state.PAUSED)
        if saved:
            # The guest's memory goes to disk and its disks stop
            # changing; starting the domain again restores it.
            guest.managed_save()
        try:
            path = self._disks.export_root(instance, out_format)
        finally:
            if saved:
                # The managed save remembers a paused guest's state.
                guest.launch()
                if (state == power_state.PAUSED and
                        guest.power_state() != power_state.PAUSED):
                    guest.pause()
                LOG.info('Guest restored after its disk was copied',
                         instance_uuid=instance.uuid)
        try:
            update_task_state(task_state=task_states.IMAGE_UPLOADING,
                              expected_state=task_states.IMAGE_PENDING_UPLOAD)
            with open(path, 'rb') as data:
                images_api.upload(context, image_id, data)
        finally:
            os.unlink(path)
        LOG.info('Snapshot of the root disk uploaded as image %s (%s)',
                 image_id, out_format, instance_uuid=instance.uuid)

    # ------------------------------------------------------------------
    # Resize and cold migration: source
    # ------------------------------------------------------------------
    def migrate_disk_and_power_off(self, context, instance, dest, flavor,
                                   network_info, block_device_info=None,
                                   timeout=0, retry_interval=0):
        self._check_disks_fit(instance, flavor)
        guest = self._host.get_guest(instance)
        if guest.power_state() not in _STOPPED:
            self._stop_guest(guest, timeout=timeout,
                             retry_interval=retry_interval)
        directory = self._disks.instance_dir(instance)
        moved = []
        for name in MOVED_FILES:
            if not os.path.exists(os.path.join(directory, name)):
                continue
            entry = {'name': name}
            if name not in (disks_mod.KERNEL, disks_mod.RAMDISK):
                entry['format'] = self._disks.disk_format(directory, name)
            moved.append(entry)
        aside = self._disks.move_aside(instance)
        # The ports are bound to the destination now; finish_revert_migration
        # plugs them here again.
        self._vifs.unplug_all(instance,
                              libvirt_vif.vifs_of(instance, network_info))
        for entry in moved:
            entry['path'] = os.path.join(aside, entry['name'])
            if entry.get('format') == 'qcow2':
                entry['backing_file'] = images.info(
                    entry['path'], fmt='qcow2').backing_file
        LOG.info('Guest stopped and its files moved to %s for the move to '
                 '%s', aside, dest, instance_uuid=instance.uuid)
        # ssh and rsync reach the source by this name (upstream nova
        # passes the hosts' my_ip where it has one).
        source_host = getattr(CONF, 'my_ip', None) or CONF.host
        return json.dumps({'source_host': source_host,
                           'instance_dir': aside,
                           'image_ref': _attr(instance, 'image_ref'),
                           'disks': moved})

    def _check_disks_fit(self, instance, flavor):
        """Disks only grow: refuse a flavor with a smaller root or
        ephemeral disk than the instance's disks (before touching the
        guest)."""
        directory = self._disks.instance_dir(instance)
        checks = ((disks_mod.ROOT, 'root_gb'),
                  (disks_mod.EPHEMERAL, 'ephemeral_gb'))
        for name, field in checks:
            path = os.path.join(directory, name)
            new_size = int(_attr(flavor, field, 0) or 0) * disks_mod.GiB
            if not os.path.exists(path):
                continue
            if name == disks_mod.ROOT and not new_size:
                continue    # root_gb 0: the image's size, kept as it is
            current = images.info(
                path, fmt=self._disks.disk_format(directory, name)
            ).virtual_size
            if new_size < current:
                raise exception.CannotResizeDisk(
                    reason='the %s disk is %d bytes and the new flavor\'s '
                           '%s gives %d: disks cannot shrink'
                           % ('root' if name == disks_mod.ROOT
                              else 'ephemeral', current, field, new_size))

    # ------------------------------------------------------------------
    # Destination
    # ------------------------------------------------------------------
    def finish_migration(self, context, migration, instance, disk_info,
                         network_info, image_meta, resize_instance,
                         allocations, block_device_info=None, power_on=True):
        info = json.loads(disk_info) if disk_info else {}
        if not info.get('disks'):
            raise exception.MigrationError(
                reason='the source sent no disks for instance %s'
                       % instance.uuid)
        same_host = (_attr(migration, 'source_compute') ==
                     _attr(migration, 'dest_compute'))
        transport = ('local' if same_host else
                     CONF.libvirt.remote_filesystem_transport)
        directory = self._disks.instance_dir(instance)
        os.makedirs(directory, exist_ok=True)
        for entry in info['disks']:
            target = os.path.join(directory, entry['name'])
            if os.path.realpath(entry['path']) != os.path.realpath(target):
                copy_file(entry['path'], target, info.get('source_host'),
                          transport)
            if entry.get('format'):
                self._disks._record_format(directory, entry['name'],
                                           entry['format'])
            if entry.get('backing_file'):
                self._adopt_backing_file(context, instance, target,
                                         entry['backing_file'],
                                         info.get('image_ref'))
        if resize_instance:
            root_size = guest_config._flavor_value(instance, 'root_gb') * \
                disks_mod.GiB
            self._disks.grow_root(instance, root_size)
        self._resize_ephemeral_and_swap(instance)
        image_meta = self._moved_image_meta(context, instance, image_meta)
        files = self._disks.files(instance, image_meta)
        self._config_drive(instance, image_meta, files, network_info)
        domain = self._domain_for(instance, image_meta, files,
                                  network_info=network_info)
        self._vifs.plug_all(instance, network_info)
        self._launch(instance, domain, power_on=power_on)
        LOG.info('Guest moved in from %s%s', info.get('source_host'),
                 '' if power_on else ' (left stopped)',
                 instance_uuid=instance.uuid)

    def _moved_image_meta(self, context, instance, image_meta):
        """The image description a moved guest is rebuilt with: the one
        given, else what the instance recorded of its image at build time,
        else the image service's record."""
        if image_meta is not None and _attr(image_meta, 'properties'):
            return image_meta
        recorded = image_meta_of(instance)
        if recorded['properties'] or len(recorded) > 2:
            return recorded
        return self._image_meta(context, image_meta,
                                _attr(instance, 'image_ref'))

    def _adopt_backing_file(self, context, instance, disk, backing_file,
                            image_ref):
        """Make the copied overlay ``disk`` use this host's cached copy
        of its image; the source's copy is used only while it is readable
        here and the image can no longer be downloaded."""
        cache = self._disks.image_cache
        try:
            base = cache.fetch(context, image_ref) if image_ref else None
        except exception.NotFound as exc:
            LOG.warning('Cannot fetch image %s (%s); the disk keeps its '
                        'backing file %s', image_ref, exc.format_message(),
                        backing_file, instance_uuid=instance.uuid)
            base = None
        if base is None:
            if not os.path.exists(backing_file):
                raise exception.MigrationError(
                    reason='the backing file %s of %s is not on this host '
                           'and image %s cannot be downloaded'
                           % (backing_file, disk, image_ref))
            return
        if os.path.realpath(base.path) != os.path.realpath(backing_file):
            images.rebase_unsafe(disk, base.path, base.disk_format)

    def _resize_ephemeral_and_swap(self, instance):
        """Ephemeral disks keep their data and grow to the flavor's
        ephemeral_gb (new ones are made, a flavor without leaves none);
        the swap disk is made anew at the flavor's size."""
        directory = self._disks.instance_dir(instance)
        eph_size = guest_config._flavor_value(instance, 'ephemeral_gb') * \
            disks_mod.GiB
        eph_path = os.path.join(directory, disks_mod.EPHEMERAL)
        if not eph_size:
            self._disks.drop_disk(instance, disks_mod.EPHEMERAL)
        elif os.path.exists(eph_path):
            fmt = self._disks.disk_format(directory, disks_mod.EPHEMERAL)
            if images.info(eph_path, fmt=fmt).virtual_size < eph_size:
                images.resize(eph_path, eph_size, fmt=fmt)
        else:
            self._disks.ensure_ephemeral(instance)
        swap_path = os.path.join(directory, disks_mod.SWAP)
        swap_size = disks_mod.flavor_swap_mb(instance) * disks_mod.MiB
        if (os.path.exists(swap_path) and
                os.path.getsize(swap_path) != swap_size):
            self._disks.drop_disk(instance, disks_mod.SWAP)
        self._disks.ensure_swap(instance)

    # ------------------------------------------------------------------
    # Confirm and revert (source)
    # ------------------------------------------------------------------
    def confirm_migration(self, context, migration, instance, network_info):
        self._disks.remove_aside(instance)
        same_host = (_attr(migration, 'source_compute') ==
                     _attr(migration, 'dest_compute'))
        if same_host:
            return
        # The guest runs elsewhere now: forget its old definition here.
        try:
            guest = self._host.get_guest(instance)
        except exception.InstanceNotFoundOnHypervisor:
            return
        if not self._owns(guest):
            # Computes sharing one libvirtd: the domain of that name is
            # the destination's now (its disks are not under our path).
            return
        if guest.power_state() not in _STOPPED:
            guest.poweroff()
        self._undefine(guest)
        LOG.info('Move confirmed: old guest and files removed',
                 instance_uuid=instance.uuid)

    def finish_revert_migration(self, context, instance, network_info,
                                migration, block_device_info=None,
                                power_on=True):
        if not os.path.isdir(self._disks.resize_dir(instance)) and \
                not os.path.isdir(self._disks.instance_dir(instance)):
            raise exception.InstanceNotFoundOnHypervisor(
                instance_id=instance.uuid)
        guest = self._host.find_guest(instance)
        if (guest is not None and self._owns(guest) and
                guest.power_state() not in _STOPPED):
            # The resized guest of a move on this host: same domain.
            guest.poweroff()
        self._disks.restore_aside(instance)
        image_meta = self._moved_image_meta(context, instance, None)
        files = self._disks.files(instance, image_meta)
        domain = self._domain_for(instance, image_meta, files,
                                  network_info=network_info)
        self._vifs.plug_all(instance, network_info)
        self._launch(instance, domain, power_on=power_on)
        LOG.info('Move reverted: guest back with its old flavor%s',
                 '' if power_on else ' (left stopped)',
                 instance_uuid=instance.uuid)
