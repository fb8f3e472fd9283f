"""cloud-init reads our config drives.

A config drive is built for a server with user data, a key pair,
metadata, a personality file and a network info cache; it is unpacked
with a tool that shares no code with the builder (bsdtar for ISO 9660,
mtools for FAT), and Debian's cloud-init (its own Python, /usr/bin/python3)
reads the tree with the ConfigDrive data source's reader
(``DataSourceConfigDrive.read_config_drive``: ``ConfigDriveReader.read_v2``)
and turns network_data.json into its network configuration
(``openstack.convert_net_json``), as it does in a guest.

Skipped when /usr/bin/python3 cannot import cloudinit (Debian package
cloud-init) or a reader tool is missing; with NOVA_TEST_REQUIRE_CLOUDINIT=1
(as in CI, after tools/test-packages.sh) those fail instead.
"""

import base64
import json
import os
import subprocess
import types

import pytest

from nova.metadata import configdrive
from nova.network import model as network_model
from tests import configdrive_readers as readers

pytestmark = [pytest.mark.functional, pytest.mark.timeout(300)]

SYSTEM_PYTHON = '/usr/bin/python3'
UUID = '9a3c1f7e-52b4-4d0e-8a7b-3c2e1d0f4a55'
MAC = 'fa:16:3e:4d:2a:10'
KEY = ('ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKp0dL7qM8Zc6wJtq2pYgPz3R0'
       'nGZC0a8l6e3sQ5fJhX alice@laptop')
USER_DATA = b'#cloud-config\nruncmd:\n  - [touch, /run/nova-config-drive]\n'
PERSONALITY = ('/etc/nova-test/greeting.txt', b'hello from the drive\n')

# What cloud-init's Python runs: read the unpacked tree, print what it
# derived as JSON.
READER = r'''
import base64, json, sys
from cloudinit import sources
from cloudinit.sources import DataSourceConfigDrive as ds
from cloudinit.sources.helpers import openstack

results = ds.read_config_drive(sys.argv[1])
md = results['metadata']
print(json.dumps({
    'version': results['version'],
    'instance_id': md['instance-id'],
    'hostname': md.get('local-hostname'),
    # As SourceMixin.get_public_ssh_keys reads them (version 2).
    'public_keys': sources.normalize_pubkey_data(md.get('public_keys')),
    'meta': md.get('meta'),
    'userdata': base64.b64encode(results['userdata']).decode(),
    'files': {path: base64.b64encode(data).decode()
              for path, data in results['files'].items()},
    'ec2_instance_type': results['ec2-metadata'].get('instance-type'),
    'network': openstack.convert_net_json(
        results['networkdata'], known_macs={sys.argv[2]: 'eth0'}),
}, sort_keys=True))
'''


@pytest.fixture(scope='module')
def cloudinit_python():
    if not os.path.exists(SYSTEM_PYTHON):
        readers.missing('%s does not exist' % SYSTEM_PYTHON)
    probe = subprocess.run(
        [SYSTEM_PYTHON, '-c', 'import cloudinit.version as v; '
                              'print(v.version_string())'],
        capture_output=True, text=True)
    if probe.returncode != 0:
        readers.missing('%s cannot import cloudinit (Debian package '
                        'cloud-init)' % SYSTEM_PYTHON)
    return SYSTEM_PYTHON


def _vif():
    port = {'id': 'b7d3e0f2-6c1a-4e59-9d8b-2a4f6c8e0d13',
            'mac_address': MAC, 'network_id': 'net-1',
            'binding:vif_type': 'ovs', 'status': 'ACTIVE',
            'fixed_ips': [{'subnet_id': 'sub-4', 'ip_address': '10.20.0.7'}]}
    network = {'id': 'net-1', 'name': 'private', 'mtu': 1450}
    subnets = {'sub-4': {'id': 'sub-4', 'cidr': '10.20.0.0/24',
                         'ip_version': 4, 'gateway_ip': '10.20.0.1',
                         'dns_nameservers': ['10.20.0.2'],
                         'enable_dhcp': False,
                         'host_routes': [{'destination': '192.168.50.0/24',
                                          'nexthop': '10.20.0.254'}]}}
    return network_model.build_vif(port, network, subnets, [])


def _instance():
    inst = types.SimpleNamespace(
        uuid=UUID, display_name='web-1', image_ref='img-1',
        flavor=types.SimpleNamespace(name='m1.tiny', ephemeral_gb=0, swap=0),
        system_metadata={})
    return readers.give_metadata(
        inst, hostname='web-1', metadata={'role': 'web', 'tier': 'front'},
        key_name='alice', key_data=KEY,
        user_data=base64.b64encode(USER_DATA).decode(),
        network_info=network_model.dump([_vif()]))


def _unpack(fmt, image, dest):
    if fmt == 'iso9660':
        readers.need('bsdtar', 'libarchive-tools')
        return readers.extract_iso(image, dest)
    readers.need('mcopy', 'mtools')
    os.makedirs(dest)
    subprocess.run(['mcopy', '-s', '-n', '-i', image, '::/ec2',
                    '::/openstack', dest], check=True, capture_output=True,
                   env=readers.MTOOLS_ENV)
    return dest


@pytest.mark.parametrize('fmt', ['iso9660', 'vfat'])
def test_cloud_init_reads_the_config_drive(cloudinit_python, tmp_path,
                                           fmt):
    if fmt == 'vfat':
        readers.need('mkfs.vfat', 'dosfstools')
        readers.need('mcopy', 'mtools')
    md = configdrive.instance_metadata(_instance(), files=[PERSONALITY],
                                       admin_password='pw')
    image = str(tmp_path / 'disk.config')
    configdrive.build(md, image, fmt)
    assert readers.label(image) == 'config-2'
    tree = _unpack(fmt, image, str(tmp_path / 'tree'))

    result = subprocess.run([cloudinit_python, '-c', READER, tree, MAC],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout)

    assert seen['version'] == 2
    assert seen['instance_id'] == UUID
    assert seen['hostname'] == 'web-1.novalocal'
    assert seen['public_keys'] == [KEY]
    assert seen['meta'] == {'role': 'web', 'tier': 'front'}
    assert base64.b64decode(seen['userdata']) == USER_DATA
    assert {path: base64.b64decode(data)
            for path, data in seen['files'].items()} == dict([PERSONALITY])
    assert seen['ec2_instance_type'] == 'm1.tiny'

    network = seen['network']
    assert network['version'] == 1
    [nic] = [c for c in network['config'] if c['type'] == 'physical']
    assert (nic['name'], nic['mac_address'], nic['mtu']) == ('eth0', MAC,
                                                             1450)
    [subnet] = nic['subnets']
    assert subnet['type'] == 'static'
    assert subnet['address'] == '10.20.0.7'
    assert subnet['netmask'] == '255.255.255.0'
    routes = {(r['network'], r['gateway']) for r in subnet['routes']}
    assert routes == {('0.0.0.0', '10.20.0.1'),
                      ('192.168.50.0', '10.20.0.254')}
    [dns] = [c for c in network['config'] if c['type'] == 'nameserver']
    assert dns['address'] == '10.20.0.2'
