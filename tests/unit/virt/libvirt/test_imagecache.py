"""The host image cache against a real local image source and qemu-img."""

import hashlib
import multiprocessing
import os
import shutil
import threading
import time

import pytest

from nova import exception
from nova.image import api as image_api
from nova.image import local
from nova.virt.libvirt import imagecache
from nova.virt.libvirt import images

pytestmark = pytest.mark.skipif(shutil.which('qemu-img') is None,
                                reason='qemu-img is not installed')
MiB = 1024 ** 2


class CountingSource(local.LocalImageSource):
    """The local image source, counting downloads (and slowing them, so
    that concurrent callers overlap)."""

    def __init__(self, directory, delay=0.0):
        super().__init__(directory)
        self.downloads = 0
        self.delay = delay

    def download(self, context, image_id, dst_path=None):
        self.downloads += 1
        time.sleep(self.delay)
        return super().download(context, image_id, dst_path=dst_path)


@pytest.fixture
def source(tmp_path):
    return CountingSource(str(tmp_path / 'images'))


@pytest.fixture
def cache(tmp_path, source):
    return imagecache.ImageCache(str(tmp_path / 'instances' / '_base'),
                                 image_api.API(source))


def _disk_file(tmp_path, fmt, size=2 * MiB, backing=None, name=None):
    path = str(tmp_path / (name or 'upload.' + fmt))
    if backing:
        images.create(path, fmt, backing_file=backing)
    else:
        images.create(path, fmt, size)
    return path


def _add_image(source, path, disk_format, **extra):
    with open(path, 'rb') as data:
        return source.create(None, dict(name=os.path.basename(path),
                                        disk_format=disk_format,
                                        visibility='public', **extra),
                             data=data)


def test_fetch_downloads_once_into_the_sha1_named_file(tmp_path, source,
                                                       cache):
    image = _add_image(source, _disk_file(tmp_path, 'qcow2'), 'qcow2')
    first = cache.fetch(None, image['id'])
    second = cache.fetch(None, image['id'])
    expected = os.path.join(cache.base_dir, hashlib.sha1(
        image['id'].encode()).hexdigest())
    assert first.path == second.path == expected
    assert first.disk_format == 'qcow2'
    assert source.downloads == 1
    # No temporary file is left behind.
    assert sorted(os.listdir(cache.base_dir)) == sorted(
        ['locks', os.path.basename(expected)])


def test_raw_images_are_cached_as_raw(tmp_path, source, cache):
    image = _add_image(source, _disk_file(tmp_path, 'raw'), 'raw')
    cached = cache.fetch(None, image['id'])
    assert cached.disk_format == 'raw'
    assert images.info(cached.path).format == 'raw'


def test_a_copy_in_another_format_is_cached_beside(tmp_path, source,
                                                   cache):
    image = _add_image(source, _disk_file(tmp_path, 'qcow2'), 'qcow2')
    raw = cache.fetch(None, image['id'], want_format='raw')
    assert raw.disk_format == 'raw'
    assert raw.path.endswith('.raw')
    assert images.info(raw.path).format == 'raw'
    assert cache.fetch(None, image['id'], want_format='raw') == raw
    assert cache.fetch(None, image['id']).disk_format == 'qcow2'
    assert source.downloads == 1


def test_other_formats_are_converted_to_qcow2(tmp_path, source, cache):
    src = _disk_file(tmp_path, 'raw')
    vmdk = str(tmp_path / 'upload.vmdk')
    images.convert(src, vmdk, 'vmdk')
    image = _add_image(source, vmdk, 'vmdk')
    cached = cache.fetch(None, image['id'])
    assert cached.disk_format == 'qcow2'
    assert images.info(cached.path).format == 'qcow2'


def test_a_qcow2_with_a_backing_file_is_refused(tmp_path, source, cache):
    """A user's qcow2 naming a host file as its backing file would let
    the guest read that file."""
    secret = tmp_path / 'host-secret'
    secret.write_bytes(b'root:secret' + b'\0' * 4096)
    evil = _disk_file(tmp_path, 'qcow2', backing=str(secret),
                      name='evil.qcow2')
    image = _add_image(source, evil, 'qcow2')
    with pytest.raises(images.ImageUnacceptable, match='backing file'):
        cache.fetch(None, image['id'])
    assert not os.path.exists(cache.path_of(image['id']))
    assert [n for n in os.listdir(cache.base_dir) if '.part' in n] == []


def test_data_that_is_not_the_declared_format_is_refused(tmp_path, source,
                                                         cache):
    """A qcow2 file uploaded as "raw" would be read by qemu as raw bytes
    in the end, but refusing it outright is safer than guessing."""
    image = _add_image(source, _disk_file(tmp_path, 'qcow2'), 'raw')
    with pytest.raises(images.ImageUnacceptable, match='its data is qcow2'):
        cache.fetch(None, image['id'])
    raw_as_qcow2 = _add_image(source, _disk_file(tmp_path, 'raw'), 'qcow2')
    with pytest.raises(images.ImageUnacceptable, match='its data is raw'):
        cache.fetch(None, raw_as_qcow2['id'])


def test_iso_and_unknown_formats_cannot_back_a_disk(tmp_path, source,
                                                    cache):
    image = _add_image(source, _disk_file(tmp_path, 'raw'), 'iso')
    with pytest.raises(images.ImageUnacceptable, match='cannot back'):
        cache.fetch(None, image['id'])


def test_kernel_images_are_raw(tmp_path, source, cache):
    kernel = source.create(None, {'name': 'vmlinuz', 'disk_format': 'aki',
                                  'visibility': 'public'},
                           data=b'\x7fELF-not-really' * 64)
    cached = cache.fetch(None, kernel['id'], want_format='raw')
    assert cached.disk_format == 'raw'
    with open(cached.path, 'rb') as f:
        assert f.read(4) == b'\x7fELF'


def test_missing_and_inactive_images_raise_the_image_errors(source, cache):
    with pytest.raises(exception.ImageNotFound):
        cache.fetch(None, '8d3f3f3c-0000-4000-8000-000000000099')
    queued = source.create(None, {'name': 'queued', 'disk_format': 'raw',
                                  'visibility': 'public'})
    with pytest.raises(exception.ImageNotActive):
        cache.fetch(None, queued['id'])
    assert [n for n in os.listdir(cache.base_dir) if '.part' in n] == []


def test_threads_fetching_the_same_image_download_it_once(tmp_path):
    source = CountingSource(str(tmp_path / 'images'), delay=0.3)
    cache = imagecache.ImageCache(str(tmp_path / '_base'),
                                  image_api.API(source))
    image = _add_image(source, _disk_file(tmp_path, 'qcow2'), 'qcow2')
    results, errors = [], []

    def fetch():
        try:
            results.append(cache.fetch(None, image['id']))
        except Exception as exc:     # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=fetch) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []
    assert len({r.path for r in results}) == 1 and len(results) == 4
    assert source.downloads == 1


def _fetch_in_child(images_dir, base_dir, image_id, delay, queue):
    source = CountingSource(images_dir, delay=delay)
    cache = imagecache.ImageCache(base_dir, image_api.API(source))
    try:
        cache.fetch(None, image_id)
        queue.put(source.downloads)
    except Exception as exc:      # pragma: no cover - reported below
        queue.put(repr(exc))


def test_processes_fetching_the_same_image_download_it_once(tmp_path):
    images_dir = str(tmp_path / 'images')
    source = CountingSource(images_dir)
    image = _add_image(source, _disk_file(tmp_path, 'qcow2'), 'qcow2')
    base_dir = str(tmp_path / '_base')
    ctx = multiprocessing.get_context('spawn')
    queue = ctx.Queue()
    children = [ctx.Process(target=_fetch_in_child,
                            args=(images_dir, base_dir, image['id'], 0.5,
                                  queue))
                for _ in range(2)]
    for child in children:
        child.start()
    counts = sorted(queue.get(timeout=60) for _ in children)
    for child in children:
        child.join(30)
    assert counts == [0, 1]


def test_remove_unused_keeps_files_in_use_and_recent_ones(tmp_path, source,
                                                          cache):
    used = _add_image(source, _disk_file(tmp_path, 'raw', name='a'), 'raw')
    unused = _add_image(source, _disk_file(tmp_path, 'raw', name='b'), 'raw')
    fresh = _add_image(source, _disk_file(tmp_path, 'raw', name='c'), 'raw')
    used_path = cache.fetch(None, used['id']).path
    unused_path = cache.fetch(None, unused['id']).path
    fresh_path = cache.fetch(None, fresh['id']).path
    old = time.time() - 7200
    for path in (used_path, unused_path):
        os.utime(path, (old, old))
    removed = cache.remove_unused([used_path], min_age_seconds=3600)
    assert removed == [unused_path]
    assert os.path.exists(used_path) and os.path.exists(fresh_path)


def test_a_vmdk_descriptor_naming_host_files_is_refused(tmp_path, source,
                                                        cache):
    """A text VMDK whose extent is a host file would copy that file into
    the cache on conversion."""
    secret = tmp_path / 'host-secret'
    secret.write_bytes(b'root:secret'.ljust(MiB, b'\0'))
    descriptor = tmp_path / 'evil.vmdk'
    descriptor.write_text(
        '# Disk DescriptorFile\nversion=1\nCID=fffffffe\n'
        'parentCID=ffffffff\ncreateType="monolithicFlat"\n\n'
        'RW 2048 FLAT "%s" 0\n\nddb.adapterType = "ide"\n' % secret)
    image = _add_image(source, str(descriptor), 'vmdk')
    with pytest.raises(images.ImageUnacceptable, match='monolithicFlat'):
        cache.fetch(None, image['id'])
    assert [n for n in os.listdir(cache.base_dir)
            if n not in ('locks',)] == []
