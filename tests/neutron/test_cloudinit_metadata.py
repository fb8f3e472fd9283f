"""cloud-init reads our metadata service, as a guest without Neutron's
proxy does.

A server boots on a Neutron network. A network namespace plays its guest:
it holds the server's fixed IP on one end of a veth pair whose other end,
in the host, carries 169.254.169.254, cloud-init's metadata address. There
a second nova-metadata-api of the deployment listens on port 80 with
``[neutron] service_metadata_proxy`` off, so it knows the server by the
request's source address (a port's fixed IP, asked of Neutron). Debian's
cloud-init runs in the namespace with its own Python and reads the
service with its OpenStack data source's reader (``MetadataReader``:
meta_data.json, user_data, vendor and network data, and the EC2 tree
from its default address) and turns network_data.json into its network
configuration; the test checks what it found. An address no port holds
gets nothing.

Needs root (ip netns) and Debian's cloud-init; skipped without them, or
failed with NOVA_TEST_REQUIRE_CLOUDINIT=1 (as in CI).
"""

import base64
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import uuid

import pytest

from tests import configdrive_readers as readers

pytestmark = [pytest.mark.neutron, pytest.mark.timeout(600)]

SYSTEM_PYTHON = '/usr/bin/python3'
METADATA_ADDRESS = '169.254.169.254'
ALPHA = ('alpha', 'member')
USER_DATA = b'#cloud-config\nruncmd:\n  - [echo, from-the-metadata-service]\n'
KEY = ('ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGm3bS0f2v8yq4QeLr7wT1cN5Hx'
       'pD9jK0aZ6uV3sW2oE md@test')

# What cloud-init's Python runs in the guest's namespace.
READER = r'''
import base64, json, sys
from cloudinit import sources
from cloudinit.sources.helpers import ec2, openstack

base_url, mac = sys.argv[1], sys.argv[2]
results = openstack.MetadataReader(base_url, timeout=10, retries=2).read_v2()
md = results['metadata']
ec2_md = ec2.get_instance_metadata(metadata_address=base_url, timeout=10,
                                   retries=2)
print(json.dumps({
    'instance_id': md['uuid'],
    'name': md.get('name'),
    'hostname': md.get('hostname'),
    'project_id': md.get('project_id'),
    'public_keys': sources.normalize_pubkey_data(md.get('public_keys')),
    'meta': md.get('meta'),
    'userdata': base64.b64encode(results['userdata']).decode(),
    'vendordata2': results.get('vendordata2'),
    'ec2_instance_id': ec2_md.get('instance-id'),
    'ec2_local_ipv4': ec2_md.get('local-ipv4'),
    'ec2_public_keys': ec2_md.get('public-keys'),
    'network': openstack.convert_net_json(results.get('networkdata'),
                                          known_macs={mac: 'eth0'}),
}, sort_keys=True, default=str))
'''


def _run(*args):
    subprocess.run(args, check=True, capture_output=True, text=True)


@pytest.fixture(scope='module')
def cloudinit_python():
    if os.geteuid() != 0:
        readers.missing('network namespaces need root')
    if not shutil.which('ip') and not os.path.exists('/usr/sbin/ip'):
        readers.missing('ip (Debian package iproute2) is not installed')
    probe = subprocess.run([SYSTEM_PYTHON, '-c', 'import cloudinit'],
                           capture_output=True, text=True) \
        if os.path.exists(SYSTEM_PYTHON) else None
    if probe is None or probe.returncode != 0:
        readers.missing('%s cannot import cloudinit (Debian package '
                        'cloud-init)' % SYSTEM_PYTHON)
    return SYSTEM_PYTHON


class GuestNamespace:
    """A namespace holding ``address`` on a veth whose host end carries
    the metadata address."""

    def __init__(self, address):
        suffix = uuid.uuid4().hex[:6]
        self.name = 'nova-md-%s' % suffix
        self.host_dev = 'vmdh%s' % suffix
        self.guest_dev = 'vmdg%s' % suffix
        self.address = address

    def __enter__(self):
        _run('ip', 'netns', 'add', self.name)
        try:
            _run('ip', 'link', 'add', self.host_dev, 'type', 'veth',
                 'peer', 'name', self.guest_dev)
            _run('ip', 'link', 'set', self.guest_dev, 'netns', self.name)
            _run('ip', 'addr', 'add', METADATA_ADDRESS + '/32', 'dev',
                 self.host_dev)
            _run('ip', 'link', 'set', self.host_dev, 'up')
            _run('ip', 'route', 'add', self.address + '/32', 'dev',
                 self.host_dev)
            inside = ('ip', 'netns', 'exec', self.name, 'ip')
            _run(*inside, 'link', 'set', 'lo', 'up')
            _run(*inside, 'addr', 'add', self.address + '/32', 'dev',
                 self.guest_dev)
            _run(*inside, 'link', 'set', self.guest_dev, 'up')
            _run(*inside, 'route', 'add', METADATA_ADDRESS + '/32', 'dev',
                 self.guest_dev)
        except Exception:
            self.__exit__()
            raise
        return self

    def __exit__(self, *exc):
        # The pair goes with the namespace's end, the host route with it.
        subprocess.run(['ip', 'netns', 'del', self.name], capture_output=True)
        subprocess.run(['ip', 'link', 'del', self.host_dev],
                       capture_output=True)

    def run(self, *command):
        return subprocess.run(('ip', 'netns', 'exec', self.name) + command,
                              capture_output=True, text=True, timeout=120)


class AddressMetadataService:
    """A nova-metadata-api of the deployment that finds servers by their
    address: the deployment's configuration with the signed proxy off,
    listening on the metadata address's port 80."""

    def __init__(self, net_cloud, tmp_dir):
        settings = net_cloud.cloud.settings
        self.conf = settings.conf_path('nova-metadata-api')
        self.override = tmp_dir / 'metadata-by-address.conf'
        self.log = tmp_dir / 'metadata-by-address.log'
        self.override.write_text(
            '[DEFAULT]\nlog_file = %s\n'
            '[neutron]\nservice_metadata_proxy = false\n'
            '[metadata_api]\nbind_host = %s\nbind_port = 80\nworkers = 1\n'
            % (self.log, METADATA_ADDRESS))
        self.proc = None

    def __enter__(self):
        self.proc = subprocess.Popen(
            [sys.executable, '-m', 'nova.cmd.metadata_api', '--config-file',
             self.conf, '--config-file', str(self.override)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError('nova-metadata-api exited (%s): %s' % (
                    self.proc.returncode, self._log_tail()))
            try:
                socket.create_connection((METADATA_ADDRESS, 80),
                                         timeout=1).close()
                return self
            except OSError:
                time.sleep(0.3)
        self.__exit__()
        raise AssertionError('nova-metadata-api did not listen on %s:80: %s'
                             % (METADATA_ADDRESS, self._log_tail()))

    def __exit__(self, *exc):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def _log_tail(self):
        try:
            return self.log.read_text()[-3000:]
        except OSError:
            return '(no log)'


@pytest.fixture(scope='module')
def env(net_cloud, cloudinit_python, tmp_path_factory):
    cloud = net_cloud.cloud
    alpha = net_cloud.user(*ALPHA).project_id
    net = net_cloud.neutron.network(alpha, 'ci-md-net', '10.31.1.0/24')
    try:
        yield {'flavor': cloud.create_flavor('ci-md-small')['id'],
               'image': cloud.import_image('ci-md-image'),
               'net': net, 'alpha': alpha,
               'tmp': tmp_path_factory.mktemp('cloudinit-md')}
    finally:
        for port in net_cloud.neutron.ports(network_id=net['id']):
            if port['device_owner'].startswith('compute:'):
                net_cloud.neutron.request('DELETE', '/ports/%s' % port['id'])
        net_cloud.neutron.request('DELETE', '/networks/%s' % net['id'])


def test_cloud_init_reads_the_metadata_service_by_address(
        net_cloud, env, cloudinit_python):
    status, _ = net_cloud.request(ALPHA, 'POST', '/os-keypairs', {
        'keypair': {'name': 'md-key', 'public_key': KEY}})
    assert status == 201
    server = net_cloud.boot(
        ALPHA, 'ci-md-guest', [{'uuid': env['net']['id']}], env['flavor'],
        env['image'], metadata={'role': 'cloud-init'}, key_name='md-key',
        user_data=base64.b64encode(USER_DATA).decode())['server']
    try:
        net_cloud.wait_status(ALPHA, server['id'], 'ACTIVE')
        port, = net_cloud.neutron.ports(device_id=server['id'])
        address = port['fixed_ips'][0]['ip_address']
        with GuestNamespace(address) as guest, \
                AddressMetadataService(net_cloud, env['tmp']):
            result = guest.run(cloudinit_python, '-c', READER,
                               'http://%s' % METADATA_ADDRESS,
                               port['mac_address'])
            assert result.returncode == 0, result.stderr[-3000:]
            found = json.loads(result.stdout.strip().splitlines()[-1])

            # An address that no port holds: the service knows nobody.
            with GuestNamespace('10.31.1.251') as stranger:
                probe = stranger.run(
                    cloudinit_python, '-c',
                    'import urllib.request, urllib.error\n'
                    'try:\n'
                    '    urllib.request.urlopen("http://%s/openstack/'
                    'latest/meta_data.json", timeout=10)\n'
                    '    print(200)\n'
                    'except urllib.error.HTTPError as e:\n'
                    '    print(e.code)\n' % METADATA_ADDRESS)
                assert probe.stdout.strip() == '404', probe.stderr
    finally:
        net_cloud.request(ALPHA, 'DELETE', '/servers/%s' % server['id'])
        net_cloud.wait_gone(ALPHA, server['id'])
        net_cloud.request(ALPHA, 'DELETE', '/os-keypairs/md-key')

    assert found['instance_id'] == server['id']
    assert found['name'] == 'ci-md-guest'
    assert found['project_id'] == env['alpha']
    assert found['public_keys'] == [KEY]
    assert found['meta'] == {'role': 'cloud-init'}
    assert base64.b64decode(found['userdata']) == USER_DATA
    assert found['ec2_instance_id'].startswith('i-')
    assert found['ec2_local_ipv4'] == address
    # The EC2 tree's public-keys/0=md-key and its openssh-key.
    assert 'md-key' in json.dumps(found['ec2_public_keys'])
    assert KEY in json.dumps(found['ec2_public_keys'])
    # cloud-init's network configuration from our network_data.json.
    network = found['network']
    assert network['version'] == 1
    eth0, = [c for c in network['config'] if c.get('name') == 'eth0']
    assert eth0['mac_address'] == port['mac_address']
    assert eth0['subnets'][0]['type'] == 'dhcp4'
