"""A guest's metadata request through Neutron's real metadata agent.

In a guest's network, haproxy (in the DHCP or router namespace) answers
169.254.169.254 and passes the request to neutron-metadata-agent over its
unix socket, adding X-Forwarded-For (the guest's address) and
X-Neutron-Network-ID. The agent finds the port holding that address on
that network, signs its device id with the shared secret and forwards the
request to nova-metadata-api (127.0.0.1:8775, where the deployment of
this suite listens under the lock of Neutron's event port). Here the
test plays haproxy: it speaks HTTP on the agent's socket.
"""

import base64
import http.client
import json
import os
import socket

import pytest

pytestmark = pytest.mark.neutron

ALPHA = ('alpha', 'member')
USER_DATA = b'#!/bin/sh\necho from-user-data\n'


class _UnixHTTPConnection(http.client.HTTPConnection):
    def __init__(self, path, timeout=60):
        super().__init__('localhost', timeout=timeout)
        self.socket_path = path

    def connect(self):
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(self.timeout)
        sock.connect(self.socket_path)
        self.sock = sock


def _agent_socket(net_cloud):
    path = os.environ.get('NEUTRON_METADATA_PROXY_SOCKET') or os.path.join(
        os.path.dirname(net_cloud.neutron_env.fake_vif_dir.rstrip('/')),
        'lib', 'metadata_proxy')
    if not os.path.exists(path):
        pytest.skip('no socket of neutron-metadata-agent at %s (set '
                    'NEUTRON_METADATA_PROXY_SOCKET)' % path)
    return path


class Haproxy:
    """Requests as haproxy passes a guest's to the metadata agent."""

    def __init__(self, socket_path, address, network_id):
        self.socket_path = socket_path
        self.address = address
        self.network_id = network_id

    def request(self, method, path, body=None):
        conn = _UnixHTTPConnection(self.socket_path)
        try:
            conn.request(method, path, body=body, headers={
                'X-Forwarded-For': self.address,
                'X-Neutron-Network-ID': self.network_id})
            resp = conn.getresponse()
            return resp.status, resp.read()
        finally:
            conn.close()

    def get(self, path):
        return self.request('GET', path)


@pytest.fixture(scope='module')
def env(net_cloud):
    if not net_cloud.neutron_env.metadata_secret:
        pytest.skip('NEUTRON_METADATA_SECRET is empty: the deployment does '
                    'not trust the instance ids of Neutron\'s agent')
    cloud = net_cloud.cloud
    alpha = net_cloud.user(*ALPHA).project_id
    net = net_cloud.neutron.network(alpha, 'md-net', '10.30.1.0/24')
    try:
        yield {'socket': _agent_socket(net_cloud),
               'flavor': cloud.create_flavor('md-small')['id'],
               'image': cloud.import_image('md-image'),
               'alpha': alpha, 'net': net}
    finally:
        for port in net_cloud.neutron.ports(network_id=net['id']):
            if port['device_owner'].startswith('compute:'):
                net_cloud.neutron.request('DELETE', '/ports/%s' % port['id'])
        net_cloud.neutron.request('DELETE', '/networks/%s' % net['id'])


def test_a_guest_gets_its_metadata_through_neutrons_agent(net_cloud, env):
    server = net_cloud.boot(
        ALPHA, 'md-guest', [{'uuid': env['net']['id']}], env['flavor'],
        env['image'], metadata={'from': 'neutron'},
        user_data=base64.b64encode(USER_DATA).decode())['server']
    try:
        net_cloud.wait_status(ALPHA, server['id'], 'ACTIVE')
        port, = net_cloud.neutron.ports(device_id=server['id'])
        address = port['fixed_ips'][0]['ip_address']
        guest = Haproxy(env['socket'], address, env['net']['id'])

        status, body = guest.get('/openstack/latest/meta_data.json')
        assert status == 200, body
        data = json.loads(body)
        assert data['uuid'] == server['id']
        assert data['project_id'] == env['alpha']
        assert data['meta'] == {'from': 'neutron'}
        assert guest.get('/openstack/latest/user_data') == (200, USER_DATA)
        assert guest.get('/latest/meta-data/local-ipv4') == (
            200, address.encode())
        assert guest.get('/latest/meta-data/security-groups') == (
            200, b'default')
        status, body = guest.get('/openstack/latest/network_data.json')
        assert status == 200
        network_data = json.loads(body)
        assert network_data['links'][0]['ethernet_mac_address'] == \
            port['mac_address']
        assert network_data['networks'][0]['network_id'] == env['net']['id']
        assert network_data['networks'][0]['type'] == 'ipv4_dhcp'

        # The password the guest posts through the agent.
        status, _ = guest.request('POST', '/openstack/latest/password',
                                  body=b'posted-through-neutron')
        assert status == 200
        status, shown = net_cloud.request(
            ALPHA, 'GET', '/servers/%s/os-server-password' % server['id'])
        assert (status, shown) == (200, {'password':
                                         'posted-through-neutron'})

        # An address no port of that network holds: nothing.
        status, _ = Haproxy(env['socket'], '10.30.1.250',
                            env['net']['id']).get(
            '/openstack/latest/meta_data.json')
        assert status == 404
    finally:
        net_cloud.request(ALPHA, 'DELETE', '/servers/%s' % server['id'])
        net_cloud.wait_gone(ALPHA, server['id'])
