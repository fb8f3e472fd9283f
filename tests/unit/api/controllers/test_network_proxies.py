"""The network proxies (os-security-groups, os-security-group-rules,
os-floating-ips, os-floating-ip-pools, os-networks, os-tenant-networks)
and the network actions of servers, over an in-memory Neutron that lets a
project see only its own resources."""

import uuid

import pytest

from nova.network import neutron as neutron_api
from tests.unit.network.fake_neutron import neutron  # noqa: F401

DEMO, BETA, ADMIN = 'demo:demo', 'beta:beta', 'admin:admin'


@pytest.fixture
def net(neutron):  # noqa: F811
    """A private network of demo with a subnet, a default group for demo
    and beta, and an external network "public"."""
    neutron.private = neutron.network('private')
    neutron.subnet4 = neutron.subnet(neutron.private, '10.0.0.0/24')
    neutron.subnet6 = neutron.subnet(neutron.private, 'fd00::/64')
    neutron.default = neutron.security_group('default')
    neutron.beta_default = neutron.security_group('default', project='beta')
    neutron.public = neutron.network('public', project='admin',
                                     external=True)
    return neutron


def _server(world, net, addresses=('10.0.0.5',), project='demo',
            groups=None, port_security=True):
    inst = world.server(project=project, user=project)
    for address in addresses:
        subnet = net.subnet6 if ':' in address else net.subnet4
        net.port(inst.uuid, subnet, address, project=project,
                 groups=[net.default] if groups is None else groups,
                 port_security=port_security)
    neutron_api.NeutronAPI().refresh_instance_nw_info(world.cctx, inst)
    return inst


def _group(client, name='web', token=DEMO):
    resp = client.request('POST', '/v2.1/os-security-groups', token=token,
                          body={'security_group': {'name': name,
                                                   'description': 'd'}})
    assert resp.status_int == 200, resp.text
    return resp.json['security_group']


def _rule(client, body, token=DEMO):
    return client.request('POST', '/v2.1/os-security-group-rules',
                          token=token, body={'security_group_rule': body})


# ----------------------------------------------------------------------
# os-security-groups
# ----------------------------------------------------------------------
def test_security_group_create_show_update_delete(client, net):
    group = _group(client)
    assert group['name'] == 'web' and group['tenant_id'] == 'demo'
    # Neutron's egress rules are not nova's.
    assert group['rules'] == []
    url = '/v2.1/os-security-groups/' + group['id']
    resp = client.request('GET', url)
    assert resp.json == {'security_group': group}, resp.text
    resp = client.request('PUT', url, body={
        'security_group': {'name': 'www', 'description': 'web servers'}})
    assert resp.status_int == 200
    assert resp.json['security_group']['name'] == 'www'
    assert resp.json['security_group']['description'] == 'web servers'
    names = [g['name'] for g in client.request(
        'GET', '/v2.1/os-security-groups').json['security_groups']]
    assert names == ['default', 'www']
    resp = client.request('DELETE', url)
    assert resp.status_int == 202 and resp.body == b''
    resp = client.request('GET', url)
    assert resp.status_int == 404
    assert 'itemNotFound' in resp.json


def test_security_group_bad_requests(client, net):
    resp = client.request('GET', '/v2.1/os-security-groups/nope')
    assert resp.status_int == 400
    assert resp.json['badRequest']['message'] == \
        'Security group id should be uuid'
    resp = client.request('POST', '/v2.1/os-security-groups',
                          body={'security_group': {'name': 'x'}})
    assert resp.status_int == 400
    resp = client.request('GET', '/v2.1/os-security-groups/%s'
                          % uuid.uuid4())
    assert resp.status_int == 404


def test_security_group_in_use_cannot_be_deleted(client, net, world):
    _server(world, net)
    resp = client.request('DELETE', '/v2.1/os-security-groups/'
                          + net.default['id'])
    assert resp.status_int == 400
    assert 'in use' in resp.json['badRequest']['message']


def test_projects_never_see_each_others_groups(client, net):
    group = _group(client)
    url = '/v2.1/os-security-groups/' + group['id']
    listed = client.request('GET', '/v2.1/os-security-groups',
                            token=BETA).json['security_groups']
    assert [(g['name'], g['tenant_id']) for g in listed] == \
        [('default', 'beta')]
    # all_tenants is for administrators only.
    listed = client.request('GET', '/v2.1/os-security-groups?all_tenants=1',
                            token=BETA).json['security_groups']
    assert {g['tenant_id'] for g in listed} == {'beta'}
    for method, body in (('GET', None), ('DELETE', None),
                         ('PUT', {'security_group': {'name': 'a',
                                                     'description': ''}})):
        assert client.request(method, url, body=body,
                              token=BETA).status_int == 404
    resp = _rule(client, {'parent_group_id': group['id'],
                          'ip_protocol': 'tcp', 'from_port': 22,
                          'to_port': 22}, token=BETA)
    assert resp.status_int == 404
    # The token that went to Neutron was the caller's, not the service's.
    assert all(not admin for _m, _p, project, admin in net.calls
               if project == 'beta')
    listed = client.request('GET', '/v2.1/os-security-groups?all_tenants=1',
                            token=ADMIN).json['security_groups']
    assert {g['tenant_id'] for g in listed} == {'demo', 'beta', }
    assert client.request('GET', url, token=ADMIN).status_int == 200


def test_security_group_list_offset_and_limit(client, net):
    for name in ('a', 'b', 'c'):
        _group(client, name)
    resp = client.request('GET', '/v2.1/os-security-groups?limit=2&offset=1')
    assert len(resp.json['security_groups']) == 2


# ----------------------------------------------------------------------
# os-security-group-rules
# ----------------------------------------------------------------------
def test_rules_cidr_and_group(client, net):
    group = _group(client)
    resp = _rule(client, {'parent_group_id': group['id'],
                          'ip_protocol': 'tcp', 'from_port': 22,
                          'to_port': 22, 'cidr': '10.1.0.0/16'})
    assert resp.status_int == 200, resp.text
    rule = resp.json['security_group_rule']
    assert rule == {'id': rule['id'], 'parent_group_id': group['id'],
                    'ip_protocol': 'tcp', 'from_port': 22, 'to_port': 22,
                    'ip_range': {'cidr': '10.1.0.0/16'}, 'group': {}}
    stored = net.data['security-group-rules'][rule['id']]
    assert stored['direction'] == 'ingress'
    assert stored['port_range_min'] == 22
    # A rule granting another group opens the whole protocol.
    resp = _rule(client, {'parent_group_id': group['id'],
                          'group_id': net.default['id'],
                          'ip_protocol': 'udp'})
    granted = resp.json['security_group_rule']
    assert granted['group'] == {'name': 'default', 'tenant_id': 'demo'}
    assert (granted['from_port'], granted['to_port']) == (1, 65535)
    # ICMP without type and code: any.
    resp = _rule(client, {'parent_group_id': group['id'],
                          'ip_protocol': 'icmp', 'from_port': -1,
                          'to_port': -1})
    assert resp.status_int == 200
    shown = client.request('GET', '/v2.1/os-security-groups/'
                           + group['id']).json['security_group']
    assert len(shown['rules']) == 3
    assert {r['ip_protocol'] for r in shown['rules']} == \
        {'tcp', 'udp', 'icmp'}
    resp = client.request('DELETE', '/v2.1/os-security-group-rules/'
                          + rule['id'])
    assert resp.status_int == 202
    assert rule['id'] not in net.data['security-group-rules']
    assert client.request('DELETE', '/v2.1/os-security-group-rules/'
                          + rule['id']).status_int == 404
    assert client.request('DELETE', '/v2.1/os-security-group-rules/'
                          'bad').status_int == 400


@pytest.mark.parametrize('body,message', [
    ({'ip_protocol': 'tcp', 'from_port': 22, 'to_port': 22,
      'cidr': '10.0.0.300/8'}, '10.0.0.300/8 is not a valid IP network.'),
    ({'ip_protocol': 'gre', 'from_port': 1, 'to_port': 2},
     'Invalid IP protocol gre.'),
    ({'ip_protocol': 'tcp', 'from_port': 80, 'to_port': 22},
     'Invalid port range 80:22. Former value cannot be greater than the '
     'later'),
    ({'ip_protocol': 'udp', 'from_port': 0, 'to_port': 22},
     'Invalid port range 0:22. Valid UDP ports should be between 1-65535'),
    ({'ip_protocol': 'icmp', 'from_port': 256, 'to_port': 0},
     'Invalid port range 256:0. For ICMP, the type:code must be valid'),
    ({'ip_protocol': 'tcp', 'from_port': 'a', 'to_port': 2},
     'Invalid input received: To and From ports must be integers'),
    ({'ip_protocol': 'tcp'}, 'Not enough parameters to build a valid rule.'),
    ({'ip_protocol': 'tcp', 'from_port': 1, 'to_port': 2,
      'cidr': '10.0.0.0/0'}, 'Bad prefix for network in cidr 10.0.0.0/0'),
])
def test_rule_validation_messages(client, net, body, message):
    group = _group(client)
    resp = _rule(client, dict(body, parent_group_id=group['id']))
    assert resp.status_int == 400, resp.text
    assert resp.json['badRequest']['message'] == message


def test_duplicate_rule_and_unknown_groups(client, net):
    group = _group(client)
    body = {'parent_group_id': group['id'], 'ip_protocol': 'tcp',
            'from_port': 80, 'to_port': 80}
    assert _rule(client, body).status_int == 200
    resp = _rule(client, body)
    assert resp.status_int == 400
    assert resp.json['badRequest']['message'] == \
        'This rule already exists in group %s' % group['id']
    resp = _rule(client, dict(body, parent_group_id=str(uuid.uuid4())))
    assert resp.status_int == 404
    resp = _rule(client, dict(body, group_id=str(uuid.uuid4())))
    assert resp.status_int == 404
    resp = _rule(client, dict(body, parent_group_id='bad'))
    assert resp.status_int == 400


# ----------------------------------------------------------------------
# A server's groups, and the group actions
# ----------------------------------------------------------------------
def test_server_groups_in_show_list_and_sub_resource(client, net, world):
    web = _group(client)
    inst = _server(world, net, addresses=('10.0.0.5', 'fd00::5'),
                   groups=[net.default, net.data['security-groups'][
                       web['id']]])
    server = client.request('GET', '/v2.1/servers/' + inst.uuid).json[
        'server']
    assert server['security_groups'] == [
        {'name': 'default'}, {'name': 'web'},
        {'name': 'default'}, {'name': 'web'}]
    for version in ('2.1', '2.36', 'latest'):
        resp = client.request('GET', '/v2.1/servers/%s/os-security-groups'
                              % inst.uuid, version=version)
        assert resp.status_int == 200
        groups = resp.json['security_groups']
        assert [g['name'] for g in groups] == ['default', 'default', 'web',
                                               'web']
        assert groups[0]['tenant_id'] == 'demo'


def test_server_detail_reads_groups_in_one_go(client, net, world):
    servers = [_server(world, net, addresses=('10.0.0.%d' % (10 + i),))
               for i in range(3)]
    bare = world.server()
    del net.calls[:]
    listed = client.request('GET', '/v2.1/servers/detail').json['servers']
    by_id = {s['id']: s for s in listed}
    for inst in servers:
        assert by_id[inst.uuid]['security_groups'] == [{'name': 'default'}]
    assert 'security_groups' not in by_id[bare.uuid]
    port_reads = [c for c in net.calls if c[1] == '/ports']
    assert len(port_reads) == 1
    # With the caller's token.
    assert port_reads[0][2:] == ('demo', False)


def _action(client, inst, body, token=DEMO, version=None):
    return client.request('POST', '/v2.1/servers/%s/action' % inst.uuid,
                          body=body, token=token, version=version)


def test_add_and_remove_security_group(client, net, world):
    _group(client)
    inst = _server(world, net, addresses=('10.0.0.5', 'fd00::5'))
    resp = _action(client, inst, {'addSecurityGroup': {'name': 'web'}},
                   version='latest')
    assert resp.status_int == 202, resp.text
    web_id = [g for g in net.data['security-groups'].values()
              if g['name'] == 'web'][0]['id']
    ports = [p for p in net.data['ports'].values()
             if p['device_id'] == inst.uuid]
    assert all(p['security_groups'] == [net.default['id'], web_id]
               for p in ports)
    resp = _action(client, inst, {'removeSecurityGroup': {'name': 'web'}})
    assert resp.status_int == 202
    assert all(p['security_groups'] == [net.default['id']] for p in ports)
    resp = _action(client, inst, {'removeSecurityGroup': {'name': 'web'}})
    assert resp.status_int == 404
    assert resp.json['itemNotFound']['message'] == (
        'Security group web not associated with the instance %s'
        % inst.uuid)


def test_security_group_action_errors(client, net, world):
    inst = _server(world, net)
    resp = _action(client, inst, {'addSecurityGroup': {'name': 'nope'}})
    assert resp.status_int == 404
    assert resp.json['itemNotFound']['message'] == \
        'Security group nope is not found for project demo'
    resp = _action(client, inst, {'addSecurityGroup': {'name': ' '}})
    assert resp.status_int == 400
    resp = _action(client, inst, {'addSecurityGroup': {}})
    assert resp.status_int == 400
    # Another project's group is not found by name.
    net.security_group('beta-only', project='beta')
    resp = _action(client, inst, {'addSecurityGroup': {'name': 'beta-only'}})
    assert resp.status_int == 404
    # Two groups of that name: use an id.
    net.security_group('twice')
    net.security_group('twice')
    resp = _action(client, inst, {'addSecurityGroup': {'name': 'twice'}})
    assert resp.status_int == 409
    # Another project's server is not found.
    resp = _action(client, inst, {'addSecurityGroup': {'name': 'default'}},
                   token=BETA)
    assert resp.status_int == 404
    unsecured = _server(world, net, addresses=('10.0.0.9',), groups=[],
                        port_security=False)
    resp = _action(client, unsecured, {'addSecurityGroup': {'name':
                                                            'default'}})
    assert resp.status_int == 400
    assert resp.json['badRequest']['message'] == (
        'Network requires port_security_enabled and subnet associated in '
        'order to apply security groups.')
    portless = world.server()
    resp = _action(client, portless, {'addSecurityGroup': {'name':
                                                           'default'}})
    assert resp.status_int == 404


# ----------------------------------------------------------------------
# os-floating-ips, os-floating-ip-pools and the floating IP actions
# ----------------------------------------------------------------------
def test_pools_are_the_external_networks(client, net):
    resp = client.request('GET', '/v2.1/os-floating-ip-pools')
    assert resp.json == {'floating_ip_pools': [{'name': 'public'}]}
    assert client.request('GET', '/v2.1/os-floating-ip-pools',
                          version='2.36').status_int == 404


def test_floating_ip_allocate_show_list_release(client, net):
    resp = client.request('POST', '/v2.1/os-floating-ips', body=None)
    assert resp.status_int == 200, resp.text
    fip = resp.json['floating_ip']
    assert fip['pool'] == 'public' and fip['instance_id'] is None
    assert fip['fixed_ip'] is None
    resp = client.request('POST', '/v2.1/os-floating-ips',
                          body={'pool': net.public['id']})
    assert resp.json['floating_ip']['pool'] == 'public'
    url = '/v2.1/os-floating-ips/' + fip['id']
    assert client.request('GET', url).json == {'floating_ip': fip}
    listed = client.request('GET', '/v2.1/os-floating-ips').json[
        'floating_ips']
    assert len(listed) == 2
    # Beta sees none of them.
    assert client.request('GET', '/v2.1/os-floating-ips',
                          token=BETA).json == {'floating_ips': []}
    resp = client.request('GET', url, token=BETA)
    assert resp.status_int == 404
    assert resp.json['itemNotFound']['message'] == \
        'Floating IP not found for ID %s' % fip['id']
    assert client.request('DELETE', url, token=BETA).status_int == 404
    resp = client.request('DELETE', url)
    assert resp.status_int == 202
    assert fip['id'] not in net.data['floatingips']
    assert client.request('GET', url, version='2.36').status_int == 404


def test_floating_ip_allocation_failures(client, net):
    resp = client.request('POST', '/v2.1/os-floating-ips',
                          body={'pool': 'nope'})
    assert resp.status_int == 404
    assert resp.json['itemNotFound']['message'] == \
        'Floating IP pool not found.'
    net.exhausted.add(net.public['id'])
    resp = client.request('POST', '/v2.1/os-floating-ips',
                          body={'pool': 'public'})
    assert resp.status_int == 404
    assert resp.json['itemNotFound']['message'] == \
        'No more floating IPs in pool public.'
    net.exhausted.clear()
    net.fip_quota = 0
    resp = client.request('POST', '/v2.1/os-floating-ips', body={})
    assert resp.status_int == 403
    assert resp.json['forbidden']['message'] == 'IP allocation over quota.'


@pytest.mark.parametrize('port_details', [True, False])
def test_add_and_remove_floating_ip(client, net, world, port_details):
    net.port_details = port_details
    inst = _server(world, net)
    fip = net.floatingip(net.public, '172.24.4.100')
    resp = _action(client, inst, {'addFloatingIp': {
        'address': '172.24.4.100'}})
    assert resp.status_int == 202, resp.text
    port = [p for p in net.data['ports'].values()
            if p['device_id'] == inst.uuid][0]
    assert (fip['port_id'], fip['fixed_ip_address']) == (port['id'],
                                                         '10.0.0.5')
    addresses = client.request('GET', '/v2.1/servers/%s/ips'
                               % inst.uuid).json['addresses']
    assert [a['addr'] for a in addresses['private']] == ['10.0.0.5',
                                                         '172.24.4.100']
    shown = client.request('GET', '/v2.1/os-floating-ips/'
                           + fip['id']).json['floating_ip']
    assert shown['instance_id'] == inst.uuid
    assert shown['fixed_ip'] == '10.0.0.5'
    resp = _action(client, inst, {'removeFloatingIp': {
        'address': '172.24.4.100'}})
    assert resp.status_int == 202
    assert fip['port_id'] is None
    addresses = client.request('GET', '/v2.1/servers/%s/ips'
                               % inst.uuid).json['addresses']
    assert [a['addr'] for a in addresses['private']] == ['10.0.0.5']
    resp = _action(client, inst, {'removeFloatingIp': {
        'address': '172.24.4.100'}})
    assert resp.status_int == 409
    assert resp.json['conflictingRequest']['message'] == (
        'Floating IP 172.24.4.100 is not associated with instance %s.'
        % inst.uuid)


def test_floating_ip_action_errors(client, net, world):
    inst = _server(world, net, addresses=('fd00::7',))
    net.floatingip(net.public, '172.24.4.100')
    body = {'addFloatingIp': {'address': '172.24.4.100'}}
    resp = _action(client, inst, body)
    assert resp.status_int == 400
    assert 'no fixed IPv4 addresses' in resp.json['badRequest']['message']
    inst = _server(world, net)
    resp = _action(client, inst, {'addFloatingIp': {
        'address': '172.24.4.100', 'fixed_address': '10.0.0.99'}})
    assert resp.status_int == 400
    assert resp.json['badRequest']['message'] == \
        'Specified fixed address not assigned to instance'
    resp = _action(client, inst, {'addFloatingIp': {'address': '1.2.3.4'}})
    assert resp.status_int == 404
    assert resp.json['itemNotFound']['message'] == 'floating IP not found'
    resp = _action(client, inst, {'addFloatingIp': {'address': 'x'}})
    assert resp.status_int == 400
    # A floating IP of another project is not found.
    net.floatingip(net.public, '172.24.4.200', project='beta')
    resp = _action(client, inst, {'addFloatingIp': {
        'address': '172.24.4.200'}})
    assert resp.status_int == 404
    # Not ready: no network information yet.
    fresh = world.server()
    resp = _action(client, fresh, body)
    assert resp.status_int == 400
    assert resp.json['badRequest']['message'] == \
        'Instance network is not ready yet'
    # The actions are gone from 2.44.
    assert _action(client, inst, body, version='2.44').status_int == 404
    assert _action(client, inst, body, version='2.43').status_int == 202
    assert _action(client, inst, {'removeFloatingIp': {
        'address': '172.24.4.100'}}, version='2.44').status_int == 404


def test_moving_a_floating_ip_refreshes_both_servers(client, net, world):
    first = _server(world, net, addresses=('10.0.0.5',))
    second = _server(world, net, addresses=('10.0.0.6',))
    net.floatingip(net.public, '172.24.4.100')
    body = {'addFloatingIp': {'address': '172.24.4.100'}}
    assert _action(client, first, body).status_int == 202
    assert _action(client, second, body).status_int == 202

    def addrs(inst):
        return [a['addr'] for a in client.request(
            'GET', '/v2.1/servers/%s/ips' % inst.uuid).json[
            'addresses']['private']]
    assert addrs(first) == ['10.0.0.5']
    assert addrs(second) == ['10.0.0.6', '172.24.4.100']


def test_release_of_an_associated_floating_ip(client, net, world):
    inst = _server(world, net)
    fip = net.floatingip(net.public, '172.24.4.100')
    _action(client, inst, {'addFloatingIp': {'address': '172.24.4.100'}})
    resp = client.request('DELETE', '/v2.1/os-floating-ips/' + fip['id'])
    assert resp.status_int == 202
    addresses = client.request('GET', '/v2.1/servers/%s/ips'
                               % inst.uuid).json['addresses']
    assert [a['addr'] for a in addresses['private']] == ['10.0.0.5']


# ----------------------------------------------------------------------
# os-networks, os-tenant-networks
# ----------------------------------------------------------------------
def test_networks_through_neutron(client, net):
    hidden = net.network('secret', project='beta')
    listed = client.request('GET', '/v2.1/os-networks').json['networks']
    assert {n['label'] for n in listed} == {'private', 'public'}
    private = [n for n in listed if n['label'] == 'private'][0]
    assert private['id'] == net.private['id']
    assert private['cidr'] is None and 'vlan' not in private
    admin = client.request('GET', '/v2.1/os-networks/' + hidden['id'],
                           token=ADMIN).json['network']
    assert admin['label'] == 'secret' and admin['vlan'] is None
    resp = client.request('GET', '/v2.1/os-networks/' + hidden['id'])
    assert resp.status_int == 404
    assert resp.json['itemNotFound']['message'] == 'Network not found'
    tenant = client.request('GET', '/v2.1/os-tenant-networks/'
                            + net.private['id']).json['network']
    assert tenant == {'id': net.private['id'], 'cidr': 'None',
                      'label': 'private'}
    assert len(client.request('GET', '/v2.1/os-tenant-networks').json[
        'networks']) == 2
    for path in ('/v2.1/os-networks', '/v2.1/os-tenant-networks'):
        assert client.request('GET', path, version='2.36').status_int == 404
        assert client.request('POST', path, body={},
                              token=ADMIN).status_int == 410


# ----------------------------------------------------------------------
# injectNetworkInfo
# ----------------------------------------------------------------------
def test_inject_network_info_refreshes_the_cache(client, net, world):
    inst = _server(world, net)
    net.floatingip(net.public, '172.24.4.9')['port_id'] = [
        p for p in net.data['ports'].values()
        if p['device_id'] == inst.uuid][0]['id']
    net.data['floatingips'][next(iter(net.data['floatingips']))][
        'fixed_ip_address'] = '10.0.0.5'
    body = {'injectNetworkInfo': None}
    assert _action(client, inst, body).status_int == 403
    assert _action(client, inst, body, token=ADMIN).status_int == 202
    addresses = client.request('GET', '/v2.1/servers/%s/ips'
                               % inst.uuid).json['addresses']
    assert [a['addr'] for a in addresses['private']] == ['10.0.0.5',
                                                         '172.24.4.9']


# ----------------------------------------------------------------------
# No network service
# ----------------------------------------------------------------------
def test_without_a_network_service(client, world):
    assert client.request('GET', '/v2.1/os-security-groups').json == {
        'security_groups': []}
    assert client.request('GET', '/v2.1/os-security-groups/%s'
                          % uuid.uuid4()).status_int == 404
    resp = client.request('POST', '/v2.1/os-security-groups', body={
        'security_group': {'name': 'a', 'description': 'b'}})
    assert resp.status_int == 400
    assert client.request('GET', '/v2.1/os-floating-ips').json == {
        'floating_ips': []}
    assert client.request('GET', '/v2.1/os-floating-ip-pools').json == {
        'floating_ip_pools': []}
    assert client.request('POST', '/v2.1/os-floating-ips',
                          body={}).status_int == 404
    assert client.request('GET', '/v2.1/os-networks').json == {
        'networks': []}
    inst = world.server()
    assert _action(client, inst, {'addSecurityGroup': {
        'name': 'default'}}).status_int == 404
    assert _action(client, inst, {'addFloatingIp': {
        'address': '172.24.4.1'}}).status_int == 400
    assert _action(client, inst, {'injectNetworkInfo': None},
                   token=ADMIN).status_int == 202


@pytest.mark.parametrize('collection', ['os-security-groups',
                                        'os-security-group-rules'])
def test_delete_without_an_id(client, net, collection):
    # Tempest's test_delete_security_group_without_passing_id: the empty
    # id is routed nowhere upstream (404); the collection itself is 405.
    resp = client.request('DELETE', '/v2.1/%s/' % collection)
    assert resp.status_int == 404, resp.text
    resp = client.request('DELETE', '/v2.1/%s' % collection)
    assert resp.status_int == 405, resp.text
