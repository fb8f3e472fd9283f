"""End-to-end check of the Neutron of tools/neutron/setup.sh, with timings.

Runs as root with the Python of the Neutron virtualenv, after
``setup.sh start`` (with at least one fake host)::

    smoke.py [--keep] PARAMS.json [FAKE_HOST]

(PARAMS.json is $NEUTRON_STATE_DIR/params.json.) As the admin of project
"admin":

1. a VXLAN network with a subnet; its DHCP port goes ACTIVE;
2. a port bound to the fake host (binding:host_id=FAKE_HOST, default the
   first fake host) is DOWN, goes ACTIVE once DIR/HOST/PORT_ID exists
   and DOWN again once it is gone (the fake L2 agent);
3. a port bound to the real OVS agent's host, plugged by hand as os-vif
   would (a veth into br-int with external_ids iface-id, iface-status,
   attached-mac, vm-uuid; the other end in a namespace standing in for
   a guest) goes ACTIVE, and ``busybox udhcpc`` in the namespace gets the
   port's address; the metadata proxy answers at 169.254.169.254;
4. with L3: a router on "public" with an interface on the subnet and a
   floating IP for that port (in a security group admitting ICMP and TCP
   8000): the host pings it and reads 1 MB over TCP from a server in the
   namespace through it; the namespace pings the host through the router.

Everything it made is deleted at the end (also on failure), unless
--keep.
"""

import json
import os
import subprocess
import sys
import tempfile
import time
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import neutron_setup  # noqa: E402

UDHCPC_SCRIPT = r"""#!/bin/sh
# busybox udhcpc configures nothing by itself.
case "$1" in
  bound|renew)
    ip addr flush dev "$interface"
    ip addr add "$ip/$mask" dev "$interface"
    [ -n "$mtu" ] && ip link set "$interface" mtu "$mtu"
    for r in $router; do ip route replace default via "$r"; break; done
    # udhcpc ignores option 121: the metadata route by hand.
    [ -n "$serverid" ] && ip route replace 169.254.169.254/32 via "$serverid"
    ;;
esac
exit 0
"""


TCP_BYTES = 1 << 20
TCP_SERVER = """
import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[1], int(sys.argv[2])))
s.listen(5)
while True:
    c, _ = s.accept()
    c.sendall(b"x" * %d)
    c.close()
""" % TCP_BYTES


def sh(*cmd, check=True, **kwargs):
    return subprocess.run(cmd, check=check, capture_output=True, text=True,
                          **kwargs)


class Smoke:

    def __init__(self, params, fake_host, keep=False):
        self.keep = keep
        self.p = params
        self.fake_host = fake_host
        self.api = neutron_setup.Neutron(params)
        self.cleanups = []
        self.timings = []

    def step(self, what, seconds):
        self.timings.append((what, seconds))
        print('%-58s %6.2f s' % (what, seconds), flush=True)

    def wait_for(self, what, predicate, timeout=60, interval=0.1):
        t0 = time.monotonic()
        while True:
            value = predicate()
            if value:
                self.step(what, time.monotonic() - t0)
                return value
            if time.monotonic() - t0 > timeout:
                raise RuntimeError('timed out: %s' % what)
            time.sleep(interval)

    def port(self, port_id):
        return self.api.get('/ports/%s' % port_id)['port']

    def port_status(self, port_id, status):
        return lambda: self.port(port_id)['status'] == status

    def delete(self, path):
        try:
            self.api.s.delete(self.api.url + path, timeout=60)
        except Exception as exc:
            print('cleanup %s: %s' % (path, exc))

    def run(self):
        try:
            self._run()
        finally:
            for cleanup in reversed([] if self.keep else self.cleanups):
                try:
                    cleanup()
                except Exception as exc:
                    print('cleanup failed: %s' % exc)

    def _run(self):
        api = self.api
        tag = uuid.uuid4().hex[:6]

        # 1. network, subnet, DHCP port
        t0 = time.monotonic()
        net = api.post('/networks', 'network', {'name': 'smoke-' + tag})
        self.cleanups.append(lambda: self.delete('/networks/' + net['id']))
        subnet = api.post('/subnets', 'subnet', {
            'network_id': net['id'], 'ip_version': 4,
            'cidr': '10.199.%d.0/24' % (int(tag, 16) % 250),
            'name': 'smoke-' + tag})
        self.step('network + subnet created (%s, vni %s)' % (
            net['provider:network_type'], net['provider:segmentation_id']),
            time.monotonic() - t0)

        def dhcp_active():
            ports = api.get('/ports', network_id=net['id'],
                            device_owner='network:dhcp')['ports']
            return ports and all(p['status'] == 'ACTIVE' for p in ports)
        self.wait_for('DHCP port ACTIVE', dhcp_active)

        # 2. a port on a fake host
        if self.fake_host:
            t0 = time.monotonic()
            fake = api.post('/ports', 'port', {
                'network_id': net['id'], 'name': 'smoke-fake-' + tag,
                'binding:host_id': self.fake_host,
                'device_owner': 'compute:nova',
                'device_id': str(uuid.uuid4())})
            self.cleanups.append(lambda: self.delete('/ports/' + fake['id']))
            self.step('port bound to %s: vif_type %s, status %s' % (
                self.fake_host, fake['binding:vif_type'], fake['status']),
                time.monotonic() - t0)
            assert fake['binding:vif_type'] == 'ovs', fake
            vif = os.path.join(self.p['fake_vif_dir'], self.fake_host,
                               fake['id'])
            os.makedirs(os.path.dirname(vif), exist_ok=True)
            open(vif, 'w').close()
            self.cleanups.append(
                lambda: os.path.exists(vif) and os.unlink(vif))
            self.wait_for('fake host port ACTIVE after the VIF file',
                          self.port_status(fake['id'], 'ACTIVE'))
            os.unlink(vif)
            self.wait_for('fake host port DOWN after the file is gone',
                          self.port_status(fake['id'], 'DOWN'))

        # 3. a port on the real agent's host, plugged by hand
        host = self.p['ovs_host']
        # The default group admits nothing from outside: ICMP and TCP 8000
        # for the floating IP checks (the firewall is OVS's conntrack).
        sg = api.post('/security-groups', 'security_group',
                      {'name': 'smoke-' + tag})
        self.cleanups.append(
            lambda: self.delete('/security-groups/' + sg['id']))
        for rule in ({'protocol': 'icmp'},
                     {'protocol': 'tcp', 'port_range_min': 8000,
                      'port_range_max': 8000}):
            api.post('/security-group-rules', 'security_group_rule', dict(
                rule, security_group_id=sg['id'], direction='ingress',
                ethertype='IPv4'))
        t0 = time.monotonic()
        vm_uuid = str(uuid.uuid4())
        port = api.post('/ports', 'port', {
            'network_id': net['id'], 'name': 'smoke-real-' + tag,
            'binding:host_id': host, 'device_owner': 'compute:nova',
            'device_id': vm_uuid, 'security_groups': [sg['id']]})
        self.cleanups.append(lambda: self.delete('/ports/' + port['id']))
        self.step('port bound to %s: vif_type %s' % (
            host, port['binding:vif_type']), time.monotonic() - t0)
        assert port['binding:vif_type'] == 'ovs', port
        assert port['binding:vif_details'].get('datapath_type') == 'netdev'
        ns, dev, peer = 'smoke-' + tag, 'tap' + port['id'][:11], 'g' + tag
        sh('ip', 'netns', 'add', ns)
        self.cleanups.append(lambda: sh('ip', 'netns', 'delete', ns,
                                        check=False))
        sh('ip', 'link', 'add', dev, 'type', 'veth', 'peer', 'name', peer)
        self.cleanups.append(lambda: sh('ip', 'link', 'delete', dev,
                                        check=False))
        sh('ip', 'link', 'set', peer, 'netns', ns)
        sh('ip', 'netns', 'exec', ns, 'ip', 'link', 'set', peer, 'address',
           port['mac_address'])
        sh('ip', 'netns', 'exec', ns, 'ip', 'link', 'set', peer, 'up')
        sh('ip', 'netns', 'exec', ns, 'ip', 'link', 'set', 'lo', 'up')
        sh('ip', 'link', 'set', dev, 'up')
        t0 = time.monotonic()
        sh('ovs-vsctl', '--', '--may-exist', 'add-port', 'br-int', dev,
           '--', 'set', 'Interface', dev,
           'external_ids:iface-id=%s' % port['id'],
           'external_ids:iface-status=active',
           'external_ids:attached-mac=%s' % port['mac_address'],
           'external_ids:vm-uuid=%s' % vm_uuid)
        self.cleanups.append(lambda: sh('ovs-vsctl', '--if-exists',
                                        'del-port', 'br-int', dev,
                                        check=False))
        self.wait_for('real host port ACTIVE after plugging into br-int',
                      self.port_status(port['id'], 'ACTIVE'))
        with tempfile.NamedTemporaryFile('w', suffix='.sh',
                                         delete=False) as f:
            f.write(UDHCPC_SCRIPT)
        os.chmod(f.name, 0o755)
        self.cleanups.append(lambda: os.unlink(f.name))
        t0 = time.monotonic()
        out = sh('ip', 'netns', 'exec', ns, 'busybox', 'udhcpc', '-i', peer,
                 '-n', '-q', '-f', '-t', '10', '-T', '1', '-s', f.name,
                 check=False)
        fixed_ip = port['fixed_ips'][0]['ip_address']
        addrs = sh('ip', 'netns', 'exec', ns, 'ip', '-4', '-o', 'addr',
                   'show', 'dev', peer).stdout
        if ' %s/' % fixed_ip not in addrs:
            raise RuntimeError('udhcpc did not get %s:\n%s%s\n%s' % (
                fixed_ip, out.stdout, out.stderr, addrs))
        self.step('udhcpc got %s' % fixed_ip, time.monotonic() - t0)

        t0 = time.monotonic()
        meta = sh('ip', 'netns', 'exec', ns, sys.executable, '-c', '''
import urllib.request, urllib.error
try:
    r = urllib.request.urlopen("http://169.254.169.254/openstack", timeout=10)
    print(r.status)
except urllib.error.HTTPError as e:
    print(e.code)
''', check=False)
        self.step('metadata proxy answered HTTP %s' % (
            meta.stdout.strip() or meta.stderr.strip()[-200:]),
            time.monotonic() - t0)

        # 4. router and floating IP
        if not self.p['l3']:
            return
        public = api.find('networks', name=neutron_setup.PUBLIC_NETWORK)
        t0 = time.monotonic()
        router = api.post('/routers', 'router', {
            'name': 'smoke-' + tag,
            'external_gateway_info': {'network_id': public['id']}})
        self.cleanups.append(lambda: self.delete('/routers/' + router['id']))
        api.s.put(api.url + '/routers/%s/add_router_interface' % router['id'],
                  json={'subnet_id': subnet['id']}, timeout=60)
        self.cleanups.append(lambda: api.s.put(
            api.url + '/routers/%s/remove_router_interface' % router['id'],
            json={'subnet_id': subnet['id']}, timeout=60))
        fip = api.post('/floatingips', 'floatingip', {
            'floating_network_id': public['id'], 'port_id': port['id']})
        self.cleanups.append(lambda: self.delete('/floatingips/' + fip['id']))
        self.step('router, interface, floating IP %s created'
                  % fip['floating_ip_address'], time.monotonic() - t0)
        # The guest's default route is the router: renew to learn it.
        sh('ip', 'netns', 'exec', ns, 'busybox', 'udhcpc', '-i', peer,
           '-n', '-q', '-f', '-t', '5', '-T', '1', '-s', f.name, check=False)

        def pings():
            return sh('busybox', 'ping', '-c', '1', '-W', '1',
                      fip['floating_ip_address'], check=False).returncode == 0
        self.wait_for('host pings the floating IP', pings, timeout=90,
                      interval=0.5)

        def guest_pings_out():
            return sh('ip', 'netns', 'exec', ns, 'busybox', 'ping', '-c', '1',
                      '-W', '1',
                      self.p['public_gateway'],
                      check=False).returncode == 0
        self.wait_for('guest pings the host through the router',
                      guest_pings_out, timeout=30, interval=0.5)

        # TCP through NAT and the userspace datapath (checksums): 1 MB
        # from a server in the namespace. (Not http.server: it looks up
        # its address's name, and DNS is out of reach in there.)
        server = subprocess.Popen(
            ['ip', 'netns', 'exec', ns, sys.executable, '-c', TCP_SERVER,
             fixed_ip, '8000'], stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL)
        self.cleanups.append(lambda: (server.kill(), server.wait()))

        def tcp_through_fip():
            import socket
            try:
                with socket.create_connection(
                        (fip['floating_ip_address'], 8000), timeout=2) as c:
                    got = 0
                    while True:
                        data = c.recv(65536)
                        if not data:
                            break
                        got += len(data)
                    return got == TCP_BYTES
            except OSError:
                return False
        self.wait_for('host reads 1 MB over TCP via the floating IP',
                      tcp_through_fip, timeout=30, interval=0.3)


def main(argv):
    keep = '--keep' in argv
    argv = [a for a in argv if a != '--keep']
    if len(argv) < 2:
        sys.stderr.write(__doc__)
        return 2
    with open(argv[1]) as f:
        params = json.load(f)
    fake_host = argv[2] if len(argv) > 2 else (
        params['fake_hosts'][0] if params['fake_hosts'] else None)
    t0 = time.monotonic()
    Smoke(params, fake_host, keep).run()
    print('smoke test passed in %.1f s' % (time.monotonic() - t0))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
