"""The qemu-img wrapper, run against the real qemu-img on temporary files."""

import os
import shutil
import subprocess

import pytest

from nova.virt.libvirt import images

pytestmark = pytest.mark.skipif(shutil.which('qemu-img') is None,
                                reason='qemu-img is not installed')
MiB = 1024 ** 2


def _write(path, data, offset=0):
    with open(path, 'r+b') as f:
        f.seek(offset)
        f.write(data)


def _read(path, offset, length):
    with open(path, 'rb') as f:
        f.seek(offset)
        return f.read(length)


def test_create_raw_and_info_reports_format_and_size(tmp_path):
    path = str(tmp_path / 'blank.raw')
    images.create(path, 'raw', 3 * MiB)
    info = images.info(path)
    assert info.format == 'raw'
    assert info.virtual_size == 3 * MiB
    assert info.backing_file is None


def test_overlay_reads_through_to_its_base_and_is_grown(tmp_path):
    base = str(tmp_path / 'base.raw')
    images.create(base, 'raw', 2 * MiB)
    _write(base, b'FROM-THE-BASE', 1 * MiB)
    overlay = str(tmp_path / 'disk')
    images.create_overlay(overlay, base, 'raw', size=8 * MiB)

    info = images.info(overlay)
    assert info.format == 'qcow2'
    assert info.virtual_size == 8 * MiB
    assert info.backing_file == base
    assert info.backing_format == 'raw'
    # The overlay is small: the data stays in the base.
    assert os.path.getsize(overlay) < MiB
    flat = str(tmp_path / 'flat.raw')
    images.convert(overlay, flat, 'raw', src_format='qcow2')
    assert _read(flat, 1 * MiB, 13) == b'FROM-THE-BASE'
    assert images.info(flat).backing_file is None


def test_overlay_never_smaller_than_its_base(tmp_path):
    base = str(tmp_path / 'base.qcow2')
    images.create(base, 'qcow2', 4 * MiB)
    overlay = str(tmp_path / 'disk')
    images.create_overlay(overlay, base, 'qcow2', size=1 * MiB)
    assert images.info(overlay).virtual_size == 4 * MiB


def test_create_overlay_probes_the_base_format_when_not_named(tmp_path):
    base = str(tmp_path / 'base.qcow2')
    images.create(base, 'qcow2', 1 * MiB)
    overlay = str(tmp_path / 'disk')
    images.create(overlay, 'qcow2', backing_file=base)
    assert images.info(overlay).backing_format == 'qcow2'


def test_info_reads_a_file_locked_by_another_writer(tmp_path):
    """-U: a running guest holds its disk's write lock."""
    path = str(tmp_path / 'busy.qcow2')
    images.create(path, 'qcow2', 1 * MiB)
    # qemu-io keeps the image open for writing (the lock of a guest).
    if shutil.which('qemu-io') is None:
        pytest.skip('qemu-io is not installed')
    holder = subprocess.Popen(['qemu-io', '-f', 'qcow2', path],
                              stdin=subprocess.PIPE,
                              stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    try:
        deadline = 50
        while deadline:
            try:
                images.info(path, force_share=False)
            except images.QemuImgError:
                break
            deadline -= 1
            subprocess.run(['sleep', '0.1'])
        assert images.info(path).format == 'qcow2'
    finally:
        holder.communicate(b'quit\n', timeout=10)


def test_resize_grows_and_refuses_to_shrink(tmp_path):
    path = str(tmp_path / 'disk.raw')
    images.create(path, 'raw', 2 * MiB)
    images.resize(path, 5 * MiB, fmt='raw')
    assert images.info(path).virtual_size == 5 * MiB
    images.resize(path, 5 * MiB, fmt='raw')    # same size: nothing to do
    with pytest.raises(images.QemuImgError, match='cannot shrink'):
        images.resize(path, 1 * MiB, fmt='raw')


@pytest.mark.parametrize('glance_name,qemu_name', [
    ('qcow2', 'qcow2'), ('vmdk', 'vmdk'), ('vhd', 'vpc'), ('vdi', 'vdi')])
def test_convert_writes_glance_formats(tmp_path, glance_name, qemu_name):
    src = str(tmp_path / 'src.raw')
    images.create(src, 'raw', 1 * MiB)
    dst = str(tmp_path / ('dst.' + glance_name))
    images.convert(src, dst, glance_name)
    assert images.info(dst).format == qemu_name


def test_rebase_unsafe_points_at_another_copy(tmp_path):
    base = str(tmp_path / 'base.qcow2')
    images.create(base, 'qcow2', 1 * MiB)
    overlay = str(tmp_path / 'disk')
    images.create_overlay(overlay, base, 'qcow2')
    other = str(tmp_path / 'copy.qcow2')
    shutil.copyfile(base, other)
    images.rebase_unsafe(overlay, other, 'qcow2')
    assert images.info(overlay).backing_file == other


def test_errors_name_the_action_the_file_and_the_reason(tmp_path):
    with pytest.raises(images.QemuImgError, match='info of .*: no such'):
        images.info(str(tmp_path / 'missing'))
    garbage = tmp_path / 'garbage.qcow2'
    garbage.write_bytes(b'not a qcow2 file at all' * 100)
    with pytest.raises(images.QemuImgError) as err:
        images.info(str(garbage), fmt='qcow2')
    assert 'qemu-img info of %s failed' % garbage in str(err.value)
    with pytest.raises(images.QemuImgError, match='backing file'):
        images.create(str(tmp_path / 'x.raw'), 'raw',
                      backing_file=str(garbage))
    with pytest.raises(images.QemuImgError, match='unsupported'):
        images.convert(str(garbage), str(tmp_path / 'y'), 'iso')


def test_missing_qemu_img_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setattr(images, 'QEMU_IMG', 'qemu-img-not-installed')
    path = tmp_path / 'f'
    path.write_bytes(b'')
    with pytest.raises(images.QemuImgError, match='cannot run'):
        images.info(str(path))


def test_make_swap_writes_a_swap_signature(tmp_path):
    if not (shutil.which('mkswap') or os.path.exists('/sbin/mkswap')):
        pytest.skip('mkswap is not installed')
    path = str(tmp_path / 'disk.swap')
    images.create(path, 'raw', 1 * MiB)
    images.make_swap(path)
    # The signature ends the first page.
    assert _read(path, 4096 - 10, 10) == b'SWAPSPACE2'


def test_probing_runs_under_process_limits(tmp_path, monkeypatch):
    """Probing parses whatever an upload holds: limited address space and
    CPU time. Reading nova's own files as a named format is not."""
    path = str(tmp_path / 'disk.qcow2')
    images.create(path, 'qcow2', 1 * MiB)
    calls = []
    real = images.processutils.execute

    def spy(*cmd, **kwargs):
        calls.append(kwargs.get('prlimit'))
        return real(*cmd, **kwargs)

    monkeypatch.setattr(images.processutils, 'execute', spy)
    images.info(path)
    images.info(path, fmt='qcow2')
    assert calls == [images.INFO_LIMITS, None]
