"""Instance files (InstanceDisks) with the real qemu-img, a real image
cache and a local image source in temporary directories."""

import os
import shutil
import types

import pytest

from nova import exception
from nova.image import api as image_api
from nova.image import local
from nova import objects
from nova.virt.libvirt import disks
from nova.virt.libvirt import imagecache
from nova.virt.libvirt import images

pytestmark = pytest.mark.skipif(shutil.which('qemu-img') is None,
                                reason='qemu-img is not installed')
MiB = 1024 ** 2
GiB = 1024 ** 3
UUID = '0c6f8a52-7a55-4a8e-9a57-2f1b7b3f6e01'


@pytest.fixture
def source(tmp_path):
    objects.register_all()
    return local.LocalImageSource(str(tmp_path / 'images'))


def _add_image(tmp_path, source, fmt='qcow2', size=32 * MiB, marker=None,
               **extra):
    path = str(tmp_path / ('upload-%d.%s' % (len(os.listdir(tmp_path)),
                                             fmt)))
    images.create(path, 'raw', size)
    if marker:
        with open(path, 'r+b') as f:
            f.write(marker)
    if fmt != 'raw':
        converted = path + '.conv'
        images.convert(path, converted, fmt)
        path = converted
    with open(path, 'rb') as data:
        return source.create(None, dict(name='img', disk_format=fmt,
                                        visibility='public', **extra),
                             data=data)


def _instance(image_id, root_gb=1, ephemeral_gb=0, swap=0, uuid=UUID):
    flavor = types.SimpleNamespace(root_gb=root_gb, ephemeral_gb=ephemeral_gb,
                                   swap=swap, name='f')
    return types.SimpleNamespace(uuid=uuid, image_ref=image_id,
                                 root_gb=root_gb, ephemeral_gb=ephemeral_gb,
                                 flavor=flavor)


def _disks(tmp_path, source, images_type='qcow2'):
    instances = str(tmp_path / 'instances')
    cache = imagecache.ImageCache(os.path.join(instances, '_base'),
                                  image_api.API(source))
    return disks.InstanceDisks(instances, cache, images_type)


def _read(path, length):
    with open(path, 'rb') as f:
        return f.read(length)


def test_qcow2_root_is_an_overlay_over_the_cached_image_grown_to_root_gb(
        tmp_path, source):
    image = _add_image(tmp_path, source, marker=b'BOOT-SECTOR')
    store = _disks(tmp_path, source)
    inst = _instance(image['id'], root_gb=1)
    files = store.prepare(None, inst, objects.ImageMeta.from_dict(image))

    directory = os.path.join(str(tmp_path / 'instances'), UUID)
    assert store.instance_dir(inst) == directory
    assert files.root.path == os.path.join(directory, 'disk')
    assert files.root.disk_format == 'qcow2'
    info = images.info(files.root.path)
    assert info.virtual_size == 1 * GiB
    assert info.backing_file == store.image_cache.path_of(image['id'])
    assert files.console_log == os.path.join(directory, 'console.log')
    assert store.console_log_path(inst) == files.console_log
    assert files.ephemeral is files.swap is files.kernel is None
    # The guest sees the image's bytes through the overlay.
    flat = store.export_root(inst, 'raw')
    try:
        assert _read(flat, 11) == b'BOOT-SECTOR'
    finally:
        os.unlink(flat)


def test_root_gb_zero_keeps_the_image_size(tmp_path, source):
    image = _add_image(tmp_path, source, size=48 * MiB)
    store = _disks(tmp_path, source)
    files = store.prepare(None, _instance(image['id'], root_gb=0), None)
    assert images.info(files.root.path).virtual_size == 48 * MiB


def test_an_image_bigger_than_the_flavor_disk_is_refused(tmp_path, source):
    image = _add_image(tmp_path, source, size=2 * GiB)
    store = _disks(tmp_path, source)
    with pytest.raises(exception.FlavorDiskTooSmall):
        store.prepare(None, _instance(image['id'], root_gb=1), None)
    assert not os.path.exists(store.path(_instance(image['id']), 'disk'))


def test_raw_images_type_makes_a_full_raw_copy(tmp_path, source):
    image = _add_image(tmp_path, source, marker=b'RAW-COPY')
    store = _disks(tmp_path, source, images_type='raw')
    files = store.prepare(None, _instance(image['id'], root_gb=1), None)
    info = images.info(files.root.path)
    assert (files.root.disk_format, info.format) == ('raw', 'raw')
    assert info.backing_file is None
    assert info.virtual_size == 1 * GiB
    assert _read(files.root.path, 8) == b'RAW-COPY'


def test_ephemeral_and_swap_disks_follow_the_flavor(tmp_path, source):
    image = _add_image(tmp_path, source)
    store = _disks(tmp_path, source)
    files = store.prepare(None, _instance(image['id'], ephemeral_gb=2,
                                          swap=64), None)
    assert files.ephemeral.path.endswith('/disk.local')
    assert files.ephemeral.disk_format == 'qcow2'
    assert images.info(files.ephemeral.path).virtual_size == 2 * GiB
    assert files.swap.path.endswith('/disk.swap')
    assert files.swap.disk_format == 'raw'
    assert images.info(files.swap.path).virtual_size == 64 * MiB


def test_prepare_again_keeps_existing_disks(tmp_path, source):
    image = _add_image(tmp_path, source)
    store = _disks(tmp_path, source)
    inst = _instance(image['id'])
    files = store.prepare(None, inst, None)
    with open(files.root.path, 'ab') as f:
        f.write(b'guest wrote this')
    size = os.path.getsize(files.root.path)
    again = store.prepare(None, inst, None)
    assert again == files
    assert os.path.getsize(files.root.path) == size


def test_files_reports_what_exists_without_downloading(tmp_path, source):
    image = _add_image(tmp_path, source)
    store = _disks(tmp_path, source)
    inst = _instance(image['id'], ephemeral_gb=1)
    prepared = store.prepare(None, inst, None)
    # The image may disappear from the image service: files() needs it not.
    source.delete(None, image['id'])
    assert store.files(inst) == prepared
    with pytest.raises(exception.InstanceNotFoundOnHypervisor):
        store.files(_instance(image['id'], uuid='another'))


def test_disk_formats_are_recorded_not_guessed(tmp_path, source):
    """disk.info keeps each disk's format: a raw disk whose guest wrote a
    qcow2 header stays raw."""
    image = _add_image(tmp_path, source, fmt='raw')
    store = _disks(tmp_path, source, images_type='raw')
    inst = _instance(image['id'])
    files = store.prepare(None, inst, None)
    images.create(str(tmp_path / 'header.qcow2'), 'qcow2', MiB)
    header = _read(str(tmp_path / 'header.qcow2'), 512)
    with open(files.root.path, 'r+b') as f:
        f.write(header)
    assert store.files(inst).root.disk_format == 'raw'


def test_kernel_and_ramdisk_images_are_copied_for_direct_boot(tmp_path,
                                                              source):
    kernel = source.create(None, {'name': 'vmlinuz', 'disk_format': 'aki',
                                  'visibility': 'public'},
                           data=b'KERNEL' * 100)
    ramdisk = source.create(None, {'name': 'initrd', 'disk_format': 'ari',
                                   'visibility': 'public'},
                            data=b'RAMDISK' * 100)
    image = _add_image(tmp_path, source, properties={
        'kernel_id': kernel['id'], 'ramdisk_id': ramdisk['id'],
        'os_command_line': 'console=ttyS0 quiet'})
    store = _disks(tmp_path, source)
    inst = _instance(image['id'])
    # From the ImageMeta's properties ...
    files = store.prepare(None, inst, objects.ImageMeta.from_dict(image))
    directory = store.instance_dir(inst)
    assert files.kernel == os.path.join(directory, 'kernel')
    assert files.ramdisk == os.path.join(directory, 'ramdisk')
    assert _read(files.kernel, 6) == b'KERNEL'
    assert _read(files.ramdisk, 7) == b'RAMDISK'
    # ... or from the image record when no image_meta is given.
    store.remove(inst)
    files = store.prepare(None, inst, None)
    assert _read(files.kernel, 6) == b'KERNEL'


def test_rescue_disk_boots_first_over_the_instance_image(tmp_path, source):
    image = _add_image(tmp_path, source, marker=b'OWN-IMAGE')
    store = _disks(tmp_path, source)
    inst = _instance(image['id'], ephemeral_gb=1, swap=16)
    files = store.prepare(None, inst, None)

    rescue = store.prepare_rescue(None, inst, None)
    assert rescue.rescue.path == store.path(inst, 'disk.rescue')
    assert rescue.rescue.disk_format == 'qcow2'
    assert rescue.root == files.root
    assert rescue.ephemeral is rescue.swap is None
    assert images.info(rescue.rescue.path).backing_file == \
        store.image_cache.path_of(image['id'])

    store.remove_rescue(inst)
    assert not os.path.exists(rescue.rescue.path)
    assert store.files(inst) == files


def test_rescue_with_another_image_and_its_kernel(tmp_path, source):
    own = _add_image(tmp_path, source)
    kernel = source.create(None, {'name': 'k', 'disk_format': 'aki',
                                  'visibility': 'public'}, data=b'RK' * 10)
    rescue_image = _add_image(tmp_path, source, marker=b'RESCUE',
                              properties={'kernel_id': kernel['id']})
    store = _disks(tmp_path, source)
    inst = _instance(own['id'])
    store.prepare(None, inst, None)
    files = store.prepare_rescue(None, inst,
                                 objects.ImageMeta.from_dict(rescue_image))
    assert images.info(files.rescue.path).backing_file == \
        store.image_cache.path_of(rescue_image['id'])
    assert files.kernel == store.path(inst, 'kernel.rescue')
    store.remove_rescue(inst)
    assert not os.path.exists(files.kernel)


def test_export_root_flattens_in_the_asked_format(tmp_path, source):
    image = _add_image(tmp_path, source, marker=b'SNAP')
    store = _disks(tmp_path, source)
    inst = _instance(image['id'])
    store.prepare(None, inst, None)
    path = store.export_root(inst, 'qcow2')
    try:
        info = images.info(path)
        assert info.format == 'qcow2'
        assert info.backing_file is None
        assert os.path.dirname(path) == store.snapshots_dir
    finally:
        os.unlink(path)


def test_move_aside_restore_and_remove(tmp_path, source):
    image = _add_image(tmp_path, source)
    store = _disks(tmp_path, source)
    inst = _instance(image['id'])
    store.prepare(None, inst, None)
    directory = store.instance_dir(inst)

    aside = store.move_aside(inst)
    assert aside == directory + '_resize'
    assert not os.path.exists(directory)
    os.makedirs(directory)          # the resized copy on the same host
    assert store.restore_aside(inst) is True
    assert os.path.exists(os.path.join(directory, 'disk'))
    assert store.restore_aside(inst) is False

    store.move_aside(inst)
    store.remove_aside(inst)
    assert not os.path.exists(aside)


def test_remove_deletes_the_instance_directory(tmp_path, source):
    image = _add_image(tmp_path, source)
    store = _disks(tmp_path, source)
    inst = _instance(image['id'], ephemeral_gb=1)
    store.prepare(None, inst, None)
    store.remove(inst)
    assert not os.path.exists(store.instance_dir(inst))
    # The cached image stays for the next instance.
    assert os.path.exists(store.image_cache.path_of(image['id']))
    store.remove(inst)      # nothing left: no error


def test_grow_root_grows_and_refuses_to_shrink(tmp_path, source):
    image = _add_image(tmp_path, source)
    store = _disks(tmp_path, source)
    inst = _instance(image['id'], root_gb=1)
    files = store.prepare(None, inst, None)
    store.grow_root(inst, 2 * GiB)
    assert images.info(files.root.path).virtual_size == 2 * GiB
    with pytest.raises(exception.CannotResizeDisk):
        store.grow_root(inst, 1 * GiB)


def test_volume_backed_instances_are_not_supported(tmp_path, source):
    store = _disks(tmp_path, source)
    with pytest.raises(exception.InvalidInput, match='no image'):
        store.prepare(None, _instance(''), None)


def test_images_type_is_checked(tmp_path, source):
    with pytest.raises(ValueError):
        _disks(tmp_path, source, images_type='lvm')


def test_clean_image_cache_keeps_images_backing_disks(tmp_path, source):
    used = _add_image(tmp_path, source)
    moved = _add_image(tmp_path, source)
    unused = _add_image(tmp_path, source)
    store = _disks(tmp_path, source)
    store.prepare(None, _instance(used['id']), None)
    aside = _instance(moved['id'], uuid='0c6f8a52-7a55-4a8e-9a57-2f1b7b3f6e02')
    store.prepare(None, aside, None)
    store.move_aside(aside)        # a resize in progress still needs it
    gone = _instance(unused['id'], uuid='0c6f8a52-7a55-4a8e-9a57-2f1b7b3f6e03')
    store.prepare(None, gone, None)
    store.remove(gone)
    cache = store.image_cache
    paths = {i['id']: cache.path_of(i['id']) for i in (used, moved, unused)}

    # Recently fetched: kept whatever uses it.
    assert store.clean_image_cache(min_age_seconds=3600) == []
    old = 1000000
    for path in paths.values():
        os.utime(path, (old, old))
    assert store.clean_image_cache(min_age_seconds=3600) == [
        paths[unused['id']]]
    assert os.path.exists(paths[used['id']])
    assert os.path.exists(paths[moved['id']])
