"""qemu-img, the tool that reads, creates and converts guest disk files.

Every call runs ``qemu-img`` as a child process through
oslo.concurrency's processutils; a failure raises ``QemuImgError`` naming
the action, the file and qemu-img's own message. ``info()`` without a
format probes a file that a user may have uploaded, so it runs with
limits on its address space and CPU time: a crafted header must not take
the compute host down.

Sizes are bytes throughout.
"""

import dataclasses
import json
import os
import shutil
from typing import Optional

from oslo_concurrency import processutils
from oslo_log import log as logging

from nova import exception

LOG = logging.getLogger(__name__)

QEMU_IMG = 'qemu-img'
# Limits of "qemu-img info" on untrusted files (as upstream nova).
INFO_LIMITS = processutils.ProcessLimits(address_space=1024 ** 3,
                                         cpu_time=30)
# Formats nova creates instance disks in.
DISK_FORMATS = ('qcow2', 'raw')
# Formats convert() writes (a snapshot keeps its image record's format);
# Glance's name of a format -> qemu-img's.
EXPORT_FORMATS = {'raw': 'raw', 'qcow2': 'qcow2', 'vmdk': 'vmdk',
                  'vdi': 'vdi', 'vhd': 'vpc', 'vhdx': 'vhdx'}
GiB = 1024 ** 3


class QemuImgError(exception.NovaException):
    msg_fmt = 'qemu-img %(action)s of %(path)s failed: %(reason)s'


class ImageUnacceptable(exception.Invalid):
    msg_fmt = 'Image %(image_id)s is unacceptable: %(reason)s'


@dataclasses.dataclass
class ImageInfo:
    """What ``qemu-img info`` says of one file."""

    path: str
    format: str
    virtual_size: int
    actual_size: int = 0
    backing_file: Optional[str] = None
    backing_format: Optional[str] = None
    cluster_size: Optional[int] = None
    encrypted: bool = False
    data_file: Optional[str] = None
    # qemu-img's format-specific data (e.g. a vmdk's create-type and
    # extents).
    specific: dict = dataclasses.field(default_factory=dict)

    @classmethod
    def from_json(cls, path, text):
        try:
            data = json.loads(text)
        except ValueError as exc:
            raise QemuImgError(action='info', path=path,
                               reason='unreadable output: %s' % exc)
        specific = (data.get('format-specific') or {}).get('data') or {}
        return cls(path=path, format=data.get('format'),
                   virtual_size=int(data.get('virtual-size') or 0),
                   actual_size=int(data.get('actual-size') or 0),
                   backing_file=data.get('full-backing-filename') or
                   data.get('backing-filename'),
                   backing_format=data.get('backing-filename-format'),
                   cluster_size=data.get('cluster-size'),
                   encrypted=bool(data.get('encrypted')),
                   data_file=specific.get('data-file'),
                   specific=specific)


def _run(action, path, *args, **kwargs):
    """Run qemu-img with ``args``; its stdout, or QemuImgError."""
    if shutil.which(QEMU_IMG) is None:
        raise QemuImgError(action=action, path=path,
                           reason='cannot run %s: not installed (package '
                                  'qemu-utils)' % QEMU_IMG)
    cmd = (QEMU_IMG,) + tuple(str(a) for a in args)
    try:
        out, _err = processutils.execute(*cmd, **kwargs)
    except processutils.ProcessExecutionError as exc:
        reason = (exc.stderr or exc.stdout or str(exc)).strip()
        raise QemuImgError(action=action, path=path, reason=reason)
    except OSError as exc:
        # qemu-img itself is missing or cannot run.
        raise QemuImgError(action=action, path=path,
                           reason='cannot run %s: %s' % (QEMU_IMG, exc))
    return out


def info(path, force_share=True, fmt=None):
    """``ImageInfo`` of ``path``.

    :param force_share: read even while a running guest holds the file's
        write lock (-U); the answer may then be slightly stale.
    :param fmt: the format to read the file as; None lets qemu-img probe,
        which runs under INFO_LIMITS (probing parses whatever the file
        holds; with a format named, only nova's own files are read).
    """
    if not os.path.exists(path):
        raise QemuImgError(action='info', path=path,
                           reason='no such file')
    args = ['info', '--output=json']
    if force_share:
        args.append('-U')
    if fmt:
        args += ['-f', fmt]
    args.append(path)
    limits = {'prlimit': INFO_LIMITS} if fmt is None else {}
    out = _run('info', path, *args,
               env_variables={'LC_ALL': 'C', 'LANG': 'C'}, **limits)
    return ImageInfo.from_json(path, out)


def create(path, fmt, size=None, backing_file=None, backing_format=None):
    """Create an empty image (or an overlay over ``backing_file``).

    ``size`` None with a backing file means the backing file's size.
    """
    if fmt not in DISK_FORMATS:
        raise QemuImgError(action='create', path=path,
                           reason='unsupported format %r' % fmt)
    args = ['create', '-f', fmt]
    if backing_file:
        if fmt != 'qcow2':
            raise QemuImgError(action='create', path=path,
                               reason='only qcow2 files have a backing file')
        if not backing_format:
            # qemu refuses to probe the format of a backing file: it
            # must be named.
            backing_format = info(backing_file).format
        args += ['-b', backing_file, '-F', backing_format]
    args.append(path)
    if size is not None:
        args.append(int(size))
    elif not backing_file:
        raise QemuImgError(action='create', path=path,
                           reason='a size is needed without a backing file')
    _run('create', path, *args)
    LOG.debug('Created %s image %s%s', fmt, path,
              ' over %s' % backing_file if backing_file else '')


def create_overlay(path, base, base_format=None, size=None):
    """A qcow2 file at ``path`` whose unwritten blocks read from ``base``;
    grown to ``size`` when that is bigger than the base."""
    base_size = info(base, fmt=base_format).virtual_size
    create(path, 'qcow2', backing_file=base, backing_format=base_format,
           size=size if size and size > base_size else None)


def convert(src, dst, out_format, src_format=None, force_share=False):
    """Write ``src`` as a stand-alone (flattened) ``out_format`` image at
    ``dst``: a backing chain is read through and not kept. ``out_format``
    is one of EXPORT_FORMATS (Glance's names)."""
    if out_format not in EXPORT_FORMATS:
        raise QemuImgError(action='convert', path=src,
                           reason='unsupported output format %r'
                                  % out_format)
    args = ['convert', '-O', EXPORT_FORMATS[out_format]]
    if src_format:
        args += ['-f', src_format]
    if force_share:
        args.append('-U')
    args += [src, dst]
    _run('convert', src, *args)
    LOG.debug('Converted %s to %s (%s)', src, dst, out_format)


def resize(path, size, fmt=None):
    """Grow the image at ``path`` to ``size`` bytes (never shrinks: a
    smaller size raises QemuImgError)."""
    current = info(path, fmt=fmt).virtual_size
    if size == current:
        return
    if size < current:
        raise QemuImgError(action='resize', path=path,
                           reason='cannot shrink from %d to %d bytes'
                                  % (current, size))
    args = ['resize']
    if fmt:
        args += ['-f', fmt]
    args += [path, int(size)]
    _run('resize', path, *args)
    LOG.debug('Grew %s from %d to %d bytes', path, current, size)


def rebase_unsafe(path, backing_file, backing_format):
    """Point the qcow2 file ``path`` at another copy of its backing file
    (same contents, other place), without reading any data."""
    _run('rebase', path, 'rebase', '-u', '-f', 'qcow2', '-b', backing_file,
         '-F', backing_format, path)


def make_swap(path):
    """Write a Linux swap signature into the raw file ``path``; a host
    without mkswap leaves the disk blank (the guest may format it)."""
    mkswap = shutil.which('mkswap') or shutil.which('mkswap',
                                                     path='/sbin:/usr/sbin')
    if not mkswap:
        LOG.warning('mkswap not found: swap disk %s left blank', path)
        return
    try:
        processutils.execute(mkswap, path)
    except processutils.ProcessExecutionError as exc:
        raise QemuImgError(action='mkswap', path=path,
                           reason=(exc.stderr or str(exc)).strip())
