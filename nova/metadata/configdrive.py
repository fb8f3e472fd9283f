"""The config drive: a server's metadata as a small disk its guest reads.

cloud-init (its ConfigDrive data source) and cloudbase-init look for a
file system labelled ``config-2`` holding the same trees the metadata
service serves (``openstack/<version>/meta_data.json``, ``user_data``,
``network_data.json``, ..., ``ec2/<version>/meta-data.json``, personality
files under ``openstack/content/``): see
``content.InstanceMetadata.config_drive_files``. A guest that has no
network to the metadata service (or must configure that network first)
learns who it is from there.

When a server gets one (``required``): it asked (``config_drive`` on
create), the operator forces it for new servers (``[DEFAULT]
force_config_drive``), or its image says ``img_config_drive=mandatory``.
The compute marks such a server ``config_drive = 'True'`` once built
(``update_instance``), so the API shows it and later regenerations of the
guest (hard reboot, moves) keep the drive even when the reason was the
configuration or the image.

Formats ([DEFAULT] config_drive_format):

- ``iso9660``: an ISO 9660 image with Rock Ridge (the names guests
  mounting it under Linux see) and Joliet (Windows) extensions, written by
  pycdlib. pycdlib is pure Python and comes from PyPI with the project,
  so a compute host (and the embedded quick start) needs no
  genisoimage/xorriso package to make one.
- ``vfat``: a 64 MiB FAT file system, for guests or hypervisors that
  cannot read a cdrom; made with ``mkfs.vfat`` (Debian's dosfstools) and
  filled with ``mcopy`` (mtools), both without root or a mount.
"""

import io
import os
import posixpath
import re
import shutil
import subprocess
import tempfile

from oslo_log import log as logging
from oslo_utils import fileutils
from oslo_utils import strutils

import nova.conf
from nova import exception
from nova.metadata import content
from nova.metadata import vendordata
from nova.network import api as network_api

CONF = nova.conf.CONF
LOG = logging.getLogger(__name__)

LABEL = 'config-2'
ISO9660 = 'iso9660'
VFAT = 'vfat'
FORMATS = (ISO9660, VFAT)
VFAT_SIZE = 64 * 1024 * 1024
# img_config_drive: "optional" (the default) or "mandatory".
MANDATORY = 'mandatory'
IMAGE_PROPERTY = 'img_config_drive'
# Where an ISO 9660 image says so: the standard identifier of its first
# volume descriptor (sector 16).
_ISO_MAGIC_OFFSET = 16 * 2048 + 1
_ISO_MAGIC = b'CD001'
# The longest ISO 9660 file name (name and extension) at level 3.
_ISO_NAME_MAX = 30
_NOT_D_CHARS = re.compile('[^A-Z0-9_]')
_PUBLISHER = 'OpenStack Nova'


class ConfigDriveError(exception.NovaException):
    msg_fmt = 'Could not make the config drive: %(reason)s'


class ConfigDriveToolMissing(ConfigDriveError):
    msg_fmt = ('Making a %(fmt)s config drive needs %(tool)s (Debian '
               'package %(package)s) on the compute host')


# --------------------------------------------------------------------------
# Who gets one
# --------------------------------------------------------------------------
def _read(obj, name):
    """obj[name] or obj.name; None when missing or not set."""
    if isinstance(obj, dict):
        return obj.get(name)
    try:
        return getattr(obj, name, None)
    except Exception:   # an unset versioned-object field
        return None


def image_property(instance, image_meta):
    """img_config_drive of ``image_meta``, else what the instance recorded
    of its image at build time (system_metadata image_img_config_drive)."""
    props = _read(image_meta, 'properties') or {}
    if IMAGE_PROPERTY in props:
        return props[IMAGE_PROPERTY]
    sysmeta = _read(instance, 'system_metadata') or {}
    return sysmeta.get('image_' + IMAGE_PROPERTY)


def asked_for(instance):
    """Whether the instance record says it has a config drive."""
    return strutils.bool_from_string(_read(instance, 'config_drive') or '')


def required(instance, image_meta=None):
    """Whether ``instance`` gets a config drive: asked for, forced for new
    servers by [DEFAULT] force_config_drive (one launched before is left as
    it was), or mandatory for its image."""
    if asked_for(instance):
        return True
    if CONF.force_config_drive and not _read(instance, 'launched_at'):
        return True
    return image_property(instance, image_meta) == MANDATORY


def update_instance(instance, image_meta=None):
    """Mark ``instance`` as having a config drive when it is required
    (the caller saves it); whether it changed."""
    if asked_for(instance) or not required(instance, image_meta):
        return False
    instance.config_drive = 'True'
    return True


# --------------------------------------------------------------------------
# What goes on it
# --------------------------------------------------------------------------
def security_group_names(instance):
    """The security groups the server asked for on create (names or ids,
    as given), or "default", which Neutron gives ports otherwise. Read
    from the instance: asking Neutron is not worth a build's time."""
    return network_api.security_groups_asked_for(instance) or ['default']


def instance_metadata(instance, network_info=None, files=(),
                      admin_password=None):
    """The ``content.InstanceMetadata`` of a config drive: the instance,
    the VIFs it boots with, its personality files ((path, bytes)) and the
    admin password (in meta_data.json as "admin_pass")."""
    extra = {'admin_pass': admin_password} if admin_password else None
    return content.InstanceMetadata(
        instance, security_groups=security_group_names(instance),
        files=files or (), extra=extra,
        vendordata=vendordata.DynamicJSON(instance),
        static_vendordata=vendordata.StaticJSON().get(),
        network_info=list(network_info) if network_info is not None
        else None)


# --------------------------------------------------------------------------
# Making the image
# --------------------------------------------------------------------------
def build(md, path, fmt=None):
    """Write the config drive of ``md`` (an InstanceMetadata) to ``path``
    in ``fmt`` (default [DEFAULT] config_drive_format). The file appears
    complete or not at all."""
    fmt = fmt or CONF.config_drive_format
    if fmt not in FORMATS:
        raise ConfigDriveError(reason='unknown format %r' % fmt)
    files = list(md.config_drive_files())
    tmp = '%s.part' % path
    fileutils.delete_if_exists(tmp)
    try:
        if fmt == ISO9660:
            _make_iso9660(files, tmp)
        else:
            _make_vfat(files, tmp)
        os.replace(tmp, path)
    finally:
        fileutils.delete_if_exists(tmp)
    LOG.debug('Config drive %s (%s, %d files) written', path, fmt,
              len(files))


def file_system(path):
    """'iso9660' or 'vfat': what the config drive at ``path`` holds."""
    with open(path, 'rb') as f:
        f.seek(_ISO_MAGIC_OFFSET)
        magic = f.read(len(_ISO_MAGIC))
    return ISO9660 if magic == _ISO_MAGIC else VFAT


class _IsoNames:
    """ISO 9660 level 3 names (A-Z 0-9 _, at most 30 characters, unique
    in their directory) for the real names, which Rock Ridge and Joliet
    carry."""

    def __init__(self):
        self._taken = {}     # ISO directory path -> names used there
        self._paths = {'': '/'}   # real directory -> ISO directory

    def _unique(self, parent, stem, ext):
        taken = self._taken.setdefault(parent, set())
        ext = ext[:_ISO_NAME_MAX - 1]
        room = _ISO_NAME_MAX - len(ext) - (1 if ext else 0)
        candidate = stem[:room] or '_'
        counter = 0
        while (candidate, ext) in taken:
            counter += 1
            suffix = '_%d' % counter
            candidate = (stem[:room - len(suffix)] or '') + suffix
        taken.add((candidate, ext))
        return candidate, ext

    def directory(self, real):
        if real in self._paths:
            return self._paths[real]
        parent_real, name = posixpath.split(real)
        parent = self.directory(parent_real)
        stem, _ext = self._unique(parent, _d_chars(name), '')
        iso = posixpath.join(parent, stem)
        self._paths[real] = iso
        return iso

    def file(self, real):
        parent_real, name = posixpath.split(real)
        parent = self.directory(parent_real)
        stem, dot, ext = name.rpartition('.')
        if not dot:
            stem, ext = ext, ''
        stem, ext = self._unique(parent, _d_chars(stem), _d_chars(ext))
        return posixpath.join(parent, '%s.%s;1' % (stem, ext))


def _d_chars(name):
    return _NOT_D_CHARS.sub('_', name.upper())


def _make_iso9660(files, path):
    try:
        import pycdlib
    except ImportError as exc:   # pragma: no cover - an install dependency
        raise ConfigDriveError(reason='pycdlib is not installed') from exc
    iso = pycdlib.PyCdlib()
    iso.new(interchange_level=3, vol_ident=LABEL, sys_ident='LINUX',
            pub_ident_str=_PUBLISHER, app_ident_str=_PUBLISHER,
            joliet=3, rock_ridge='1.09')
    names = _IsoNames()
    made = set()

    def add_directory(real):
        if not real or real in made:
            return
        add_directory(posixpath.dirname(real))
        iso.add_directory(names.directory(real),
                          rr_name=posixpath.basename(real),
                          joliet_path='/' + real)
        made.add(real)

    try:
        for name, data in files:
            data = data if isinstance(data, bytes) else data.encode()
            add_directory(posixpath.dirname(name))
            iso.add_fp(io.BytesIO(data), len(data), names.file(name),
                       rr_name=posixpath.basename(name),
                       joliet_path='/' + name)
        iso.write(path)
    finally:
        iso.close()


def _tool(name, package, fmt):
    found = shutil.which(name) or shutil.which(name, path='/usr/sbin:/sbin')
    if not found:
        raise ConfigDriveToolMissing(fmt=fmt, tool=name, package=package)
    return found


def _run(cmd, env=None):
    try:
        subprocess.run(cmd, check=True, capture_output=True, env=env,
                       timeout=120)
    except subprocess.CalledProcessError as exc:
        raise ConfigDriveError(reason='%s failed: %s' % (
            os.path.basename(cmd[0]),
            (exc.stderr or b'').decode(errors='replace').strip() or
            'exit status %d' % exc.returncode)) from exc


def _make_vfat(files, path):
    mkfs = _tool('mkfs.vfat', 'dosfstools', VFAT)
    mcopy = _tool('mcopy', 'mtools', VFAT)
    with open(path, 'wb') as f:
        f.truncate(VFAT_SIZE)
    _run([mkfs, '-n', LABEL, path])
    with tempfile.TemporaryDirectory(prefix='configdrive-') as tree:
        tops = set()
        for name, data in files:
            target = os.path.join(tree, *name.split('/'))
            os.makedirs(os.path.dirname(target), exist_ok=True)
            with open(target, 'wb') as f:
                f.write(data if isinstance(data, bytes) else data.encode())
            tops.add(name.split('/')[0])
        if tops:
            # No ~/.mtoolsrc or drive checks of the caller's: the image
            # is named on the command line.
            env = dict(os.environ, MTOOLS_SKIP_CHECK='1',
                       MTOOLSRC='/dev/null')
            _run([mcopy, '-i', path, '-s', '-Q', '-o'] +
                 [os.path.join(tree, top) for top in sorted(tops)] +
                 ['::/'], env=env)
