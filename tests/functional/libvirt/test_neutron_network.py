"""Real guests on a real Neutron network: libvirt + os-vif + Open vSwitch.

A deployment with one libvirt compute named like the host of the machine's
neutron-openvswitch-agent (``NEUTRON_OVS_AGENT_HOST``, the hostname: only
that host binds ports to the real agent), [network] backend = neutron,
and the test guest of tools/libvirt/build-test-guest.sh, which gets its
address by DHCP and reports on its serial console which addresses of its
/24 answer ping (``TESTGUEST-DHCP``, ``TESTGUEST-PING`` lines).

In order, on one network (a VXLAN network, subnet pool .2-.30) with a
security group that has no ingress rule:

1. two servers boot; their VIFs are plugged by os-vif (a tap on br-int
   with the port's external_ids) and each guest's DHCP lease is its
   port's fixed IP;
2. B pings the DHCP server (egress and its replies pass) but not A: the
   group lets no ICMP in;
3. an ICMP ingress rule is added: B reaches A within PING_BOUND seconds;
4. both are deleted: Neutron has no port of theirs left, and neither the
   machine nor br-int has their taps.

Needs what tests/neutron needs (NOVA_TEST_NEUTRON_URL from
``tools/neutron/setup.sh env``, the Keystone of tests/keystone), and
Open vSwitch with br-int on this machine; without them the module skips,
or fails when NOVA_TEST_REQUIRE_NEUTRON=1 (CI).

Each guest also asks the metadata service for its meta_data.json: the
route to 169.254.169.254 comes with its lease (DHCP option 121, the DHCP
port), haproxy in the network's qdhcp- namespace hands the request to
neutron-metadata-agent, which adds the port's device id as the signed
X-Instance-ID and forwards it to the deployment's nova-metadata-api.

Neutron knows nova at fixed addresses: its network-vif-plugged events go
to the compute endpoint of RegionOne (NOVA_TEST_NEUTRON_NOVA_PORT, 18874)
and its metadata agent forwards to NOVA_TEST_NEUTRON_METADATA_PORT (8775).
The deployment listens on both, so it waits for the lock of those ports
(tests/conftest.py neutron_events_lock) while the neutron suite or Tempest
holds it; the libvirt suite runs this module after the others (see
conftest.py) so that they need not wait with it.

Not here: live migration between two hosts. Ports bind to the agent of
their ``binding:host_id``; this machine has one neutron-openvswitch-agent
(host ``vm``) and one br-int, which a second agent could not share, so a
second compute host on this machine could never get a port bound to it,
and the destination's VIFs could not be wired. Two namespaced hosts
would need a second OVS (its own ovsdb-server/vswitchd and br-int) and a
second agent with its own host name and tunnel endpoint: a second Neutron
node, beyond a test fixture. The plug/unplug calls of the moves are
covered by the unit tests.
"""

import os
import re
import socket
import subprocess
import time
import uuid

import pytest

from tests import conftest
from tests.functional.libvirt import conftest as lv
from tests.keystone import conftest as ks_conftest
from tests.keystone.conftest import keystone  # noqa: F401 (fixture)
from tests.neutron import conftest as net_conftest

# Neutron's: the libvirt suite runs it last. The time allowed includes
# the wait for Neutron's ports (Tempest holds them ~15 min in CI).
pytestmark = [pytest.mark.libvirt, pytest.mark.neutron,
              pytest.mark.timeout(2700)]

OVS_HOST = os.environ.get('NEUTRON_OVS_AGENT_HOST') or socket.gethostname()
EVENT_PORT = int(os.environ.get('NOVA_TEST_NEUTRON_NOVA_PORT', '18874'))
METADATA_PORT = int(os.environ.get('NOVA_TEST_NEUTRON_METADATA_PORT',
                                   '8775'))
# What Neutron's metadata agent signs X-Instance-ID with
# (tools/neutron/setup.sh).
METADATA_SECRET = os.environ.get('NEUTRON_METADATA_SECRET',
                                 'neutron-metadata-secret')
# Seconds for the deployment that held the lock before to free the ports.
PORT_WAIT = 60
# Seconds from the ICMP rule to B's first answered ping.
PING_BOUND = 30
# Seconds B keeps failing to reach A with no ICMP rule (several rounds of
# the guest's pinger, one every ~3 s).
NO_PING_WATCH = 9

DHCP_RE = re.compile(r'TESTGUEST-DHCP (\d+\.\d+\.\d+\.\d+)/(\d+) mtu (\S+)')
ROUTES_RE = re.compile(r'TESTGUEST-ROUTES (.*)')
# The guest asks for meta_data.json for 60 s after its lease, then says
# "failed" with its last error.
METADATA_RE = re.compile(r'TESTGUEST-METADATA(?:-UUID (\S+)| failed (.*))')
METADATA_WAIT = 60
PING_RE = re.compile(r'TESTGUEST-PING (\d+\.\d+\.\d+\.\d+) (ok|lost)')


def _port_free(port):
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(('127.0.0.1', port))
        except OSError:
            return False
    return True


def _busy_ports(ports, timeout=PORT_WAIT):
    """The ports of ``ports`` still in use after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        busy = [port for port in ports if not _port_free(port)]
        if not busy or time.monotonic() > deadline:
            return busy
        time.sleep(1)


def _run(*cmd):
    return subprocess.run(cmd, capture_output=True, text=True, timeout=60)


@pytest.fixture(scope='module')
def neutron_url():
    url = net_conftest.answering_neutron_url()
    try:
        import os_vif  # noqa: F401
    except ImportError:
        net_conftest._unavailable(
            'os-vif is not installed (pip install ".[libvirt]")')
    if _run('ovs-vsctl', 'br-exists', 'br-int').returncode != 0:
        net_conftest._unavailable(
            'no Open vSwitch bridge br-int on this machine')
    return url.rstrip('/')


@pytest.fixture(scope='module')
def cloud(libvirt_host, test_guest, rabbit_available, neutron_url,
          keystone):  # noqa: F811
    ident = keystone.identity
    suffix = uuid.uuid4().hex[:8]
    service_project = ident.ensure_project('service', 'Service users')
    password = 'svc-%s' % uuid.uuid4().hex[:12]
    user_id = ident.create_user(
        'nova-lv-%s' % suffix, password, service_project,
        roles=('admin', ks_conftest.identity.SERVICE_ROLE))
    cleanup = None
    started = time.monotonic()
    lock = conftest.neutron_events_lock()
    waited = time.monotonic() - started
    if waited > 1:
        print('waited %.0f s for the lock of Neutron\'s ports' % waited)
    try:
        busy = _busy_ports((EVENT_PORT, METADATA_PORT))
        if busy:
            net_conftest._unavailable(
                'port(s) %s of Neutron\'s nova endpoints in use by a '
                'process that does not take %s' % (
                    ', '.join(map(str, busy)), conftest.NEUTRON_EVENTS_LOCK))
        cloud, cleanup = lv.start_libvirt_cloud(
            'lvnet', computes=(OVS_HOST,), libvirt_uri=libvirt_host,
            keystone={'auth_url': keystone.url,
                      'username': 'nova-lv-%s' % suffix,
                      'password': password, 'project_name': 'service',
                      'region_name': 'RegionOne'},
            api_port=EVENT_PORT, metadata_port=METADATA_PORT,
            neutron={'url': neutron_url, 'metadata_secret': METADATA_SECRET,
                     'vif_plugging_timeout': 60,
                     'vif_plugging_is_fatal': True})
        ident.register_endpoints('RegionOne', {
            'compute': cloud.settings.compute_endpoint})
        cloud.project_id = service_project
        cloud.neutron = net_conftest.NeutronAdmin(
            neutron_url, keystone.admin_session())
        cloud.flavor = cloud.create_flavor('lvnet.tiny', vcpus=1, ram=128,
                                           disk=1)
        cloud.image_id = lv.upload_test_guest(cloud, test_guest, 'lvnet')
        yield cloud
    finally:
        try:
            if cleanup is not None:
                cleanup()
        finally:
            ident.delete_user(user_id)
            lock.close()


@pytest.fixture(scope='module')
def net(cloud):
    """A network with a /24 subnet (pool .2-.30) and a security group
    without ingress rules, in the deployment's project."""
    admin = cloud.neutron
    suffix = uuid.uuid4().hex[:6]
    third = int(suffix[:2], 16) % 250 + 1
    cidr = '10.231.%d.0/24' % third
    network = admin.request('POST', '/networks', {'network': {
        'name': 'lvnet-' + suffix, 'project_id': cloud.project_id}},
        expect=201)['network']
    sg = None
    try:
        admin.request('POST', '/subnets', {'subnet': {
            'network_id': network['id'], 'cidr': cidr, 'ip_version': 4,
            'project_id': cloud.project_id,
            'allocation_pools': [{'start': cidr[:-4] + '2',
                                  'end': cidr[:-4] + '30'}]}}, expect=201)
        sg = admin.request('POST', '/security-groups', {'security_group': {
            'name': 'lvnet-noicmp-' + suffix,
            'project_id': cloud.project_id}}, expect=201)['security_group']
        # A new group allows all egress and no ingress.
        assert not [r for r in sg['security_group_rules']
                    if r['direction'] == 'ingress'], sg
        yield {'network': network, 'sg': sg, 'cidr': cidr}
    finally:
        lv.delete_all_servers(cloud)
        for port in admin.ports(network_id=network['id']):
            if port['device_owner'].startswith('compute:'):
                admin.request('DELETE', '/ports/%s' % port['id'])
        if sg is not None:
            admin.request('DELETE', '/security-groups/%s' % sg['id'])
        admin.request('DELETE', '/networks/%s' % network['id'])


def _dhcp(output):
    match = DHCP_RE.search(output)
    return match.groups() if match else None


def _ping_state(output, address):
    """The last state the guest printed for ``address`` (None: none)."""
    states = [state for ip, state in PING_RE.findall(output)
              if ip == address]
    return states[-1] if states else None


def _ovs_ports_of(server_id):
    out = _run('ovs-vsctl', '--columns=name', '--bare', 'find', 'Interface',
               'external_ids:vm-uuid=%s' % server_id).stdout
    return out.split()


def _ovs_external_ids(name):
    out = _run('ovs-vsctl', 'get', 'Interface', name, 'external_ids').stdout
    return dict(re.findall(r'"?([\w-]+)"?="?([^",}]*)"?', out))


@pytest.fixture(scope='module')
def servers(cloud, net):
    """A and B booted on the network with the group, each with its port
    and its DHCP lease: {'A': {...}, 'B': {...}, 'dhcp_ip': ...}."""
    started = time.monotonic()
    result = {}
    for name in ('A', 'B'):
        body = cloud.boot('lvnet-' + name, cloud.flavor['id'],
                          cloud.image_id,
                          networks=[{'uuid': net['network']['id']}],
                          security_groups=[{'name': net['sg']['name']}])
        result[name] = {'id': body['server']['id'],
                        'posted': time.monotonic()}

    # Watch both servers side by side: when the port went ACTIVE in
    # Neutron (the agent wired os-vif's tap), the server ACTIVE, the
    # lease on the console.
    def step():
        pending = False
        for name, srv in result.items():
            now = time.monotonic() - srv['posted']
            if 'active' not in srv:
                server = cloud.server(srv['id'])
                assert server and server['status'] != 'ERROR', server
                if server['status'] == 'ACTIVE':
                    srv['active'] = now
            if 'port' not in srv:
                ports = cloud.neutron.ports(device_id=srv['id'])
                if ports:
                    assert len(ports) == 1, ports
                    srv['port'] = ports[0]
                    srv['ip'] = ports[0]['fixed_ips'][0]['ip_address']
            if 'port' in srv and 'port_active' not in srv:
                port = cloud.neutron.request(
                    'GET', '/ports/%s' % srv['port']['id'])['port']
                if port['status'] == 'ACTIVE':
                    srv['port_active'] = now
            if 'lease' not in srv and 'active' in srv:
                output = lv.console_output(cloud, srv['id'])
                if 'booted' not in srv and lv.boot_ids(output):
                    srv['booted'] = now
                lease = _dhcp(output)
                if lease:
                    srv['lease'], srv['dhcp'] = lease, now
                    srv.setdefault('booted', now)
                    srv['discovers'] = output.count('broadcasting discover')
            pending = pending or not all(
                k in srv for k in ('active', 'port_active', 'lease'))
        return not pending
    cloud.wait_for('both servers ACTIVE with their ports ACTIVE and their '
                   'DHCP leases on the console', step,
                   timeout=lv.STATE_TIMEOUT + lv.BOOT_TIMEOUT, interval=0.5)
    dhcp_ports = cloud.neutron.ports(network_id=net['network']['id'],
                                     device_owner='network:dhcp')
    result['dhcp_ip'] = dhcp_ports[0]['fixed_ips'][0]['ip_address']
    print('two servers, seconds from POST (A / B): port ACTIVE %.1f / '
          '%.1f, server ACTIVE %.1f / %.1f, boot marker %.1f / %.1f, '
          'DHCP lease on the console %.1f / %.1f (after %d / %d DHCP '
          'discovers); %.1f s for both' % (
              result['A']['port_active'], result['B']['port_active'],
              result['A']['active'], result['B']['active'],
              result['A']['booted'], result['B']['booted'],
              result['A']['dhcp'], result['B']['dhcp'],
              result['A']['discovers'], result['B']['discovers'],
              time.monotonic() - started))
    return result


def test_each_guest_leases_its_ports_fixed_ip(cloud, net, servers):
    for name in ('A', 'B'):
        srv = servers[name]
        ip, prefix, mtu = srv['lease']
        assert ip == srv['ip'], (name, srv['lease'], srv['port'])
        assert prefix == '24'
        # The network's MTU (VXLAN: 1450) reached the guest by DHCP.
        assert mtu == str(net['network']['mtu'])
        port = cloud.neutron.wait_port(
            srv['port']['id'], lambda p: p['status'] == 'ACTIVE', timeout=30)
        assert port['binding:host_id'] == OVS_HOST
        assert port['binding:vif_type'] == 'ovs'
        server = cloud.server(srv['id'])
        assert [a['addr'] for addrs in server['addresses'].values()
                for a in addrs] == [ip]
        # os-vif's tap on br-int, with what the agent looks for.
        tap = ('tap' + port['id'])[:14]
        assert _ovs_ports_of(srv['id']) == [tap]
        ids = _ovs_external_ids(tap)
        assert ids.get('iface-id') == port['id'], ids
        assert ids.get('attached-mac') == port['mac_address'], ids
        assert ids.get('iface-status') == 'active', ids
        assert _run('ovs-vsctl', 'port-to-br', tap).stdout.strip() == \
            'br-int'
        xml = lv.virsh('dumpxml', srv['id']).stdout
        assert "<interface type='ethernet'>" in xml, xml
        assert "<target dev='%s' managed='no'/>" % tap in xml, xml
        assert "<mac address='%s'/>" % port['mac_address'] in xml
        assert "<mtu size='%d'/>" % net['network']['mtu'] in xml


def test_each_guest_reads_its_own_metadata_through_neutrons_proxy(
        cloud, servers):
    """The lease routes 169.254.169.254 to the DHCP port (option 121),
    where haproxy hands the guest's GET to neutron-metadata-agent, which
    signs the port's device id into X-Instance-ID for nova-metadata-api:
    each guest's meta_data.json names the server itself."""
    for name in ('A', 'B'):
        srv = servers[name]
        output = lv.console_output(cloud, srv['id'])
        routes = ROUTES_RE.search(output)
        assert routes, output
        assert '169.254.169.254/32 %s' % servers['dhcp_ip'] in \
            routes.group(1), output

        def answered():
            text = lv.console_output(cloud, srv['id'])
            match = METADATA_RE.search(text)
            return match and (match, text)
        match, output = cloud.wait_for(
            'a metadata line on the console of %s' % name, answered,
            timeout=METADATA_WAIT + 30, interval=1)
        assert match.group(1) == srv['id'], output
        print('%s: TESTGUEST-ROUTES %s; %s' % (name, routes.group(1),
                                               match.group(0)))


def test_group_without_icmp_ingress_blocks_ping(cloud, servers):
    a, b = servers['A'], servers['B']
    # B's pings go out and the DHCP server's replies come back: the
    # guest's pinger runs and egress works.
    cloud.wait_for('B to reach the DHCP server', lambda: _ping_state(
        lv.console_output(cloud, b['id']), servers['dhcp_ip']) == 'ok',
        timeout=60, interval=1)
    time.sleep(NO_PING_WATCH)
    out_b = lv.console_output(cloud, b['id'])
    out_a = lv.console_output(cloud, a['id'])
    assert _ping_state(out_b, a['ip']) != 'ok', out_b
    assert _ping_state(out_a, b['ip']) != 'ok', out_a


def test_icmp_rule_lets_ping_through(cloud, net, servers):
    a, b = servers['A'], servers['B']
    cloud.neutron.request('POST', '/security-group-rules', {
        'security_group_rule': {
            'security_group_id': net['sg']['id'], 'direction': 'ingress',
            'ethertype': 'IPv4', 'protocol': 'icmp',
            'project_id': cloud.project_id}}, expect=201)
    added = time.monotonic()
    cloud.wait_for('B to reach A', lambda: _ping_state(
        lv.console_output(cloud, b['id']), a['ip']) == 'ok',
        timeout=PING_BOUND, interval=0.5)
    took = time.monotonic() - added
    cloud.wait_for('A to reach B', lambda: _ping_state(
        lv.console_output(cloud, a['id']), b['ip']) == 'ok',
        timeout=PING_BOUND, interval=0.5)
    print('B pings A %.1f s after the ICMP rule was added' % took)


def test_delete_leaves_no_port_tap_or_ovs_port(cloud, servers):
    ids = [servers[name]['id'] for name in ('A', 'B')]
    taps = [('tap' + servers[name]['port']['id'])[:14]
            for name in ('A', 'B')]
    started = time.monotonic()
    for server_id in ids:
        cloud.request('DELETE', '/servers/%s' % server_id, expect=204)
    for server_id in ids:
        cloud.wait_gone(server_id, timeout=lv.STATE_TIMEOUT)
    took = time.monotonic() - started
    for server_id in ids:
        cloud.wait_for('the ports of %s to be deleted' % server_id,
                       lambda: not cloud.neutron.ports(device_id=server_id),
                       timeout=30)
        assert not _ovs_ports_of(server_id)
        assert server_id not in lv.domain_uuids()
    bridge_ports = _run('ovs-vsctl', 'list-ports', 'br-int').stdout.split()
    for tap in taps:
        assert tap not in bridge_ports
        assert _run('ip', 'link', 'show', 'dev', tap).returncode != 0, tap
    print('both servers deleted in %.1f s' % took)
