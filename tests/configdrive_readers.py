"""Reading config drives back in tests, with pycdlib and with tools that
share no code with the builder: libarchive's bsdtar (Debian's
libarchive-tools) for ISO images, mtools for FAT ones, util-linux's blkid
for labels. tools/test-packages.sh installs them; a test that needs a
missing one skips, or fails with NOVA_TEST_REQUIRE_CLOUDINIT=1 (as in CI,
where the script ran)."""

import base64
import io
import os
import shutil
import subprocess

import pytest

MTOOLS_ENV = dict(os.environ, MTOOLS_SKIP_CHECK='1', MTOOLSRC='/dev/null')
REQUIRED = os.environ.get('NOVA_TEST_REQUIRE_CLOUDINIT') == '1'


def missing(what):
    """Skip the test for want of ``what``; fail it when the tools are
    required."""
    if REQUIRED:
        pytest.fail('%s, and NOVA_TEST_REQUIRE_CLOUDINIT=1' % what)
    pytest.skip(what)


def need(tool, package):
    """The path of ``tool``; see missing() when it is not installed."""
    found = shutil.which(tool) or shutil.which(tool, path='/usr/sbin:/sbin')
    if not found:
        missing('%s (Debian package %s) is not installed' % (tool, package))
    return found


def label(path):
    """The file system label blkid reads from the image at ``path``."""
    blkid = need('blkid', 'util-linux')
    return subprocess.run([blkid, '-p', '-o', 'value', '-s', 'LABEL', path],
                          check=True, capture_output=True,
                          text=True).stdout.strip()


def extract_iso(path, dest):
    """Unpack the ISO image at ``path`` into ``dest`` with bsdtar (Rock
    Ridge names)."""
    bsdtar = need('bsdtar', 'libarchive-tools')
    os.makedirs(dest, exist_ok=True)
    subprocess.run([bsdtar, '-xf', path, '-C', dest], check=True,
                   capture_output=True)
    return dest


def tree(directory):
    """{relative path: bytes} of the files under ``directory``."""
    files = {}
    for root, _dirs, names in os.walk(directory):
        for name in names:
            full = os.path.join(root, name)
            with open(full, 'rb') as f:
                files[os.path.relpath(full, directory)] = f.read()
    return files


def iso_with_pycdlib(path, names='rr'):
    """{path: bytes} of the ISO image at ``path`` as pycdlib reads it,
    by Rock Ridge ('rr') or Joliet ('joliet') names."""
    import pycdlib
    iso = pycdlib.PyCdlib()
    iso.open(path)
    try:
        files = {}
        key = {'rr': 'rr_path', 'joliet': 'joliet_path'}[names]
        for root, _dirs, filenames in iso.walk(**{key: '/'}):
            for name in filenames:
                full = root.rstrip('/') + '/' + name
                out = io.BytesIO()
                iso.get_file_from_iso_fp(out, **{key: full})
                files[full.lstrip('/')] = out.getvalue()
        return files, iso.pvd.volume_identifier.decode().strip()
    finally:
        iso.close()


def vfat_files(path):
    """{path: bytes} of the FAT image at ``path``, read with mtools."""
    mdir = need('mdir', 'mtools')
    mtype = need('mtype', 'mtools')
    listing = subprocess.run([mdir, '-i', path, '-/', '-b', '::/'],
                             check=True, capture_output=True, text=True,
                             env=MTOOLS_ENV).stdout.split()
    files = {}
    for entry in listing:
        if entry.endswith('/'):
            continue
        data = subprocess.run([mtype, '-i', path, entry], check=True,
                              capture_output=True, env=MTOOLS_ENV).stdout
        files[entry[len('::/'):]] = data
    return files


def give_metadata(instance, **fields):
    """Set on a stub ``instance`` what the metadata of its config drive
    reads (a server that asked for a config drive, with user data, a key
    and metadata); ``fields`` override. Returns the instance."""
    values = dict(
        config_drive='True', launched_at=None, metadata={'role': 'db'},
        key_name='k1', key_data='ssh-ed25519 AAAAC3 k1@h', hostname='db-1',
        launch_index=0, availability_zone='nova', project_id='p1',
        reservation_id='r-1', root_device_name=None, kernel_id=None,
        ramdisk_id=None, network_info=None,
        user_data=base64.b64encode(b'#cloud-config\n').decode())
    values.update(fields)
    for name, value in values.items():
        setattr(instance, name, value)
    for name, value in (('system_metadata', {}), ('flavor', None),
                        ('id', 1)):
        if getattr(instance, name, None) is None:
            setattr(instance, name, value)
    return instance
