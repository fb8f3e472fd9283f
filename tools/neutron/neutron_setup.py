"""Neutron's configuration, its Keystone entries, readiness and baseline
networks, for tools/neutron/setup.sh.

Runs with the Python of the Neutron virtualenv; every command reads one
JSON file of parameters (setup.sh writes it: $NEUTRON_STATE_DIR/params.json)::

    neutron_setup.py config PARAMS.json
        write neutron.conf, ml2_conf.ini, openvswitch_agent.ini,
        dhcp_agent.ini, metadata_agent.ini and l3_agent.ini in
        PARAMS etc_dir
    neutron_setup.py keystone PARAMS.json
        the "service" project, the users "neutron" and "nova" (roles admin
        and service; their passwords set again if they changed), the
        "network" service and its public, internal and admin endpoints
    neutron_setup.py wait PARAMS.json TIMEOUT
        until the API answers with a token and every agent (the real ones
        on PARAMS ovs_host and the fake L2 agents) is alive
    neutron_setup.py wait-rpc PARAMS.json TIMEOUT
        until neutron-rpc-server consumes the topics the agents call
    neutron_setup.py networks PARAMS.json
        the baseline for routers and get-me-a-network (only with L3): the
        flat external network "public" on physnet1 (is_default) with its
        subnet, and a default shared IPv4 subnet pool

Every step is idempotent.
"""

import json
import os
import sys
import time

from keystoneauth1 import exceptions as ks_exc
from keystoneauth1.identity import v3
from keystoneauth1 import session as ks_session

DOMAIN = 'default'
SERVICE_PROJECT = 'service'
SERVICE_ROLES = ('admin', 'service')

OVS_AGENT = 'Open vSwitch agent'
DHCP_AGENT = 'DHCP agent'
METADATA_AGENT = 'Metadata agent'
L3_AGENT = 'L3 agent'

PUBLIC_NETWORK = 'public'
PUBLIC_SUBNET = 'public-subnet'
SUBNET_POOL = 'default-subnetpool-v4'


# -- configuration files ------------------------------------------------------

def _ini(sections):
    """INI text from [(section, [(key, value), ...]), ...]."""
    lines = []
    for name, items in sections:
        lines.append('[%s]' % name)
        for key, value in items:
            if isinstance(value, bool):
                value = 'true' if value else 'false'
            lines.append('%s = %s' % (key, value))
        lines.append('')
    return '\n'.join(lines)


def _write(path, text):
    tmp = path + '.tmp'
    with open(tmp, 'w') as f:
        f.write(text)
    os.replace(tmp, path)


def _log_items(p, name):
    return [('log_file', os.path.join(p['log_dir'], name + '.log')),
            ('debug', p['debug'])]


def _keystone_user(p, username, password):
    return [('auth_type', 'password'),
            ('auth_url', p['keystone_url']),
            ('username', username),
            ('password', password),
            ('project_name', SERVICE_PROJECT),
            ('user_domain_id', DOMAIN),
            ('project_domain_id', DOMAIN)]


def neutron_conf(p):
    plugins = ['router', 'segments', 'auto_allocate', 'tag',
               'network_ip_availability']
    if not p['l3']:
        # No L3 agent: routers could be made but never work; leave the
        # extension (and auto-allocated-topology, which needs routers)
        # out so that clients see it.
        plugins = [x for x in plugins if x not in ('router',
                                                   'auto_allocate')]
    return _ini([
        ('DEFAULT', [
            ('core_plugin', 'ml2'),
            ('service_plugins', ','.join(plugins)),
            ('auth_strategy', 'keystone'),
            ('host', p['ovs_host']),
            ('state_path', p['lib_dir']),
            ('api_paste_config', p['api_paste']),
            ('transport_url', p['transport_url']),
            ('allow_overlapping_ips', True),
            ('dns_domain', 'openstacklocal.'),
            ('notify_nova_on_port_status_changes', True),
            ('notify_nova_on_port_data_changes', True),
            # Batches of network-vif-plugged and friends leave every
            # second (the minimum) instead of every two.
            ('send_events_interval', 1),
            ('rpc_workers', 1),
            ('rpc_state_report_workers', 1),
            ('api_workers', 1),
            ('agent_down_time', 75),
            ('dhcp_agents_per_network', 1),
            ('use_stderr', False),
        ]),
        ('agent', [
            ('root_helper', p['root_helper']),
            ('report_interval', 10),
        ]),
        ('database', [('connection', p['db_url']),
                      ('max_pool_size', 5),
                      ('max_overflow', 10)]),
        ('keystone_authtoken', [
            ('www_authenticate_uri', p['keystone_url']),
            ('service_type', 'network'),
            ('region_name', p['region']),
        ] + _keystone_user(p, 'neutron', p['neutron_password'])),
        ('nova', [
            ('region_name', p['region']),
            ('endpoint_type', 'public'),
        ] + _keystone_user(p, p['nova_user'], p['nova_password'])),
        ('oslo_concurrency', [('lock_path', p['lock_dir'])]),
        ('oslo_messaging_rabbit', [('heartbeat_timeout_threshold', 60)]),
    ])


def ml2_conf(p):
    return _ini([
        ('ml2', [
            ('type_drivers', 'flat,vxlan'),
            ('tenant_network_types', 'vxlan'),
            ('mechanism_drivers', 'openvswitch'),
            ('extension_drivers', 'port_security,dns'),
        ]),
        ('ml2_type_flat', [('flat_networks', 'physnet1')]),
        ('ml2_type_vxlan', [('vni_ranges', '1:1000')]),
        ('securitygroup', [('enable_security_group', True),
                           ('firewall_driver', 'openvswitch')]),
    ])


def ovs_agent_conf(p):
    return _ini([
        ('DEFAULT', _log_items(p, 'openvswitch-agent')),
        ('ovs', [
            ('datapath_type', 'netdev'),
            ('integration_bridge', 'br-int'),
            ('tunnel_bridge', 'br-tun'),
            ('bridge_mappings', 'physnet1:br-phys'),
            ('local_ip', p['local_ip']),
            ('ovsdb_connection', 'tcp:127.0.0.1:6640'),
        ]),
        ('agent', [('tunnel_types', 'vxlan'),
                   ('root_helper', p['root_helper'])]),
        ('securitygroup', [('enable_security_group', True),
                           ('firewall_driver', 'openvswitch')]),
    ])


def dhcp_agent_conf(p):
    return _ini([
        ('DEFAULT', _log_items(p, 'dhcp-agent') + [
            ('interface_driver', 'openvswitch'),
            # Internal OVS ports moved into a namespace do not survive a
            # restart of ovs-vswitchd on the netdev datapath; veths do.
            ('ovs_use_veth', True),
            ('dhcp_driver', 'neutron.agent.linux.dhcp.Dnsmasq'),
            ('enable_isolated_metadata', True),
            # Metadata through the DHCP namespace on every network, with
            # or without a router (DHCP option 121 routes it).
            ('force_metadata', True),
            ('num_sync_threads', 2),
        ]),
        ('ovs', [('ovsdb_connection', 'tcp:127.0.0.1:6640')]),
        ('agent', [('root_helper', p['root_helper'])]),
    ])


def metadata_agent_conf(p):
    return _ini([
        ('DEFAULT', _log_items(p, 'metadata-agent') + [
            ('nova_metadata_host', p['nova_metadata_host']),
            ('nova_metadata_port', p['nova_metadata_port']),
            ('metadata_proxy_shared_secret', p['metadata_secret']),
            ('metadata_workers', 2),
        ]),
        ('agent', [('root_helper', p['root_helper'])]),
    ])


def l3_agent_conf(p):
    return _ini([
        ('DEFAULT', _log_items(p, 'l3-agent') + [
            ('interface_driver', 'openvswitch'),
            ('ovs_use_veth', True),
            ('agent_mode', 'legacy'),
        ]),
        ('ovs', [('ovsdb_connection', 'tcp:127.0.0.1:6640')]),
        ('agent', [('root_helper', p['root_helper'])]),
    ])


FILES = {
    'neutron.conf': neutron_conf,
    'ml2_conf.ini': ml2_conf,
    'openvswitch_agent.ini': ovs_agent_conf,
    'dhcp_agent.ini': dhcp_agent_conf,
    'metadata_agent.ini': metadata_agent_conf,
    'l3_agent.ini': l3_agent_conf,
}


def config(p):
    for key in ('etc_dir', 'log_dir', 'lib_dir', 'lock_dir'):
        os.makedirs(p[key], exist_ok=True)
    for name, render in FILES.items():
        _write(os.path.join(p['etc_dir'], name), render(p))


# -- Keystone -----------------------------------------------------------------

def _session(url, username, password, project):
    return ks_session.Session(auth=v3.Password(
        auth_url=url, username=username, password=password,
        project_name=project, user_domain_id=DOMAIN,
        project_domain_id=DOMAIN))


class Catalog:
    """The few Keystone calls this needs, as admin of project "admin"."""

    def __init__(self, url, admin_password):
        self.url = url.rstrip('/')
        self.s = _session(self.url, 'admin', admin_password, 'admin')

    def _list(self, path, key, **params):
        return self.s.get(self.url + path, params=params).json()[key]

    def ensure(self, path, key, match, body):
        for item in self._list(path, key + 's', **match):
            if all(item.get(k) == v for k, v in match.items()):
                return item
        try:
            return self.s.post(self.url + path,
                               json={key: body}).json()[key]
        except ks_exc.Conflict:
            return self.ensure(path, key, match, body)

    def ensure_user(self, name, password, project_id):
        user = self.ensure('/users', 'user', {'name': name}, {
            'name': name, 'domain_id': DOMAIN, 'password': password,
            'default_project_id': project_id})
        try:
            _session(self.url, name, password, SERVICE_PROJECT).get_token()
        except ks_exc.Unauthorized:
            # An older password (or no role yet): set ours, then grant.
            self.s.patch(self.url + '/users/%s' % user['id'],
                         json={'user': {'password': password}})
        for role in SERVICE_ROLES:
            role_id = self.ensure('/roles', 'role', {'name': role},
                                  {'name': role})['id']
            self.s.put(self.url + '/projects/%s/users/%s/roles/%s' % (
                project_id, user['id'], role_id))
        return user['id']

    def ensure_endpoints(self, service_type, name, region, url):
        try:
            self.s.get(self.url + '/regions/%s' % region)
        except ks_exc.NotFound:
            try:
                self.s.post(self.url + '/regions', json={
                    'region': {'id': region}})
            except ks_exc.Conflict:
                pass
        service = self.ensure('/services', 'service', {'type': service_type},
                              {'type': service_type, 'name': name,
                               'enabled': True})
        for interface in ('public', 'internal', 'admin'):
            endpoint = self.ensure('/endpoints', 'endpoint', {
                'service_id': service['id'], 'interface': interface,
                'region_id': region}, {
                'service_id': service['id'], 'interface': interface,
                'region_id': region, 'url': url, 'enabled': True})
            if endpoint['url'] != url:
                self.s.patch(self.url + '/endpoints/%s' % endpoint['id'],
                             json={'endpoint': {'url': url}})


def keystone(p):
    ks = Catalog(p['keystone_url'], p['keystone_admin_password'])
    project = ks.ensure('/projects', 'project', {'name': SERVICE_PROJECT}, {
        'name': SERVICE_PROJECT, 'domain_id': DOMAIN,
        'description': 'Service users'})
    ks.ensure_user('neutron', p['neutron_password'], project['id'])
    ks.ensure_user(p['nova_user'], p['nova_password'], project['id'])
    ks.ensure_endpoints('network', 'neutron', p['region'], p['neutron_url'])


# -- the running Neutron ------------------------------------------------------

class Neutron:
    """Neutron's API as the admin of project "admin"."""

    def __init__(self, p):
        self.url = p['neutron_url'].rstrip('/') + '/v2.0'
        self.s = _session(p['keystone_url'], 'admin',
                          p['keystone_admin_password'], 'admin')

    def get(self, path, **params):
        return self.s.get(self.url + path, params=params, timeout=30).json()

    def post(self, path, key, body):
        return self.s.post(self.url + path, json={key: body},
                           timeout=60).json()[key]

    def find(self, collection, **params):
        items = self.get('/' + collection, **params)[collection]
        return items[0] if items else None


def expected_agents(p):
    """[(agent type, host)] that must be alive."""
    host = p['ovs_host']
    agents = [(OVS_AGENT, host), (DHCP_AGENT, host), (METADATA_AGENT, host)]
    if p['l3']:
        agents.append((L3_AGENT, host))
    agents += [(OVS_AGENT, h) for h in p['fake_hosts']]
    return agents


def wait(p, timeout):
    deadline = time.monotonic() + timeout
    missing = expected_agents(p)
    api = None
    last_error = None
    while True:
        try:
            if api is None:
                api = Neutron(p)
            alive = {(a['agent_type'], a['host'])
                     for a in api.get('/agents')['agents'] if a['alive']}
            missing = [a for a in expected_agents(p) if a not in alive]
            if not missing:
                return 0
            last_error = None
        except Exception as exc:  # not up yet: connection refused, 503
            last_error = exc
        if time.monotonic() > deadline:
            if last_error is not None:
                sys.stderr.write('Neutron API: %s\n' % last_error)
            else:
                sys.stderr.write('agents not alive: %s\n' % ', '.join(
                    '%s on %s' % a for a in missing))
            return 1
        time.sleep(0.5)


def wait_rpc(p, timeout):
    """Until neutron-rpc-server consumes the topics the agents call first.

    An agent's first call published before the server's queues exist is
    lost and the agent waits rpc_response_timeout (60 s), then backs off:
    the agents start after this returns. A call of a method nobody has
    answers at once with an error from the server: that is the probe.
    """
    from oslo_config import cfg
    import oslo_messaging

    conf = cfg.ConfigOpts()
    conf([], project='neutron-setup-probe', default_config_files=[])
    transport = oslo_messaging.get_rpc_transport(conf,
                                                 url=p['transport_url'])
    topics = ['q-plugin', 'q-reports-plugin']
    if p['l3']:
        topics.append('q-l3-plugin')
    deadline = time.monotonic() + timeout
    try:
        while topics:
            client = oslo_messaging.get_rpc_client(
                transport, oslo_messaging.Target(topic=topics[0]),
                timeout=2)
            try:
                client.call({}, 'neutron_setup_probe')
            except oslo_messaging.MessagingTimeout:
                if time.monotonic() > deadline:
                    sys.stderr.write('no RPC server consumes %s\n'
                                     % topics[0])
                    return 1
                continue
            except Exception:  # NoSuchMethod from the server: it listens
                pass
            topics.pop(0)
    finally:
        transport.cleanup()
    return 0


def networks(p):
    api = Neutron(p)
    net = api.find('networks', name=PUBLIC_NETWORK)
    if net is None:
        net = api.post('/networks', 'network', {
            'name': PUBLIC_NETWORK, 'router:external': True,
            'is_default': True, 'shared': False,
            'provider:network_type': 'flat',
            'provider:physical_network': 'physnet1'})
    if api.find('subnets', network_id=net['id']) is None:
        api.post('/subnets', 'subnet', {
            'name': PUBLIC_SUBNET, 'network_id': net['id'],
            'ip_version': 4, 'cidr': p['public_cidr'],
            'gateway_ip': p['public_gateway'],
            'allocation_pools': [{'start': p['public_pool_start'],
                                  'end': p['public_pool_end']}],
            'enable_dhcp': False})
    if api.find('subnetpools', name=SUBNET_POOL) is None:
        api.post('/subnetpools', 'subnetpool', {
            'name': SUBNET_POOL, 'prefixes': [p['subnet_pool_prefix']],
            'default_prefixlen': 26, 'is_default': True, 'shared': True})


def main(argv):
    if len(argv) < 3 or argv[1] not in ('config', 'keystone', 'wait',
                                        'wait-rpc', 'networks'):
        sys.stderr.write(__doc__)
        return 2
    with open(argv[2]) as f:
        params = json.load(f)
    command = argv[1]
    if command == 'config':
        config(params)
    elif command == 'keystone':
        try:
            keystone(params)
        except ks_exc.ClientException as exc:
            sys.stderr.write('Keystone: %s\n' % exc)
            return 1
    elif command == 'wait':
        return wait(params, float(argv[3]) if len(argv) > 3 else 120)
    elif command == 'wait-rpc':
        return wait_rpc(params, float(argv[3]) if len(argv) > 3 else 120)
    elif command == 'networks':
        networks(params)
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
