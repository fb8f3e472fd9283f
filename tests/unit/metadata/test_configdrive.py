"""nova.metadata.configdrive: who gets a config drive, and the images it
writes, read back with pycdlib and with tools that share no code with it
(bsdtar, blkid, mtools)."""

import base64
import datetime
import json
import os
import types

import pytest

from nova.metadata import configdrive
from nova.metadata import content
from nova import objects
from tests import configdrive_readers as readers

UUID = '5b4ae8c2-3d2c-4c1e-9f1a-7e0c3f1d2a11'


def _instance(**kwargs):
    values = dict(
        uuid=UUID, id=42, metadata={'role': 'web'}, system_metadata={},
        flavor=None, key_name='mykey', key_data='ssh-ed25519 AAAAC3 me@h',
        hostname='web-1', display_name='web-1', launch_index=0,
        availability_zone='nova', project_id='p1', image_ref='img-1',
        reservation_id='r-1', root_device_name=None, kernel_id=None,
        ramdisk_id=None, launched_at=None, config_drive='',
        user_data=base64.b64encode(b'#!/bin/sh\necho hi\n').decode(),
        network_info=None)
    values.update(kwargs)
    return types.SimpleNamespace(**values)


def _md(**kwargs):
    """The metadata of an instance, its drive's files listed once (each
    listing has a new random_seed)."""
    files = kwargs.pop('files', [('/etc/motd', b'welcome\n')])
    password = kwargs.pop('admin_password', 's3cret')
    md = configdrive.instance_metadata(_instance(**kwargs), files=files,
                                       admin_password=password)
    listed = list(md.config_drive_files())
    return types.SimpleNamespace(config_drive_files=lambda: iter(listed))


# ---------------------------------------------------------------------------
# required()
# ---------------------------------------------------------------------------
def test_not_required_by_default(conf):
    assert not configdrive.required(_instance(), {'properties': {}})
    assert not configdrive.required(_instance(config_drive=None), None)


def test_required_when_the_server_asked_for_one(conf):
    assert configdrive.required(_instance(config_drive='True'), None)


def test_force_config_drive_applies_to_new_servers_only(conf):
    conf.config(force_config_drive=True)
    assert configdrive.required(_instance(), None)
    launched = _instance(launched_at=datetime.datetime(2024, 1, 1))
    assert not configdrive.required(launched, None)


def test_required_when_the_image_makes_it_mandatory(conf):
    objects.register_all()
    image = {'id': '0a5c4f2e-1b0e-4f59-9a43-4a0f5d0d6d2c',
             'properties': {'img_config_drive': 'mandatory'}}
    assert configdrive.required(_instance(), image)
    assert configdrive.required(_instance(),
                                objects.ImageMeta.from_dict(image))


def test_optional_image_property_does_not_require_one(conf):
    assert not configdrive.required(
        _instance(), {'properties': {'img_config_drive': 'optional'}})


def test_image_property_recorded_on_the_instance_counts(conf):
    inst = _instance(system_metadata={'image_img_config_drive': 'mandatory'})
    assert configdrive.required(inst, None)


def test_update_instance_marks_the_server(conf):
    conf.config(force_config_drive=True)
    inst = _instance()
    assert configdrive.update_instance(inst, None)
    assert inst.config_drive == 'True'
    assert not configdrive.update_instance(inst, None)
    plain = _instance(launched_at=datetime.datetime(2024, 1, 1))
    conf.config(force_config_drive=False)
    assert not configdrive.update_instance(plain, None)
    assert plain.config_drive == ''


# ---------------------------------------------------------------------------
# What goes on it
# ---------------------------------------------------------------------------
def test_metadata_carries_password_files_network_and_groups(conf):
    vif = {'id': 'port-1', 'address': 'fa:16:3e:11:22:33',
           'devname': 'tapport-1', 'network': {
               'id': 'net-1', 'mtu': 1450, 'subnets': [{
                   'cidr': '10.0.0.0/24', 'version': 4,
                   'gateway': '10.0.0.1', 'dns': ['10.0.0.2'], 'routes': [],
                   'enable_dhcp': False,
                   'ips': [{'address': '10.0.0.5', 'version': 4}]}]}}
    inst = _instance(system_metadata={
        'network_security_groups': json.dumps(['web', 'ssh'])})
    md = configdrive.instance_metadata(inst, [vif], [('/a', b'A')], 'pw')
    meta = md.meta_data(content.LATEST)
    assert meta['admin_pass'] == 'pw'
    assert meta['files'] == [{'path': '/a',
                              'content_path': '/content/0000'}]
    assert md.security_groups == ['web', 'ssh']
    assert md.network_data['links'][0]['ethernet_mac_address'] == \
        'fa:16:3e:11:22:33'
    assert configdrive.security_group_names(_instance()) == ['default']


# ---------------------------------------------------------------------------
# ISO 9660
# ---------------------------------------------------------------------------
def _expected(md):
    return dict(md.config_drive_files())


def test_iso_tree_read_back_with_pycdlib(conf, tmp_path):
    md = _md()
    path = str(tmp_path / 'disk.config')
    configdrive.build(md, path, 'iso9660')
    expected = _expected(md)
    files, volume = readers.iso_with_pycdlib(path)
    assert volume == 'config-2'
    assert files == expected
    joliet, _volume = readers.iso_with_pycdlib(path, names='joliet')
    assert joliet == expected
    assert 'openstack/latest/meta_data.json' in files
    assert files['openstack/content/0000'] == b'welcome\n'
    assert files['openstack/latest/user_data'] == b'#!/bin/sh\necho hi\n'
    assert configdrive.file_system(path) == 'iso9660'
    assert not os.path.exists(path + '.part')


def test_iso_tree_read_back_with_bsdtar_and_blkid(conf, tmp_path):
    md = _md()
    path = str(tmp_path / 'disk.config')
    configdrive.build(md, path)     # iso9660 is the default format
    files = readers.tree(readers.extract_iso(path, str(tmp_path / 'x')))
    assert files == _expected(md)
    meta = json.loads(files['openstack/latest/meta_data.json'])
    assert meta['uuid'] == UUID
    assert meta['admin_pass'] == 's3cret'
    assert meta['public_keys'] == {'mykey': 'ssh-ed25519 AAAAC3 me@h'}
    assert meta['meta'] == {'role': 'web'}
    assert 'ec2/latest/meta-data.json' in files
    assert readers.label(path) == 'config-2'


def test_iso_names_that_collide_once_mangled_stay_apart(tmp_path):
    files = [('d/a-b.json', b'1'), ('d/a_b.json', b'2'), ('d/A.B.json', b'3'),
             ('d/' + 'x' * 40 + '.txt', b'4'), ('d/' + 'x' * 41 + '.txt',
                                                b'5'),
             ('d-1/n', b'6'), ('d_1/n', b'7')]
    md = types.SimpleNamespace(config_drive_files=lambda: iter(files))
    path = str(tmp_path / 'names.iso')
    configdrive.build(md, path, 'iso9660')
    read, _volume = readers.iso_with_pycdlib(path)
    assert read == dict(files)
    extracted = readers.tree(readers.extract_iso(path, str(tmp_path / 'x')))
    assert extracted == dict(files)


def test_rebuilding_replaces_the_image(conf, tmp_path):
    path = str(tmp_path / 'disk.config')
    configdrive.build(_md(admin_password='one'), path, 'iso9660')
    configdrive.build(_md(admin_password='two'), path, 'iso9660')
    files, _volume = readers.iso_with_pycdlib(path)
    assert json.loads(files['openstack/latest/meta_data.json'])[
        'admin_pass'] == 'two'


def test_unknown_format_is_refused(conf, tmp_path):
    with pytest.raises(configdrive.ConfigDriveError):
        configdrive.build(_md(), str(tmp_path / 'x'), 'ext4')


# ---------------------------------------------------------------------------
# vfat
# ---------------------------------------------------------------------------
def test_vfat_tree_read_back_with_mtools_and_blkid(conf, tmp_path):
    readers.need('mkfs.vfat', 'dosfstools')
    readers.need('mcopy', 'mtools')
    md = _md()
    path = str(tmp_path / 'disk.config')
    configdrive.build(md, path, 'vfat')
    assert os.path.getsize(path) == configdrive.VFAT_SIZE
    assert readers.vfat_files(path) == _expected(md)
    assert readers.label(path) == 'config-2'
    assert configdrive.file_system(path) == 'vfat'


def test_vfat_without_its_tools_names_the_packages(conf, tmp_path,
                                                   monkeypatch):
    monkeypatch.setattr(configdrive.shutil, 'which', lambda *a, **k: None)
    with pytest.raises(configdrive.ConfigDriveToolMissing) as exc:
        configdrive.build(_md(), str(tmp_path / 'disk.config'), 'vfat')
    assert 'dosfstools' in str(exc.value)
    assert not os.path.exists(str(tmp_path / 'disk.config'))
    monkeypatch.setattr(configdrive.shutil, 'which',
                        lambda name, **k: None if name == 'mcopy'
                        else '/usr/sbin/' + name)
    with pytest.raises(configdrive.ConfigDriveToolMissing) as exc:
        configdrive.build(_md(), str(tmp_path / 'disk.config'), 'vfat')
    assert 'mtools' in str(exc.value)
