"""Config drives against real daemons (fake driver): a server that asks
for one gets a real image, with its user data, key, metadata, admin
password and personality files, and shows config_drive "True"; a host
with force_config_drive gives every new server one (FAT on that host);
the image goes with the server; changePassword reaches the guest.

Hosts: cd1 as configured by default, cd2 with [DEFAULT]
force_config_drive and config_drive_format vfat. Each reports a trait of
its own (CUSTOM_CD1, CUSTOM_CD2) that a flavor requires, to choose the
host.
"""

import base64
import json
import os

import pytest

from tests import configdrive_readers as readers
from tests import conftest

pytestmark = [pytest.mark.functional, pytest.mark.timeout(600)]

MV_PERSONALITY = {'OpenStack-API-Version': 'compute 2.56'}
USER_DATA = b'#cloud-config\nhostname: drive-test\n'
KEY = ('ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOKXbvZLQ1Yd2fN7Z9hB3F0u1r3'
       'VJgR0kB1mLrUa4pTs cd@test')


@pytest.fixture(scope='module')
def cloud(tmp_path_factory, rabbit_available):
    cloud, cleanup = conftest.start_cloud(
        tmp_path_factory.mktemp('configdrive'), computes=('cd1', 'cd2'),
        host_conf={
            'cd1': {'fake': {'traits': 'CUSTOM_CD1'}},
            'cd2': {'fake': {'traits': 'CUSTOM_CD2'},
                    'DEFAULT': {'force_config_drive': True,
                                'config_drive_format': 'vfat'}}})
    try:
        cloud.flavors = {}
        for host in ('cd1', 'cd2'):
            flavor = cloud.create_flavor('cd.' + host)
            cloud.post('/flavors/%s/os-extra_specs' % flavor['id'],
                       {'extra_specs': {
                           'trait:CUSTOM_%s' % host.upper(): 'required'}},
                       expect=200)
            cloud.flavors[host] = flavor['id']
        cloud.image_id = cloud.import_image('cd-image')
        cloud.post('/os-keypairs', {'keypair': {
            'name': 'cdkey', 'public_key': KEY}}, expect=201)
        yield cloud
    finally:
        cleanup()


def _drive_path(cloud, server):
    return cloud.settings.path('fake-virt', server['OS-EXT-SRV-ATTR:host'],
                               'config-drives', '%s.config' % server['id'])


def _boot(cloud, host, **extra):
    body = {'server': dict({
        'name': 'cd-%s' % host, 'flavorRef': cloud.flavors[host],
        'imageRef': cloud.image_id, 'networks': 'none'}, **extra)}
    created = cloud.request('POST', '/servers', expect=202, json=body,
                            headers=MV_PERSONALITY).json()['server']
    server = cloud.wait_status(created['id'], 'ACTIVE')
    assert server['OS-EXT-SRV-ATTR:host'] == host
    return created, server


def _delete(cloud, server):
    cloud.request('DELETE', '/servers/%s' % server['id'], expect=204)
    cloud.wait_gone(server['id'])


def test_server_that_asks_gets_a_config_drive_with_its_data(
        cloud, tmp_path):
    created, server = _boot(
        cloud, 'cd1', config_drive=True, key_name='cdkey',
        metadata={'purpose': 'drive'},
        user_data=base64.b64encode(USER_DATA).decode(),
        personality=[{'path': '/etc/drive.txt', 'contents':
                      base64.b64encode(b'inside the drive\n').decode()}])
    assert server['config_drive'] == 'True'
    path = _drive_path(cloud, server)
    files, volume = readers.iso_with_pycdlib(path)
    assert volume == 'config-2'
    # The same tree as an independent reader sees it.
    assert readers.tree(readers.extract_iso(path, str(tmp_path))) == files
    meta = json.loads(files['openstack/latest/meta_data.json'])
    assert meta['uuid'] == server['id']
    assert meta['public_keys'] == {'cdkey': KEY}
    assert meta['meta'] == {'purpose': 'drive'}
    assert meta['admin_pass'] == created['adminPass']
    assert files['openstack/latest/user_data'] == USER_DATA
    [item] = meta['files']
    assert item['path'] == '/etc/drive.txt'
    assert files['openstack' + item['content_path']] == \
        b'inside the drive\n'
    _delete(cloud, server)
    assert not os.path.exists(path)


def test_server_that_does_not_ask_gets_none(cloud):
    _created, server = _boot(cloud, 'cd1')
    assert server['config_drive'] == ''
    assert not os.path.exists(_drive_path(cloud, server))
    _delete(cloud, server)


def test_forced_config_drive_without_asking(cloud):
    readers.need('mkfs.vfat', 'dosfstools')
    readers.need('mcopy', 'mtools')
    _created, server = _boot(
        cloud, 'cd2', user_data=base64.b64encode(USER_DATA).decode())
    assert server['config_drive'] == 'True'
    path = _drive_path(cloud, server)
    assert readers.label(path) == 'config-2'
    files = readers.vfat_files(path)
    assert files['openstack/latest/user_data'] == USER_DATA
    assert json.loads(files['openstack/latest/meta_data.json'])['uuid'] == \
        server['id']
    _delete(cloud, server)
    assert not os.path.exists(path)


def test_change_password_reaches_the_guest(cloud):
    _created, server = _boot(cloud, 'cd1')
    cloud.request('POST', '/servers/%s/action' % server['id'], expect=202,
                  json={'changePassword': {'adminPass': 'n3w-Passw0rd'}})
    record = cloud.settings.path('fake-virt', 'cd1', '%s.json' % server['id'])
    with open(record) as f:
        assert json.load(f)['admin_password'] == 'n3w-Passw0rd'
    _delete(cloud, server)
