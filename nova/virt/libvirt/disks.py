"""The files of each instance on a libvirt host.

Every instance owns a directory ``<instances_path>/<uuid>``::

    disk            root disk: qcow2 overlay over the cached image
                    ([libvirt] images_type = qcow2) or a raw full copy
    disk.local      ephemeral disk (flavor ephemeral_gb), blank
    disk.swap       swap disk (flavor swap, MiB), raw with a swap signature
    disk.rescue     boot disk of a rescue guest (over the rescue image)
    kernel, ramdisk copies of the image's kernel_id / ramdisk_id images
                    for a direct kernel boot (kernel.rescue, ramdisk.rescue
                    for a rescue image's)
    disk.config     the config drive (nova.metadata.configdrive), ISO 9660
                    or FAT, raw; disk.config.rescue that of a rescue guest
    console.log     the guest's first serial port
    disk.info       JSON {file name: format} of the disks made here, so
                    their format is known without probing them

``InstanceDisks`` makes, finds and removes these files; it never talks to
libvirt. A resize or cold migration moves the directory aside to
``<uuid>_resize`` until the move is confirmed or reverted.
"""

import json
import os
import shutil
import tempfile

from oslo_log import log as logging
from oslo_utils import fileutils

from nova import exception
from nova.metadata import configdrive
from nova.virt.libvirt import guest_config
from nova.virt.libvirt import images

LOG = logging.getLogger(__name__)

ROOT = 'disk'
EPHEMERAL = 'disk.local'
SWAP = 'disk.swap'
RESCUE = 'disk.rescue'
KERNEL = 'kernel'
RAMDISK = 'ramdisk'
CONFIG_DRIVE = 'disk.config'
CONFIG_DRIVE_RESCUE = 'disk.config.rescue'
CONSOLE_LOG = 'console.log'
DISK_INFO = 'disk.info'
RESIZE_SUFFIX = '_resize'
MiB = 1024 ** 2
GiB = 1024 ** 3

_attr = guest_config._attr
_image_properties = guest_config._image_properties
_flavor_value = guest_config._flavor_value


def flavor_swap_mb(instance):
    return int(_attr(_attr(instance, 'flavor'), 'swap', 0) or 0)


def image_id_of(instance, image_meta=None):
    """The id of the image the instance boots from."""
    return _attr(image_meta, 'id') or _attr(instance, 'image_ref')


class InstanceDisks:
    """Disks and boot files of instances under ``instances_path``.

    :param image_cache: an imagecache.ImageCache (its base_dir normally
        ``<instances_path>/_base``).
    :param images_type: 'qcow2' or 'raw', the format of new root and
        ephemeral disks.
    """

    def __init__(self, instances_path, image_cache, images_type='qcow2'):
        if images_type not in images.DISK_FORMATS:
            raise ValueError('images_type must be qcow2 or raw, not %r'
                             % images_type)
        self.instances_path = instances_path
        self.image_cache = image_cache
        self.images_type = images_type

    # ------------------------------------------------------------------
    # Paths
    # ------------------------------------------------------------------
    def instance_dir(self, instance):
        uuid = instance if isinstance(instance, str) else instance.uuid
        return os.path.join(self.instances_path, uuid)

    def resize_dir(self, instance):
        return self.instance_dir(instance) + RESIZE_SUFFIX

    def console_log_path(self, instance):
        return os.path.join(self.instance_dir(instance), CONSOLE_LOG)

    def path(self, instance, name):
        return os.path.join(self.instance_dir(instance), name)

    @property
    def snapshots_dir(self):
        return os.path.join(self.instances_path, 'snapshots')

    # ------------------------------------------------------------------
    # disk.info: the format of each disk made here
    # ------------------------------------------------------------------
    def _read_formats(self, directory):
        try:
            with open(os.path.join(directory, DISK_INFO)) as f:
                return dict(json.load(f))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as exc:
            LOG.warning('Ignoring unreadable %s in %s: %s', DISK_INFO,
                        directory, exc)
            return {}

    def _record_format(self, directory, name, fmt):
        formats = self._read_formats(directory)
        if fmt is None:
            formats.pop(name, None)
        else:
            formats[name] = fmt
        fd, tmp = tempfile.mkstemp(dir=directory, prefix='.disk.info-')
        try:
            with os.fdopen(fd, 'w') as f:
                json.dump(formats, f, sort_keys=True)
            os.replace(tmp, os.path.join(directory, DISK_INFO))
        finally:
            fileutils.delete_if_exists(tmp)

    def disk_format(self, directory, name):
        """The format of disk ``name`` in ``directory`` (recorded, else
        probed)."""
        fmt = self._read_formats(directory).get(name)
        if fmt:
            return fmt
        return images.info(os.path.join(directory, name)).format

    def _disk(self, instance, name):
        path = self.path(instance, name)
        if not os.path.exists(path):
            return None
        return guest_config.DiskImage(
            path, self.disk_format(self.instance_dir(instance), name))

    # ------------------------------------------------------------------
    # Making the disks
    # ------------------------------------------------------------------
    def prepare(self, context, instance, image_meta):
        """Create what ``instance`` needs to boot; the ``GuestFiles``.

        Disks that exist already are kept as they are (a second call,
        e.g. a hard reboot, changes nothing).
        """
        directory = self.instance_dir(instance)
        os.makedirs(directory, exist_ok=True)
        props = self._props_for(context, instance, image_meta)
        if not os.path.exists(self.path(instance, ROOT)):
            self._make_root(context, instance, image_id_of(instance,
                                                           image_meta))
        self.ensure_ephemeral(instance)
        self.ensure_swap(instance)
        self._fetch_boot_files(context, instance, props, '')
        return self.files(instance, image_meta)

    def _props_for(self, context, instance, image_meta):
        """The image properties: those of ``image_meta``, else of the
        instance's image record."""
        if image_meta is not None:
            return _image_properties(image_meta)
        image_id = image_id_of(instance)
        if not image_id:
            return {}
        try:
            return dict(self.image_cache.image_api.get(
                context, image_id).get('properties') or {})
        except exception.ImageNotFound:
            return {}

    def _make_root(self, context, instance, image_id, name=ROOT):
        if not image_id:
            raise exception.InvalidInput(
                reason='instance %s has no image to boot from (volume '
                       'boot is not supported by this driver)'
                       % instance.uuid)
        base = self.image_cache.fetch(context, image_id)
        base_size = images.info(base.path, fmt=base.disk_format).virtual_size
        root_gb = _flavor_value(instance, 'root_gb')
        size = root_gb * GiB
        if size and base_size > size:
            raise exception.FlavorDiskTooSmall(flavor_size=size,
                                               image_size=base_size)
        directory = self.instance_dir(instance)
        path = os.path.join(directory, name)
        tmp = path + '.part'
        try:
            if self.images_type == 'qcow2':
                images.create_overlay(tmp, base.path, base.disk_format,
                                      size=size or None)
            else:
                images.convert(base.path, tmp, 'raw',
                               src_format=base.disk_format)
                if size > base_size:
                    images.resize(tmp, size, fmt='raw')
            os.replace(tmp, path)
        finally:
            fileutils.delete_if_exists(tmp)
        self._record_format(directory, name, self.images_type)
        LOG.info('Created %s disk %s from image %s', self.images_type,
                 path, image_id, instance_uuid=instance.uuid)

    def ensure_ephemeral(self, instance):
        """A blank ephemeral disk of the flavor's ephemeral_gb, when it
        asks for one and there is none yet."""
        size = _flavor_value(instance, 'ephemeral_gb') * GiB
        if size:
            self._make_blank(instance, EPHEMERAL, self.images_type, size)

    def ensure_swap(self, instance):
        size = flavor_swap_mb(instance) * MiB
        if size:
            self._make_blank(instance, SWAP, 'raw', size, swap=True)

    def _make_blank(self, instance, name, fmt, size, swap=False):
        directory = self.instance_dir(instance)
        path = os.path.join(directory, name)
        if os.path.exists(path):
            return
        tmp = path + '.part'
        try:
            images.create(tmp, fmt, size)
            if swap:
                images.make_swap(tmp)
            os.replace(tmp, path)
        finally:
            fileutils.delete_if_exists(tmp)
        self._record_format(directory, name, fmt)

    def make_config_drive(self, instance, md, name=CONFIG_DRIVE):
        """Write the config drive of ``md`` (an InstanceMetadata) as
        ``name`` in the instance directory, replacing one made before."""
        directory = self.instance_dir(instance)
        os.makedirs(directory, exist_ok=True)
        path = os.path.join(directory, name)
        configdrive.build(md, path)
        self._record_format(directory, name, 'raw')
        LOG.info('Created config drive %s (%s)', path,
                 configdrive.file_system(path), instance_uuid=instance.uuid)

    def config_drive(self, instance, name=CONFIG_DRIVE):
        """(path, file system) of the config drive ``name`` of the
        instance, or (None, None) when it has none."""
        path = self.path(instance, name)
        if not os.path.exists(path):
            return None, None
        return path, configdrive.file_system(path)

    def _fetch_boot_files(self, context, instance, props, suffix):
        """Copy the kernel_id / ramdisk_id images of ``props`` into the
        instance directory (as kernel<suffix>, ramdisk<suffix>)."""
        for prop, name in (('kernel_id', KERNEL), ('ramdisk_id', RAMDISK)):
            image_id = props.get(prop)
            path = self.path(instance, name + suffix)
            if not image_id or os.path.exists(path):
                continue
            cached = self.image_cache.fetch(context, image_id,
                                            want_format='raw')
            tmp = path + '.part'
            try:
                shutil.copyfile(cached.path, tmp)
                os.replace(tmp, path)
            finally:
                fileutils.delete_if_exists(tmp)

    # ------------------------------------------------------------------
    # What exists
    # ------------------------------------------------------------------
    def files(self, instance, image_meta=None):
        """The ``GuestFiles`` of what exists in the instance directory
        (nothing is downloaded or created)."""
        root = self._disk(instance, ROOT)
        if root is None:
            raise exception.InstanceNotFoundOnHypervisor(
                instance_id=instance.uuid)

        def existing(name):
            path = self.path(instance, name)
            return path if os.path.exists(path) else None

        drive, drive_fs = self.config_drive(instance)
        return guest_config.GuestFiles(
            root=root, ephemeral=self._disk(instance, EPHEMERAL),
            swap=self._disk(instance, SWAP),
            kernel=existing(KERNEL), ramdisk=existing(RAMDISK),
            console_log=self.console_log_path(instance),
            config_drive=drive,
            config_drive_format=drive_fs or configdrive.ISO9660)

    def root_backing_file(self, instance):
        """The backing file of the root disk (None for a raw or flat
        disk)."""
        root = self._disk(instance, ROOT)
        if root is None or root.disk_format != 'qcow2':
            return None
        return images.info(root.path, fmt='qcow2').backing_file

    # ------------------------------------------------------------------
    # Rescue
    # ------------------------------------------------------------------
    def prepare_rescue(self, context, instance, rescue_image_meta=None):
        """The ``GuestFiles`` of a rescue guest: a fresh disk.rescue over
        the rescue image (the instance's own image when none is named)
        booting first, the instance's root disk second; a direct kernel
        boot uses the rescue image's kernel and ramdisk."""
        self.remove_rescue(instance)
        image_id = image_id_of(instance, rescue_image_meta)
        props = (_image_properties(rescue_image_meta)
                 if _attr(rescue_image_meta, 'id') else
                 self._props_for(context, instance, None))
        self._make_root(context, instance, image_id, name=RESCUE)
        self._fetch_boot_files(context, instance, props, '.rescue')
        files = self.files(instance)
        files.rescue = self._disk(instance, RESCUE)
        files.ephemeral = files.swap = None
        kernel = self.path(instance, KERNEL + '.rescue')
        ramdisk = self.path(instance, RAMDISK + '.rescue')
        files.kernel = kernel if os.path.exists(kernel) else None
        files.ramdisk = ramdisk if os.path.exists(ramdisk) else None
        return files

    def remove_rescue(self, instance):
        directory = self.instance_dir(instance)
        for name in (RESCUE, KERNEL + '.rescue', RAMDISK + '.rescue',
                     CONFIG_DRIVE_RESCUE):
            fileutils.delete_if_exists(os.path.join(directory, name))
        if os.path.isdir(directory):
            self._record_format(directory, RESCUE, None)
            self._record_format(directory, CONFIG_DRIVE_RESCUE, None)

    # ------------------------------------------------------------------
    # Snapshot
    # ------------------------------------------------------------------
    def export_root(self, instance, out_format='qcow2'):
        """A flattened copy of the root disk in ``out_format`` (raw or
        qcow2), in a temporary file the caller deletes."""
        root = self._disk(instance, ROOT)
        if root is None:
            raise exception.InstanceNotFoundOnHypervisor(
                instance_id=instance.uuid)
        os.makedirs(self.snapshots_dir, exist_ok=True)
        fd, path = tempfile.mkstemp(dir=self.snapshots_dir,
                                    prefix=instance.uuid + '-',
                                    suffix='.' + out_format)
        os.close(fd)
        try:
            images.convert(root.path, path, out_format,
                           src_format=root.disk_format, force_share=True)
        except Exception:
            fileutils.delete_if_exists(path)
            raise
        return path

    # ------------------------------------------------------------------
    # Removal and moves
    # ------------------------------------------------------------------
    def remove(self, instance):
        """Delete the instance directory and everything in it."""
        directory = self.instance_dir(instance)
        if os.path.isdir(directory):
            shutil.rmtree(directory, ignore_errors=True)
            LOG.info('Deleted instance files %s', directory,
                     instance_uuid=_attr(instance, 'uuid', instance))

    def move_aside(self, instance):
        """Rename the instance directory to ``<dir>_resize`` (a resize or
        cold migration starts); returns the new path."""
        directory = self.instance_dir(instance)
        aside = self.resize_dir(instance)
        if os.path.isdir(aside):
            # Left over by an earlier move that failed half way.
            shutil.rmtree(aside)
        os.rename(directory, aside)
        return aside

    def restore_aside(self, instance):
        """Put ``<dir>_resize`` back in place of the instance directory
        (a move is reverted); a no-op when there is nothing aside."""
        aside = self.resize_dir(instance)
        if not os.path.isdir(aside):
            return False
        directory = self.instance_dir(instance)
        if os.path.isdir(directory):
            shutil.rmtree(directory)
        os.rename(aside, directory)
        return True

    def remove_aside(self, instance):
        """Delete ``<dir>_resize`` (a move is confirmed)."""
        aside = self.resize_dir(instance)
        if os.path.isdir(aside):
            shutil.rmtree(aside, ignore_errors=True)

    def backing_files_in_use(self):
        """Backing files of every qcow2 disk under instances_path
        (instances moved aside for a resize included)."""
        in_use = set()
        try:
            names = os.listdir(self.instances_path)
        except FileNotFoundError:
            return in_use
        cache_dir = os.path.realpath(self.image_cache.base_dir)
        for name in names:
            directory = os.path.join(self.instances_path, name)
            if (os.path.realpath(directory) == cache_dir or
                    not os.path.isdir(directory)):
                continue
            for disk, fmt in self._read_formats(directory).items():
                path = os.path.join(directory, disk)
                if fmt != 'qcow2' or not os.path.exists(path):
                    continue
                try:
                    backing = images.info(path, fmt='qcow2').backing_file
                except images.QemuImgError as exc:
                    LOG.warning('Cannot read %s: %s', path, exc)
                    continue
                if backing:
                    in_use.add(backing)
        return in_use

    def clean_image_cache(self, min_age_seconds=86400):
        """Remove cached images no instance disk of this host uses and
        nobody fetched for ``min_age_seconds``; the removed paths."""
        return self.image_cache.remove_unused(self.backing_files_in_use(),
                                              min_age_seconds)

    def grow_root(self, instance, size):
        """Grow the root disk to ``size`` bytes when it is smaller."""
        root = self._disk(instance, ROOT)
        current = images.info(root.path, fmt=root.disk_format).virtual_size
        if size > current:
            images.resize(root.path, size, fmt=root.disk_format)
        elif size and size < current:
            raise exception.CannotResizeDisk(
                reason='the root disk is %d bytes, the flavor %d bytes: '
                       'disks cannot shrink' % (current, size))

    def drop_disk(self, instance, name):
        directory = self.instance_dir(instance)
        fileutils.delete_if_exists(os.path.join(directory, name))
        if os.path.isdir(directory):
            self._record_format(directory, name, None)
