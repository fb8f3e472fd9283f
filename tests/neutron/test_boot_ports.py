"""Servers get their ports from a real Neutron: boot on networks, on a
user's port, with security groups; what nova made is deleted with the
server and on a failed build, what the user passed is unbound and kept;
bad requests get the Compute API's errors. After every test, no port of
the test's projects is left bound to a server that is gone."""

import uuid

import pytest

pytestmark = pytest.mark.neutron

ALPHA = ('alpha', 'member')
BETA = ('beta', 'member')
ADMIN = ('admin', 'admin')


@pytest.fixture(scope='module')
def env(net_cloud):
    cloud = net_cloud.cloud
    flavor = cloud.create_flavor('net-small')['id']
    image = cloud.import_image('net-image')
    broken = cloud.import_image('net-broken')
    alpha = net_cloud.user(*ALPHA).project_id
    beta = net_cloud.user(*BETA).project_id
    made = []
    net_a = net_cloud.neutron.network(alpha, 'alpha-net', '10.10.1.0/24')
    made.append(net_a['id'])
    net_a2 = net_cloud.neutron.network(alpha, 'alpha-net2', '10.10.2.0/24')
    made.append(net_a2['id'])
    net_b = net_cloud.neutron.network(beta, 'beta-net', '10.20.1.0/24')
    made.append(net_b['id'])
    yield {'flavor': flavor, 'image': image, 'broken': broken,
           'alpha': alpha, 'beta': beta, 'net_a': net_a, 'net_a2': net_a2,
           'net_b': net_b}
    for net_id in made:
        for port in net_cloud.neutron.ports(network_id=net_id):
            if port['device_owner'].startswith('compute:'):
                net_cloud.neutron.request('DELETE', '/ports/%s' % port['id'])
        net_cloud.neutron.request('DELETE', '/networks/%s' % net_id)


def _server_ports(net_cloud, server_id):
    return net_cloud.neutron.ports(device_id=server_id)


def _delete(net_cloud, user, server_id):
    status, _ = net_cloud.request(user, 'DELETE', '/servers/%s' % server_id)
    assert status == 204
    net_cloud.wait_gone(user, server_id)


def _host_of(net_cloud, server_id):
    return net_cloud.server(ADMIN, server_id)['OS-EXT-SRV-ATTR:host']


def test_boot_on_a_network_gets_a_bound_active_port(net_cloud, env):
    server = net_cloud.boot(ALPHA, 'on-net', [{'uuid': env['net_a']['id']}],
                            env['flavor'], env['image'])['server']
    active = net_cloud.wait_status(ALPHA, server['id'], 'ACTIVE')
    ports = _server_ports(net_cloud, server['id'])
    assert len(ports) == 1
    port = ports[0]
    assert port['status'] == 'ACTIVE'
    assert port['binding:host_id'] == _host_of(net_cloud, server['id'])
    assert port['device_owner'] == 'compute:nova'
    assert port['project_id'] == env['alpha']
    fixed = port['fixed_ips'][0]['ip_address']
    addresses = active['addresses']['alpha-net']
    assert addresses == [{'version': 4, 'addr': fixed,
                          'OS-EXT-IPS:type': 'fixed',
                          'OS-EXT-IPS-MAC:mac_addr': port['mac_address']}]
    status, ips = net_cloud.request(ALPHA, 'GET',
                                    '/servers/%s/ips' % server['id'])
    assert status == 200
    assert ips == {'addresses': {'alpha-net': [{'version': 4,
                                                'addr': fixed}]}}
    # The ip filter finds it by its port's address, beta does not.
    for user, expected in ((ALPHA, [server['id']]), (BETA, [])):
        status, listed = net_cloud.request(
            user, 'GET', '/servers?ip=%s' % fixed.replace('.', r'\.'))
        assert status == 200
        assert [s['id'] for s in listed['servers']] == expected
    _delete(net_cloud, ALPHA, server['id'])
    assert _server_ports(net_cloud, server['id']) == []


def test_a_users_port_is_bound_then_kept_unbound(net_cloud, env):
    port = net_cloud.neutron.request('POST', '/ports', {'port': {
        'network_id': env['net_a']['id'], 'project_id': env['alpha'],
        'name': 'mine'}}, expect=201)['port']
    server = net_cloud.boot(ALPHA, 'on-port', [{'port': port['id']}],
                            env['flavor'], env['image'])['server']
    active = net_cloud.wait_status(ALPHA, server['id'], 'ACTIVE')
    bound = net_cloud.neutron.request('GET', '/ports/%s' % port['id'])
    bound = bound['port']
    assert bound['device_id'] == server['id']
    assert bound['binding:host_id'] == _host_of(net_cloud, server['id'])
    assert [a['addr'] for a in active['addresses']['alpha-net']] == [
        port['fixed_ips'][0]['ip_address']]
    # In use: nobody else may boot on it.
    status, body = net_cloud.request(ALPHA, 'POST', '/servers', {
        'server': {'name': 'thief', 'flavorRef': env['flavor'],
                   'imageRef': env['image'],
                   'networks': [{'port': port['id']}]}})
    assert status == 409, body
    assert 'conflictingRequest' in body
    _delete(net_cloud, ALPHA, server['id'])
    kept = net_cloud.neutron.request('GET', '/ports/%s' % port['id'])['port']
    assert kept['device_id'] == ''
    assert kept['binding:host_id'] == ''
    net_cloud.neutron.request('DELETE', '/ports/%s' % port['id'],
                              expect=204)


def test_several_nics_in_the_order_asked(net_cloud, env):
    nets = [{'uuid': env['net_a2']['id']}, {'uuid': env['net_a']['id']}]
    server = net_cloud.boot(ALPHA, 'two-nics', nets, env['flavor'],
                            env['image'])['server']
    active = net_cloud.wait_status(ALPHA, server['id'], 'ACTIVE')
    assert set(active['addresses']) == {'alpha-net', 'alpha-net2'}
    status, body = net_cloud.request(
        ALPHA, 'GET', '/servers/%s/os-interface' % server['id'])
    assert status == 200, body
    assert [a['net_id'] for a in body['interfaceAttachments']] == [
        env['net_a2']['id'], env['net_a']['id']]
    assert len(_server_ports(net_cloud, server['id'])) == 2
    _delete(net_cloud, ALPHA, server['id'])
    assert _server_ports(net_cloud, server['id']) == []


def test_security_groups_on_create(net_cloud, env):
    token = net_cloud.user(*ALPHA).token()
    group = net_cloud.neutron.request(
        'POST', '/security-groups',
        {'security_group': {'name': 'web-%s' % uuid.uuid4().hex[:6]}},
        token=token, expect=201)['security_group']
    server = net_cloud.boot(
        ALPHA, 'grouped', [{'uuid': env['net_a']['id']}], env['flavor'],
        env['image'], security_groups=[{'name': group['name']}])['server']
    net_cloud.wait_status(ALPHA, server['id'], 'ACTIVE')
    port = _server_ports(net_cloud, server['id'])[0]
    assert port['security_groups'] == [group['id']]
    _delete(net_cloud, ALPHA, server['id'])
    # Unknown group: refused before anything is made.
    status, body = net_cloud.request(ALPHA, 'POST', '/servers', {
        'server': {'name': 'x', 'flavorRef': env['flavor'],
                   'imageRef': env['image'],
                   'networks': [{'uuid': env['net_a']['id']}],
                   'security_groups': [{'name': 'no-such-group'}]}})
    assert status == 400, body
    net_cloud.neutron.request('DELETE', '/security-groups/%s' % group['id'],
                              expect=204)


def test_a_failed_build_leaves_no_port(net_cloud, env):
    server = net_cloud.boot(ALPHA, 'doomed', [{'uuid': env['net_a']['id']}],
                            env['flavor'], env['broken'])['server']
    net_cloud.wait_status(ALPHA, server['id'], 'ERROR')
    assert _server_ports(net_cloud, server['id']) == []
    _delete(net_cloud, ALPHA, server['id'])


def test_bad_network_requests(net_cloud, env):
    def boot(user, networks, **extra):
        return net_cloud.request(user, 'POST', '/servers', {'server': dict(
            name='bad', flavorRef=env['flavor'], imageRef=env['image'],
            networks=networks, **extra)})

    status, body = boot(ALPHA, [{'uuid': str(uuid.uuid4())}])
    assert status == 400 and 'could not be found' in \
        body['badRequest']['message'], body
    # Another project's network does not exist for alpha.
    status, body = boot(ALPHA, [{'uuid': env['net_b']['id']}])
    assert status == 400, body
    status, body = boot(ALPHA, [{'port': str(uuid.uuid4())}])
    assert status == 400 and 'Port id' in body['badRequest']['message']
    # A fixed IP outside the subnet.
    status, body = boot(ALPHA, [{'uuid': env['net_a']['id'],
                                 'fixed_ip': '10.99.0.5'}])
    assert status in (400, 202), body
    if status == 202:
        net_cloud.wait_status(ALPHA, body['server']['id'], 'ERROR')
        _delete(net_cloud, ALPHA, body['server']['id'])
    # Two networks to choose from and none named (before 2.37): 409.
    status, body = net_cloud.request(ALPHA, 'POST', '/servers', {
        'server': {'name': 'which', 'flavorRef': env['flavor'],
                   'imageRef': env['image']}}, microversion='2.36')
    assert status == 409, body
    assert 'Multiple possible networks' in \
        body['conflictingRequest']['message']
    # Nothing was made by any of these.
    ports = net_cloud.neutron.ports(project_id=env['alpha'],
                                    device_owner='compute:nova')
    assert ports == []


def test_networks_none_and_auto(net_cloud, env):
    server = net_cloud.boot(BETA, 'no-net', 'none', env['flavor'],
                            env['image'])['server']
    active = net_cloud.wait_status(BETA, server['id'], 'ACTIVE')
    assert active['addresses'] == {}
    assert _server_ports(net_cloud, server['id']) == []
    _delete(net_cloud, BETA, server['id'])
    # beta has exactly one network: "auto" takes it.
    server = net_cloud.boot(BETA, 'auto-net', 'auto', env['flavor'],
                            env['image'])['server']
    active = net_cloud.wait_status(BETA, server['id'], 'ACTIVE')
    assert list(active['addresses']) == ['beta-net']
    _delete(net_cloud, BETA, server['id'])
    assert _server_ports(net_cloud, server['id']) == []


def test_port_quota_limits_the_count(net_cloud, env):
    # Room for two more ports in beta (its network's DHCP port may
    # count already).
    used = net_cloud.neutron.request(
        'GET', '/quotas/%s/details' % env['beta'],
        expect=200)['quota']['port']['used']
    net_cloud.neutron.request('PUT', '/quotas/%s' % env['beta'],
                              {'quota': {'port': used + 2}}, expect=200)
    try:
        status, body = net_cloud.request(BETA, 'POST', '/servers', {
            'server': {'name': 'many', 'flavorRef': env['flavor'],
                       'imageRef': env['image'], 'min_count': 3,
                       'max_count': 3,
                       'networks': [{'uuid': env['net_b']['id']}]}})
        assert status == 403, body
        assert 'ports' in body['forbidden']['message']
        status, body = net_cloud.request(BETA, 'POST', '/servers', {
            'server': {'name': 'some', 'flavorRef': env['flavor'],
                       'imageRef': env['image'], 'min_count': 1,
                       'max_count': 5, 'return_reservation_id': True,
                       'networks': [{'uuid': env['net_b']['id']}]}})
        assert status == 202, body
        status, listed = net_cloud.request(
            BETA, 'GET', '/servers?reservation_id=%s'
            % body['reservation_id'])
        assert len(listed['servers']) == 2
        for server in listed['servers']:
            net_cloud.wait_status(BETA, server['id'], 'ACTIVE')
            _delete(net_cloud, BETA, server['id'])
    finally:
        net_cloud.neutron.request('DELETE', '/quotas/%s' % env['beta'])
