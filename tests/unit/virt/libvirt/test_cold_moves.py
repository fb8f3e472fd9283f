"""Snapshot, resize and cold migration of the libvirt driver.

The driver runs against libvirt's test driver: each "host" is a private
``test:///<file>`` connection (domains are defined and started in memory,
no QEMU runs), while the disks are real files made by qemu-img from a
local image source in temporary directories.
"""

import json
import os
import shutil
import types
import uuid

import pytest

from nova import exception
from nova.image import local
from nova import objects
from nova.states import power_state
from nova.states import task_states
from nova.virt.libvirt import cold_moves
from nova.virt.libvirt import images
from tests import configdrive_readers as readers

libvirt = pytest.importorskip('libvirt')
pytestmark = pytest.mark.skipif(shutil.which('qemu-img') is None,
                                reason='qemu-img is not installed')
MiB = 1024 ** 2
GiB = 1024 ** 3


@pytest.fixture
def cloud(conf, tmp_path):
    """A local image source (the [image] source of the drivers), the
    instance's image in it and a factory of drivers ("hosts")."""
    objects.register_all()
    images_dir = tmp_path / 'images'
    conf.config(source='local', local_dir=str(images_dir), group='image')
    conf.config(virt_type='qemu', group='libvirt')
    source = local.LocalImageSource(str(images_dir))
    raw = str(tmp_path / 'img.raw')
    images.create(raw, 'raw', 64 * MiB)
    with open(raw, 'r+b') as f:
        f.write(b'GUEST-ROOT')
    qcow2 = str(tmp_path / 'img.qcow2')
    images.convert(raw, qcow2, 'qcow2')
    with open(qcow2, 'rb') as data:
        image = source.create(None, {'name': 'tiny', 'disk_format': 'qcow2',
                                     'visibility': 'public',
                                     'properties': {'hw_disk_bus': 'virtio'}},
                              data=data)
    node_xml = tmp_path / 'node.xml'
    node_xml.write_text('<node></node>')
    return types.SimpleNamespace(conf=conf, tmp_path=tmp_path, source=source,
                                 image=image, node_xml=str(node_xml))


def _driver(cloud, name, uri=None):
    from nova.virt.libvirt import driver as libvirt_driver
    cloud.conf.config(instances_path=str(cloud.tmp_path / name),
                      group='libvirt')
    drv = libvirt_driver.LibvirtDriver(
        uri=uri or 'test://' + cloud.node_xml)
    drv.init_host(name)
    return drv


def _flavor(name='small', root_gb=1, ephemeral_gb=0, swap=0, memory_mb=256,
            vcpus=1, flavorid=None):
    return objects.Flavor(name=name, flavorid=flavorid or name,
                          root_gb=root_gb, ephemeral_gb=ephemeral_gb,
                          swap=swap, memory_mb=memory_mb, vcpus=vcpus,
                          extra_specs={})


def _instance(cloud, flavor):
    inst = types.SimpleNamespace(
        uuid=str(uuid.uuid4()), display_name='h2-cold-move', user_id='u',
        project_id='p', image_ref=cloud.image['id'],
        system_metadata={'image_disk_format': 'qcow2',
                         'image_hw_disk_bus': 'virtio'})
    _apply(inst, flavor)
    inst.name = 'instance-' + inst.uuid
    return inst


def _apply(inst, flavor):
    inst.flavor = flavor
    for key in ('root_gb', 'ephemeral_gb', 'memory_mb', 'vcpus'):
        setattr(inst, key, getattr(flavor, key))


def _spawn(drv, inst, cloud):
    drv.spawn(None, inst, objects.ImageMeta.from_dict(cloud.image), [],
              None, None)


def _memory_mib(drv, inst):
    guest = drv._host.get_guest(inst)
    return guest.domain.maxMemory() // 1024


def _root_size(drv, inst):
    return images.info(drv._disks.path(inst, 'disk')).virtual_size


def _migration(source, dest):
    return types.SimpleNamespace(source_compute=source, dest_compute=dest,
                                 uuid=str(uuid.uuid4()))


# ---------------------------------------------------------------------------
# Snapshot
# ---------------------------------------------------------------------------
def _snapshot_record(cloud, disk_format='qcow2'):
    return cloud.source.create(None, {'name': 'snap',
                                      'disk_format': disk_format,
                                      'visibility': 'public'})


@pytest.mark.parametrize('disk_format,qemu_format', [('qcow2', 'qcow2'),
                                                     ('raw', 'raw')])
def test_snapshot_uploads_the_flattened_root_and_keeps_the_guest_running(
        cloud, disk_format, qemu_format):
    drv = _driver(cloud, 'host1')
    # root_gb 0: the image's 64 MiB (a raw snapshot uploads every byte).
    inst = _instance(cloud, _flavor(root_gb=0))
    _spawn(drv, inst, cloud)
    record = _snapshot_record(cloud, disk_format)
    states = []

    def update_task_state(task_state, expected_state=None):
        states.append((task_state, expected_state))

    drv.snapshot(None, inst, record['id'], update_task_state)

    assert states == [
        (task_states.IMAGE_PENDING_UPLOAD, None),
        (task_states.IMAGE_UPLOADING, task_states.IMAGE_PENDING_UPLOAD)]
    uploaded = cloud.source.get(None, record['id'])
    assert uploaded['status'] == 'active'
    data = cloud.tmp_path / 'snapshot-data'
    cloud.source.download(None, record['id'], dst_path=str(data))
    info = images.info(str(data))
    assert info.format == qemu_format
    assert info.backing_file is None        # flattened, no host paths
    assert info.virtual_size == 64 * MiB
    flat = str(cloud.tmp_path / 'flat.raw')
    images.convert(str(data), flat, 'raw')
    with open(flat, 'rb') as f:
        assert f.read(10) == b'GUEST-ROOT'
    # Restored from its managed save: running, nothing left behind.
    guest = drv._host.get_guest(inst)
    assert guest.power_state() == power_state.RUNNING
    assert not guest.has_managed_save()
    assert os.listdir(drv._disks.snapshots_dir) == []


def test_snapshot_of_a_paused_guest_leaves_it_paused(cloud):
    drv = _driver(cloud, 'host1')
    inst = _instance(cloud, _flavor())
    _spawn(drv, inst, cloud)
    drv.pause(inst)
    drv.snapshot(None, inst, _snapshot_record(cloud)['id'],
                 lambda **kw: None)
    assert drv._host.get_guest(inst).power_state() == power_state.PAUSED


def test_snapshot_of_a_stopped_guest_leaves_it_stopped(cloud):
    drv = _driver(cloud, 'host1')
    inst = _instance(cloud, _flavor())
    _spawn(drv, inst, cloud)
    drv.power_off(inst)
    record = _snapshot_record(cloud)
    drv.snapshot(None, inst, record['id'], lambda **kw: None)
    assert drv._host.get_guest(inst).power_state() == power_state.SHUTDOWN
    assert cloud.source.get(None, record['id'])['status'] == 'active'


def test_snapshot_failure_restores_the_guest(cloud, monkeypatch):
    drv = _driver(cloud, 'host1')
    inst = _instance(cloud, _flavor())
    _spawn(drv, inst, cloud)

    def broken(*args, **kwargs):
        raise images.QemuImgError(action='convert', path='disk',
                                  reason='disk full')

    monkeypatch.setattr(images, 'convert', broken)
    with pytest.raises(images.QemuImgError):
        drv.snapshot(None, inst, _snapshot_record(cloud)['id'],
                     lambda **kw: None)
    assert drv._host.get_guest(inst).power_state() == power_state.RUNNING


def test_snapshot_format_follows_the_record():
    assert cold_moves.snapshot_format(None) == 'qcow2'
    assert cold_moves.snapshot_format('ami') == 'raw'
    assert cold_moves.snapshot_format('vmdk') == 'vmdk'
    with pytest.raises(exception.InvalidInput):
        cold_moves.snapshot_format('iso')


# ---------------------------------------------------------------------------
# Resize on one host
# ---------------------------------------------------------------------------
def _resize_same_host(cloud, old, new, power_on=True):
    drv = _driver(cloud, 'host1')
    inst = _instance(cloud, old)
    _spawn(drv, inst, cloud)
    with open(drv._disks.path(inst, 'disk'), 'rb') as f:
        f.read(1)
    disk_info = drv.migrate_disk_and_power_off(None, inst, 'host1', new, [],
                                               timeout=0)
    migration = _migration('host1', 'host1')
    _apply(inst, new)
    drv.finish_migration(None, migration, inst, disk_info, [], None, True,
                         None, power_on=power_on)
    return drv, inst, migration, disk_info


def test_migrate_disk_and_power_off_stops_and_moves_the_files_aside(cloud):
    drv = _driver(cloud, 'host1')
    inst = _instance(cloud, _flavor(ephemeral_gb=1))
    _spawn(drv, inst, cloud)
    directory = drv._disks.instance_dir(inst)

    disk_info = json.loads(drv.migrate_disk_and_power_off(
        None, inst, 'host2', _flavor('big', root_gb=2, ephemeral_gb=1), []))

    assert drv._host.get_guest(inst).power_state() == power_state.SHUTDOWN
    assert not os.path.exists(directory)
    assert disk_info['instance_dir'] == directory + '_resize'
    assert disk_info['source_host'] == cloud.conf.conf.host
    by_name = {d['name']: d for d in disk_info['disks']}
    assert set(by_name) == {'disk', 'disk.local'}
    assert by_name['disk']['path'] == directory + '_resize/disk'
    assert by_name['disk']['format'] == 'qcow2'
    assert by_name['disk']['backing_file'] == \
        drv._disks.image_cache.path_of(cloud.image['id'])


def test_a_smaller_disk_is_refused_before_the_guest_is_touched(cloud):
    drv = _driver(cloud, 'host1')
    inst = _instance(cloud, _flavor(root_gb=2, ephemeral_gb=2))
    _spawn(drv, inst, cloud)
    for smaller in (_flavor('r', root_gb=1, ephemeral_gb=2),
                    _flavor('e', root_gb=2, ephemeral_gb=1)):
        with pytest.raises(exception.CannotResizeDisk):
            drv.migrate_disk_and_power_off(None, inst, 'host1', smaller, [])
    assert drv._host.get_guest(inst).power_state() == power_state.RUNNING
    assert os.path.isdir(drv._disks.instance_dir(inst))


def test_resize_grows_disks_and_memory_and_starts_the_guest(cloud):
    old = _flavor('small', root_gb=1, ephemeral_gb=1, swap=16)
    new = _flavor('big', root_gb=2, ephemeral_gb=2, swap=32, memory_mb=512)
    drv, inst, _migration_, _ = _resize_same_host(cloud, old, new)

    guest = drv._host.get_guest(inst)
    assert guest.power_state() == power_state.RUNNING
    assert _memory_mib(drv, inst) == 512
    assert _root_size(drv, inst) == 2 * GiB
    assert images.info(drv._disks.path(inst, 'disk.local')).virtual_size \
        == 2 * GiB
    assert os.path.getsize(drv._disks.path(inst, 'disk.swap')) == 32 * MiB
    # The root disk still reads the image through the host's cache.
    root = images.info(drv._disks.path(inst, 'disk'))
    assert root.backing_file == drv._disks.image_cache.path_of(
        cloud.image['id'])
    parsed = guest.parsed()
    assert drv._disks.path(inst, 'disk') in parsed.disk_paths
    assert os.path.isdir(drv._disks.resize_dir(inst))


def test_resize_without_ephemeral_in_the_new_flavor_drops_it(cloud):
    """Ephemeral shrinking to nothing is refused (disks only grow) ...
    but a flavor gaining an ephemeral disk gets a new blank one."""
    old = _flavor('small', root_gb=1)
    new = _flavor('big', root_gb=1, ephemeral_gb=1)
    drv, inst, _, _ = _resize_same_host(cloud, old, new)
    assert images.info(drv._disks.path(inst, 'disk.local')).virtual_size \
        == 1 * GiB
    assert drv._disks.files(inst).ephemeral is not None


def test_finish_migration_may_leave_the_guest_stopped(cloud):
    drv, inst, _, _ = _resize_same_host(
        cloud, _flavor('small'), _flavor('big', memory_mb=512),
        power_on=False)
    guest = drv._host.get_guest(inst)
    assert guest.power_state() == power_state.SHUTDOWN
    assert _memory_mib(drv, inst) == 512


def test_confirm_on_the_same_host_keeps_the_guest_and_drops_the_copy(cloud):
    drv, inst, migration, _ = _resize_same_host(
        cloud, _flavor('small'), _flavor('big', root_gb=2, memory_mb=512))
    drv.confirm_migration(None, migration, inst, [])
    assert not os.path.exists(drv._disks.resize_dir(inst))
    assert drv._host.get_guest(inst).power_state() == power_state.RUNNING
    assert _root_size(drv, inst) == 2 * GiB


def test_revert_on_the_same_host_brings_back_the_old_guest(cloud):
    old = _flavor('small', root_gb=1, memory_mb=256)
    drv, inst, migration, _ = _resize_same_host(
        cloud, old, _flavor('big', root_gb=2, memory_mb=512))
    _apply(inst, old)
    drv.finish_revert_migration(None, inst, [], migration, power_on=True)

    assert not os.path.exists(drv._disks.resize_dir(inst))
    assert drv._host.get_guest(inst).power_state() == power_state.RUNNING
    assert _memory_mib(drv, inst) == 256
    assert _root_size(drv, inst) == 1 * GiB


def test_revert_of_a_stopped_guest_leaves_it_stopped(cloud):
    old = _flavor('small')
    drv, inst, migration, _ = _resize_same_host(
        cloud, old, _flavor('big', memory_mb=512), power_on=False)
    _apply(inst, old)
    drv.finish_revert_migration(None, inst, [], migration, power_on=False)
    assert drv._host.get_guest(inst).power_state() == power_state.SHUTDOWN
    assert _memory_mib(drv, inst) == 256


# ---------------------------------------------------------------------------
# Cold migration between two hosts (two private test connections, two
# instances paths, copied with transport "local")
# ---------------------------------------------------------------------------
def _two_hosts(cloud, tmp_path_factory):
    # Each test:///file connection is a host of its own.
    second = tmp_path_factory.mktemp('host2') / 'node.xml'
    second.write_text('<node></node>')
    source = _driver(cloud, 'host1')
    source_disks = source._disks
    dest = _driver(cloud, 'host2', uri='test://' + str(second))
    return source, source_disks, dest


def test_cold_migration_copies_disks_and_rebases_on_the_local_cache(
        cloud, tmp_path_factory):
    cloud.conf.config(remote_filesystem_transport='local', group='libvirt')
    source, source_disks, dest = _two_hosts(cloud, tmp_path_factory)
    flavor = _flavor(ephemeral_gb=1)
    inst = _instance(cloud, flavor)
    _spawn(source, inst, cloud)
    # The guest wrote to its root disk.
    source_root = source._disks.path(inst, 'disk')
    disk_info = source.migrate_disk_and_power_off(None, inst, 'host2',
                                                  flavor, [])
    migration = _migration('host1', 'host2')
    dest.finish_migration(None, migration, inst, disk_info, [], None, False,
                          None, power_on=True)

    assert dest._host.get_guest(inst).power_state() == power_state.RUNNING
    dest_root = images.info(dest._disks.path(inst, 'disk'))
    assert dest_root.backing_file == dest._disks.image_cache.path_of(
        cloud.image['id'])
    assert dest_root.backing_file.startswith(str(cloud.tmp_path / 'host2'))
    assert os.path.exists(dest._disks.path(inst, 'disk.local'))
    assert not os.path.exists(source_root)      # moved aside

    source.confirm_migration(None, migration, inst, [])
    assert not os.path.exists(source_disks.resize_dir(inst))
    with pytest.raises(exception.InstanceNotFoundOnHypervisor):
        source._host.get_guest(inst)
    assert dest._host.get_guest(inst).power_state() == power_state.RUNNING


def test_cold_migration_revert_restarts_the_source(cloud, tmp_path_factory):
    cloud.conf.config(remote_filesystem_transport='local', group='libvirt')
    source, source_disks, dest = _two_hosts(cloud, tmp_path_factory)
    flavor = _flavor()
    inst = _instance(cloud, flavor)
    _spawn(source, inst, cloud)
    disk_info = source.migrate_disk_and_power_off(None, inst, 'host2',
                                                  flavor, [])
    migration = _migration('host1', 'host2')
    dest.finish_migration(None, migration, inst, disk_info, [], None, False,
                          None)
    # The compute manager's revert: destroy on the destination, then
    # finish_revert_migration on the source.
    dest.destroy(None, inst, [], destroy_disks=True)
    source.finish_revert_migration(None, inst, [], migration)

    assert source._host.get_guest(inst).power_state() == power_state.RUNNING
    assert os.path.exists(source_disks.path(inst, 'disk'))
    assert not os.path.exists(source_disks.resize_dir(inst))
    assert not os.path.exists(dest._disks.instance_dir(inst))


def test_computes_sharing_a_libvirtd_keep_the_moved_guest_on_confirm(
        cloud):
    """Two computes on one libvirtd (one machine) see the same domain
    name: confirming on the source must not remove the destination's
    running guest."""
    cloud.conf.config(remote_filesystem_transport='local', group='libvirt')
    source = _driver(cloud, 'host1', uri='test:///default')
    source_disks = source._disks
    dest = _driver(cloud, 'host2', uri='test:///default')
    flavor = _flavor()
    inst = _instance(cloud, flavor)
    _spawn(source, inst, cloud)
    try:
        disk_info = source.migrate_disk_and_power_off(None, inst, 'host2',
                                                      flavor, [])
        migration = _migration('host1', 'host2')
        dest.finish_migration(None, migration, inst, disk_info, [], None,
                              False, None)
        source.confirm_migration(None, migration, inst, [])
        guest = dest._host.get_guest(inst)
        assert guest.power_state() == power_state.RUNNING
        assert dest._owns(guest) and not source._owns(guest)
        assert not os.path.exists(source_disks.resize_dir(inst))
    finally:
        dest.destroy(None, inst, [], destroy_disks=True)


def _config_drive_paths(drv, inst):
    return [d.source_path for d in drv._host.get_guest(inst).parsed().disks
            if d.device == 'cdrom']


def test_cold_migration_carries_the_config_drive(cloud, tmp_path_factory):
    cloud.conf.config(remote_filesystem_transport='local', group='libvirt')
    source, source_disks, dest = _two_hosts(cloud, tmp_path_factory)
    flavor = _flavor()
    inst = readers.give_metadata(_instance(cloud, flavor))
    drv_files = [('/etc/motd', b'moved along\n')]
    source.spawn(None, inst, objects.ImageMeta.from_dict(cloud.image),
                 drv_files, 'pw', None)
    with open(source._disks.path(inst, 'disk.config'), 'rb') as f:
        image = f.read()
    disk_info = source.migrate_disk_and_power_off(None, inst, 'host2',
                                                  flavor, [])
    by_name = {d['name']: d for d in json.loads(disk_info)['disks']}
    assert by_name['disk.config']['format'] == 'raw'
    migration = _migration('host1', 'host2')
    dest.finish_migration(None, migration, inst, disk_info, [], None, False,
                          None)
    path = dest._disks.path(inst, 'disk.config')
    assert _config_drive_paths(dest, inst) == [path]
    # The very image of the source: personality files and password kept.
    with open(path, 'rb') as f:
        assert f.read() == image
    dest.destroy(None, inst, [], destroy_disks=True)
    source.finish_revert_migration(None, inst, [], migration)
    assert _config_drive_paths(source, inst) == [
        source_disks.path(inst, 'disk.config')]


def test_resize_makes_a_config_drive_the_source_lacked(cloud):
    old, new = _flavor('small'), _flavor('big', memory_mb=512)
    drv = _driver(cloud, 'host1')
    inst = _instance(cloud, old)
    _spawn(drv, inst, cloud)
    assert _config_drive_paths(drv, inst) == []
    disk_info = drv.migrate_disk_and_power_off(None, inst, 'host1', new, [])
    # Say force_config_drive was set when the server was built but its
    # files predate the config drive.
    readers.give_metadata(inst)
    _apply(inst, new)
    drv.finish_migration(None, _migration('host1', 'host1'), inst,
                         disk_info, [], None, True, None)
    path = drv._disks.path(inst, 'disk.config')
    assert _config_drive_paths(drv, inst) == [path]
    files, _volume = readers.iso_with_pycdlib(path)
    assert json.loads(files['openstack/latest/meta_data.json'])['uuid'] == \
        inst.uuid


def test_finish_migration_without_disks_is_an_error(cloud):
    drv = _driver(cloud, 'host1')
    inst = _instance(cloud, _flavor())
    with pytest.raises(exception.MigrationError):
        drv.finish_migration(None, _migration('a', 'b'), inst,
                             json.dumps({'disks': []}), [], None, False,
                             None)


# ---------------------------------------------------------------------------
# Copy transports
# ---------------------------------------------------------------------------
def test_copy_commands_per_transport(monkeypatch, tmp_path):
    ran = []
    monkeypatch.setattr(cold_moves.processutils, 'execute',
                        lambda *cmd, **kw: ran.append(cmd) or ('', ''))
    cold_moves.copy_file('/src/disk', '/dst/disk', 'h1', 'ssh')
    cold_moves.copy_file('/src/disk', '/dst/disk', 'h1', 'rsync')
    cold_moves.copy_file('/src/disk', '/dst/disk', 'h1', 'local')
    assert ran[0][0] == 'scp' and ran[0][-2:] == ('h1:/src/disk',
                                                  '/dst/disk')
    assert ran[1][0] == 'rsync' and ran[1][-2:] == ('h1:/src/disk',
                                                    '/dst/disk')
    assert ran[2] == ('cp', '--sparse=always', '/src/disk', '/dst/disk')


def test_a_failed_copy_is_a_migration_error(tmp_path):
    with pytest.raises(exception.MigrationError, match='copying'):
        cold_moves.copy_file(str(tmp_path / 'missing'),
                             str(tmp_path / 'dst'), None, 'local')


def test_image_meta_of_reads_the_recorded_image():
    inst = types.SimpleNamespace(image_ref='img', system_metadata={
        'image_disk_format': 'qcow2', 'image_hw_disk_bus': 'scsi',
        'image_min_disk': '1', 'other': 'x'})
    meta = cold_moves.image_meta_of(inst)
    assert meta['id'] == 'img'
    assert meta['disk_format'] == 'qcow2'
    assert meta['properties'] == {'hw_disk_bus': 'scsi'}
