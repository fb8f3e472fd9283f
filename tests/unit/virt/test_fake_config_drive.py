"""The fake driver's config drives: a real image per guest that needs one,
gone with the guest, carried along by moves; admin passwords kept."""

import json
import os
import types

from nova.virt import fake
from tests import configdrive_readers as readers
from tests.unit.virt.conftest import StubInstance
from tests.unit.virt.test_fake_live_migration import _migrate


def _instance(config_drive='True', node='compute1', host='compute1',
              **kwargs):
    return readers.give_metadata(StubInstance(node=node, host=host,
                                              **kwargs),
                                 config_drive=config_drive)


def _files(path):
    files, volume = readers.iso_with_pycdlib(path)
    assert volume == 'config-2'
    return files


def _drv(host, tmp_path):
    d = fake.FakeDriver(host=host, state_dir=str(tmp_path / host))
    d.init_host(host)
    return d


def test_spawn_builds_the_config_drive_and_destroy_removes_it(conf,
                                                              tmp_path):
    drv = _drv('compute1', tmp_path)
    inst = _instance()
    drv.spawn(None, inst, {'id': 'image-ok'}, [('/etc/motd', b'hi\n')],
              'pw1', None)
    path = drv.config_drives[inst.uuid]
    assert path == os.path.join(drv.state_dir, 'config-drives',
                                inst.uuid + '.config')
    files = _files(path)
    meta = json.loads(files['openstack/latest/meta_data.json'])
    assert meta['uuid'] == inst.uuid
    assert meta['admin_pass'] == 'pw1'
    assert files['openstack/latest/user_data'] == b'#cloud-config\n'
    assert files['openstack/content/0000'] == b'hi\n'
    with open(drv._guest_path(inst.uuid)) as f:
        record = json.load(f)
    assert record['config_drive'] == {'path': path, 'format': 'iso9660'}
    assert record['admin_password'] == 'pw1'
    drv.destroy(None, inst, [])
    assert not os.path.exists(path)
    assert drv.config_drives == {}


def test_no_config_drive_unless_required(conf, tmp_path):
    drv = _drv('compute1', tmp_path)
    inst = _instance(config_drive='')
    drv.spawn(None, inst, {'id': 'image-ok'}, [], None, None)
    assert drv.config_drives == {}
    conf.config(force_config_drive=True)
    forced = _instance(config_drive='')
    drv.spawn(None, forced, {'id': 'image-ok'}, [], None, None)
    assert list(drv.config_drives) == [forced.uuid]


def test_config_drive_dir_option_and_vfat(conf, tmp_path):
    readers.need('mkfs.vfat', 'dosfstools')
    readers.need('mcopy', 'mtools')
    conf.config(config_drive_dir=str(tmp_path / 'drives'), group='fake')
    conf.config(config_drive_format='vfat')
    drv = _drv('compute1', tmp_path)
    inst = _instance()
    drv.spawn(None, inst, {'id': 'image-ok'}, [], None, None)
    path = drv.config_drives[inst.uuid]
    assert path == str(tmp_path / 'drives' / 'compute1' /
                       (inst.uuid + '.config'))
    assert readers.vfat_files(path)['openstack/latest/user_data'] == \
        b'#cloud-config\n'


def test_failed_spawn_leaves_no_config_drive(conf, tmp_path, monkeypatch):
    drv = _drv('compute1', tmp_path)
    inst = _instance()

    def unplugged(*args):
        raise RuntimeError('no VIFs today')
    monkeypatch.setattr(fake.fake_vifs, 'plug', unplugged)
    try:
        drv.spawn(None, inst, {'id': 'image-ok'}, [], None, None)
    except RuntimeError:
        pass
    assert not os.listdir(drv.config_drive_dir)


def test_live_migration_carries_the_config_drive(conf, tmp_path):
    src, dst = _drv('src', tmp_path), _drv('dst', tmp_path)
    inst = _instance(node='src', host='src')
    src.spawn(None, inst, {'id': 'image-ok'}, [], 'pw', None)
    before = src.config_drives[inst.uuid]
    with open(before, 'rb') as f:
        image = f.read()
    calls = _migrate(src, dst, inst)
    assert calls.recovered is None
    after = dst.config_drives[inst.uuid]
    assert after.startswith(dst.config_drive_dir)
    with open(after, 'rb') as f:
        assert f.read() == image
    assert not os.path.exists(before)


def test_resize_to_another_host_carries_the_config_drive(conf, tmp_path):
    src, dst = _drv('src', tmp_path), _drv('dst', tmp_path)
    inst = _instance(node='src', host='src')
    src.spawn(None, inst, {'id': 'image-ok'}, [], None, None)
    disk_info = src.migrate_disk_and_power_off(None, inst, 'dst', None, [])
    moved = _instance(node='dst', host='dst', instance_uuid=inst.uuid)
    migration = types.SimpleNamespace(source_compute='src',
                                      dest_compute='dst')
    dst.finish_migration(None, migration, moved, disk_info, [], None, True,
                         None)
    assert dst.config_drives[inst.uuid].startswith(dst.config_drive_dir)
    assert _files(dst.config_drives[inst.uuid])
    src_path = src.config_drives[inst.uuid]
    src.confirm_migration(None, migration, inst, [])
    assert not os.path.exists(src_path)
    assert os.path.exists(dst.config_drives[inst.uuid])


def test_set_admin_password_is_kept(conf, tmp_path):
    drv = _drv('compute1', tmp_path)
    inst = _instance(config_drive='')
    drv.spawn(None, inst, {'id': 'image-ok'}, [], 'first', None)
    drv.set_admin_password(inst, 'second')
    with open(drv._guest_path(inst.uuid)) as f:
        assert json.load(f)['admin_password'] == 'second'
