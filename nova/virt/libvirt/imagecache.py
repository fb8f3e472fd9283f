"""The host's cache of images: each image downloaded once, then shared.

Cached files live in ``base_dir`` (``<instances_path>/_base``), named by
the SHA-1 of the image id as upstream nova names them, and serve as the
backing files of the instances' qcow2 overlays (or the source of their raw
copies). A download takes a lock per image that holds across threads and
processes (lockutils' external lock: an fcntl lock on a file under
``base_dir/locks``), goes to a temporary file and is renamed into place
once checked, so no reader ever sees half an image.

The downloaded bytes are checked with ``qemu-img info`` before use, not
taken on the image record's word: the probed format must be the declared
one, and an image may not point at other files (a qcow2 backing file or
external data file, or a VMDK descriptor's extents, would let a user read
any file of the host through their guest). Formats other than raw and qcow2 are converted to qcow2.
"""

import hashlib
import os
import tempfile
import time

from oslo_concurrency import lockutils
from oslo_log import log as logging
from oslo_utils import fileutils

from nova.virt.libvirt import guest_config
from nova.virt.libvirt import images

LOG = logging.getLogger(__name__)

# Declared formats that are raw bytes as far as qemu-img can tell
# (AMI-style kernel, ramdisk and machine images).
_RAW_ALIASES = ('raw', 'aki', 'ari', 'ami')
# Formats qemu-img reads that the cache converts to qcow2.
_CONVERTIBLE = ('vmdk', 'vdi', 'vhd', 'vpc', 'vhdx')
_QEMU_NAMES = {'vhd': 'vpc'}
_QCOW2_MAGIC = b'QFI\xfb'
_VMDK_SINGLE_FILE = ('monolithicSparse', 'streamOptimized')


def cache_name(image_id):
    """The file name of ``image_id`` in the cache."""
    return hashlib.sha1(str(image_id).encode('utf-8')).hexdigest()


def _cached_format(path):
    """The format of a file of the cache. Only checked raw and qcow2
    files are there, and a raw one starting like a qcow2 file was refused
    at download, so the qcow2 magic is enough to tell them apart."""
    with open(path, 'rb') as f:
        return 'qcow2' if f.read(4) == _QCOW2_MAGIC else 'raw'


def _temp_beside(path):
    """A new empty temporary file in the directory of ``path``."""
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path),
                               prefix=os.path.basename(path) + '.part-')
    os.close(fd)
    return tmp


class ImageCache:
    """Images of the image service as local files under ``base_dir``.

    :param image_api: a nova.image.api.API (or anything with get and
        download); the default one when None.
    """

    def __init__(self, base_dir, image_api=None):
        self.base_dir = base_dir
        self._image_api = image_api

    @property
    def image_api(self):
        if self._image_api is None:
            from nova.image import api as image_api
            self._image_api = image_api.API()
        return self._image_api

    @property
    def lock_dir(self):
        return os.path.join(self.base_dir, 'locks')

    def path_of(self, image_id, disk_format=None):
        """Where ``image_id`` is cached (as ``disk_format`` when a copy
        in that format was asked for)."""
        name = cache_name(image_id)
        if disk_format:
            name += '.' + disk_format
        return os.path.join(self.base_dir, name)

    def lookup(self, image_id, want_format=None):
        """The cached ``DiskImage`` of ``image_id``, or None."""
        for path in ((self.path_of(image_id, want_format),) if want_format
                     else ()) + (self.path_of(image_id),):
            if os.path.exists(path):
                fmt = _cached_format(path)
                if want_format is None or fmt == want_format:
                    return guest_config.DiskImage(path, fmt)
        return None

    def fetch(self, context, image_id, want_format=None):
        """The image as a local file: a ``guest_config.DiskImage`` of the
        cached copy, downloaded first if needed.

        :param want_format: 'raw' or 'qcow2' to get a copy in exactly
            that format; None accepts the cached raw or qcow2 file.
        :raises images.ImageUnacceptable: the data is not what the
            record says or refers to other files.
        """
        if want_format not in (None,) + images.DISK_FORMATS:
            raise ValueError('want_format must be raw or qcow2, not %r'
                             % want_format)
        found = self.lookup(image_id, want_format)
        if found is not None:
            self._touch(found.path)
            return found
        os.makedirs(self.base_dir, exist_ok=True)
        with lockutils.lock('image-' + cache_name(image_id), external=True,
                            lock_path=self.lock_dir):
            # Another thread or process may have done it while we waited.
            found = self.lookup(image_id, want_format)
            if found is not None:
                return found
            base = self.lookup(image_id)
            if base is None:
                base = self._download(context, image_id)
            if want_format is None or base.disk_format == want_format:
                return base
            return self._convert(base, self.path_of(image_id, want_format),
                                 want_format)

    def _download(self, context, image_id):
        record = self.image_api.get(context, image_id)
        declared = record.get('disk_format') or 'raw'
        final = self.path_of(image_id)
        tmp = _temp_beside(final)
        LOG.info('Downloading image %s into the cache (%s)', image_id,
                 final)
        try:
            self.image_api.download(context, image_id, dst_path=tmp)
            found = self._check(image_id, tmp, declared)
            if found.format not in images.DISK_FORMATS:
                converted = self._convert(
                    guest_config.DiskImage(tmp, found.format),
                    final, 'qcow2')
                return converted
            os.chmod(tmp, 0o644)
            os.replace(tmp, final)
        finally:
            fileutils.delete_if_exists(tmp)
        return guest_config.DiskImage(final, found.format)

    @staticmethod
    def _check(image_id, path, declared):
        """``qemu-img info`` of the downloaded file, or ImageUnacceptable
        when it does not match ``declared`` or points elsewhere."""
        if declared in _RAW_ALIASES:
            expected = 'raw'
        elif declared in ('qcow2',) + _CONVERTIBLE:
            expected = _QEMU_NAMES.get(declared, declared)
        else:
            raise images.ImageUnacceptable(
                image_id=image_id,
                reason='disk_format %r cannot back a guest disk' % declared)
        try:
            found = images.info(path, force_share=False)
        except images.QemuImgError as exc:
            raise images.ImageUnacceptable(image_id=image_id,
                                           reason=exc.format_message())
        if found.format != expected:
            raise images.ImageUnacceptable(
                image_id=image_id,
                reason='its data is %s but its disk_format says %s'
                       % (found.format, declared))
        if found.backing_file:
            raise images.ImageUnacceptable(
                image_id=image_id,
                reason='it has a backing file (%s)' % found.backing_file)
        if found.data_file:
            raise images.ImageUnacceptable(
                image_id=image_id,
                reason='it has an external data file (%s)'
                       % found.data_file)
        if found.format == 'vmdk':
            # A descriptor VMDK names its extents, which may be any file
            # of the host: only the single-file kinds are taken.
            create_type = found.specific.get('create-type')
            if create_type not in _VMDK_SINGLE_FILE:
                raise images.ImageUnacceptable(
                    image_id=image_id,
                    reason='vmdk create-type %s may refer to other files '
                           '(accepted: %s)' % (create_type,
                                               ', '.join(_VMDK_SINGLE_FILE)))
        if found.encrypted:
            raise images.ImageUnacceptable(image_id=image_id,
                                           reason='it is encrypted')
        return found

    @staticmethod
    def _convert(source, final, out_format):
        tmp = _temp_beside(final)
        try:
            images.convert(source.path, tmp, out_format,
                           src_format=source.disk_format)
            os.chmod(tmp, 0o644)
            os.replace(tmp, final)
        finally:
            fileutils.delete_if_exists(tmp)
        LOG.info('Cached %s as %s (%s)', source.path, final, out_format)
        return guest_config.DiskImage(final, out_format)

    @staticmethod
    def _touch(path):
        # The modification time says when the file was last used.
        try:
            os.utime(path)
        except OSError:
            pass

    def remove_unused(self, in_use, min_age_seconds=86400):
        """Delete cached files older than ``min_age_seconds`` that no
        path in ``in_use`` (backing files of the host's disks) names.
        Each file is removed under its image's lock, and a fetch touches
        the file it returns, so an image being used right now stays.
        Returns the removed paths."""
        in_use = {os.path.realpath(p) for p in in_use}
        removed = []
        try:
            names = sorted(os.listdir(self.base_dir))
        except FileNotFoundError:
            return removed
        for name in names:
            path = os.path.join(self.base_dir, name)
            if (not os.path.isfile(path) or '.part-' in name or
                    os.path.realpath(path) in in_use):
                continue
            with lockutils.lock('image-' + name.split('.', 1)[0],
                                external=True, lock_path=self.lock_dir):
                try:
                    if time.time() - os.path.getmtime(path) < \
                            min_age_seconds:
                        continue
                    os.unlink(path)
                except OSError:
                    continue
            LOG.info('Removed unused cached image %s', path)
            removed.append(path)
        return removed
