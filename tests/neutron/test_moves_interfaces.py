"""Ports follow their server: resize (confirm and revert), cold and live
migration rebind them to the host that runs the guest; interfaces are
attached and detached (nova's port deleted, the user's kept); security
groups are added and removed by action. Each scenario ends with no port
left behind."""

import uuid

import pytest

pytestmark = pytest.mark.neutron

ALPHA = ('alpha', 'member')
ADMIN = ('admin', 'admin')


@pytest.fixture(scope='module')
def env(net_cloud):
    cloud = net_cloud.cloud
    small = cloud.create_flavor('mv-small')['id']
    large = cloud.create_flavor('mv-large', vcpus=2, ram=256)['id']
    image = cloud.import_image('mv-image')
    alpha = net_cloud.user(*ALPHA).project_id
    net = net_cloud.neutron.network(alpha, 'mv-net', '10.30.1.0/24')
    net2 = net_cloud.neutron.network(alpha, 'mv-net2', '10.30.2.0/24')
    yield {'small': small, 'large': large, 'image': image, 'alpha': alpha,
           'net': net, 'net2': net2}
    for n in (net, net2):
        for port in net_cloud.neutron.ports(network_id=n['id']):
            if port['device_owner'].startswith('compute:'):
                net_cloud.neutron.request('DELETE', '/ports/%s' % port['id'])
        net_cloud.neutron.request('DELETE', '/networks/%s' % n['id'])


def _boot(net_cloud, env, name):
    server = net_cloud.boot(ALPHA, name, [{'uuid': env['net']['id']}],
                            env['small'], env['image'])['server']
    net_cloud.wait_status(ALPHA, server['id'], 'ACTIVE')
    return server['id']


def _host(net_cloud, server_id):
    return net_cloud.server(ADMIN, server_id)['OS-EXT-SRV-ATTR:host']


def _ports(net_cloud, server_id):
    return net_cloud.neutron.ports(device_id=server_id)


def _assert_ports_on(net_cloud, server_id, host):
    ports = _ports(net_cloud, server_id)
    assert ports, 'the server has no port'
    for port in ports:
        port = net_cloud.neutron.wait_port(
            port['id'], lambda p: p['status'] == 'ACTIVE' and
            p['binding:host_id'] == host)
        bindings = net_cloud.neutron.request(
            'GET', '/ports/%s/bindings' % port['id'], expect=200)
        # Only the active binding is left (no stale inactive one).
        assert [b['host'] for b in bindings['bindings']] == [host]


def _action(net_cloud, user, server_id, body, expect=202, version=None):
    status, resp = net_cloud.request(user, 'POST',
                                     '/servers/%s/action' % server_id, body,
                                     microversion=version)
    assert status == expect, (status, resp)
    return resp


def _delete(net_cloud, server_id):
    status, _ = net_cloud.request(ALPHA, 'DELETE', '/servers/%s' % server_id)
    assert status == 204
    net_cloud.wait_gone(ALPHA, server_id)
    assert _ports(net_cloud, server_id) == []


def test_resize_confirm_and_revert_rebind(net_cloud, env):
    server_id = _boot(net_cloud, env, 'resized')
    source = _host(net_cloud, server_id)
    _action(net_cloud, ALPHA, server_id, {'resize': {'flavorRef':
                                                     env['large']}})
    net_cloud.wait_status(ALPHA, server_id, 'VERIFY_RESIZE')
    dest = _host(net_cloud, server_id)
    assert dest != source
    _assert_ports_on(net_cloud, server_id, dest)
    _action(net_cloud, ALPHA, server_id, {'revertResize': None})
    net_cloud.wait_status(ALPHA, server_id, 'ACTIVE')
    assert _host(net_cloud, server_id) == source
    _assert_ports_on(net_cloud, server_id, source)
    _action(net_cloud, ALPHA, server_id, {'resize': {'flavorRef':
                                                     env['large']}})
    net_cloud.wait_status(ALPHA, server_id, 'VERIFY_RESIZE')
    _action(net_cloud, ALPHA, server_id, {'confirmResize': None}, expect=204)
    net_cloud.wait_status(ALPHA, server_id, 'ACTIVE')
    _assert_ports_on(net_cloud, server_id, dest)
    _delete(net_cloud, server_id)


def test_cold_and_live_migration_rebind(net_cloud, env):
    server_id = _boot(net_cloud, env, 'migrated')
    source = _host(net_cloud, server_id)
    _action(net_cloud, ADMIN, server_id, {'migrate': None})
    net_cloud.wait_status(ALPHA, server_id, 'VERIFY_RESIZE')
    _action(net_cloud, ADMIN, server_id, {'confirmResize': None},
            expect=204)
    net_cloud.wait_status(ALPHA, server_id, 'ACTIVE')
    moved = _host(net_cloud, server_id)
    assert moved != source
    _assert_ports_on(net_cloud, server_id, moved)
    _action(net_cloud, ADMIN, server_id, {'os-migrateLive': {
        'host': None, 'block_migration': 'auto'}}, version='2.30')
    net_cloud.cloud.wait_for(
        'the live migration back to %s' % source,
        lambda: _host(net_cloud, server_id) == source and
        net_cloud.server(ALPHA, server_id)['status'] == 'ACTIVE')
    _assert_ports_on(net_cloud, server_id, source)
    _delete(net_cloud, server_id)


def test_interface_attach_and_detach(net_cloud, env):
    server_id = _boot(net_cloud, env, 'nics')
    path = '/servers/%s/os-interface' % server_id
    status, body = net_cloud.request(ALPHA, 'POST', path, {
        'interfaceAttachment': {'net_id': env['net2']['id']}})
    assert status == 200, body
    attached = body['interfaceAttachment']
    assert attached['net_id'] == env['net2']['id']
    port_id = attached['port_id']
    assert net_cloud.neutron.wait_port(
        port_id, lambda p: p['status'] == 'ACTIVE')['device_id'] == server_id
    status, body = net_cloud.request(ALPHA, 'GET', path)
    assert len(body['interfaceAttachments']) == 2
    server = net_cloud.server(ALPHA, server_id)
    assert set(server['addresses']) == {'mv-net', 'mv-net2'}
    # Detach: nova made that port, so it goes.
    status, _ = net_cloud.request(ALPHA, 'DELETE', path + '/' + port_id)
    assert status == 202
    net_cloud.cloud.wait_for(
        'port deleted', lambda: net_cloud.neutron.request(
            'GET', '/ports/%s' % port_id).get('port') is None)
    # A user's port: attached, detached, kept.
    port = net_cloud.neutron.request('POST', '/ports', {'port': {
        'network_id': env['net2']['id'], 'project_id': env['alpha']}},
        expect=201)['port']
    status, body = net_cloud.request(ALPHA, 'POST', path, {
        'interfaceAttachment': {'port_id': port['id']}})
    assert status == 200, body
    net_cloud.neutron.wait_port(port['id'],
                                lambda p: p['device_id'] == server_id)
    status, _ = net_cloud.request(ALPHA, 'DELETE', path + '/' + port['id'])
    assert status == 202
    kept = net_cloud.neutron.wait_port(port['id'],
                                       lambda p: p['device_id'] == '')
    assert kept['binding:host_id'] == ''
    net_cloud.neutron.request('DELETE', '/ports/%s' % port['id'],
                              expect=204)
    # Unknown port: 404.
    status, body = net_cloud.request(ALPHA, 'DELETE',
                                     path + '/' + str(uuid.uuid4()))
    assert status == 404, body
    _delete(net_cloud, server_id)


def test_security_group_actions(net_cloud, env):
    token = net_cloud.user(*ALPHA).token()
    group = net_cloud.neutron.request(
        'POST', '/security-groups',
        {'security_group': {'name': 'ssh-%s' % uuid.uuid4().hex[:6]}},
        token=token, expect=201)['security_group']
    server_id = _boot(net_cloud, env, 'guarded')
    _action(net_cloud, ALPHA, server_id,
            {'addSecurityGroup': {'name': group['name']}})
    port = _ports(net_cloud, server_id)[0]
    assert group['id'] in port['security_groups']
    status, body = net_cloud.request(
        ALPHA, 'GET', '/servers/%s/os-security-groups' % server_id,
        microversion='2.35')
    assert status == 200, body
    assert group['name'] in [g['name'] for g in body['security_groups']]
    _action(net_cloud, ALPHA, server_id,
            {'removeSecurityGroup': {'name': group['name']}})
    port = _ports(net_cloud, server_id)[0]
    assert group['id'] not in port['security_groups']
    _action(net_cloud, ALPHA, server_id,
            {'removeSecurityGroup': {'name': group['name']}}, expect=404)
    _action(net_cloud, ALPHA, server_id,
            {'addSecurityGroup': {'name': 'no-such-group'}}, expect=404)
    _delete(net_cloud, server_id)
    net_cloud.neutron.request('DELETE', '/security-groups/%s' % group['id'],
                              expect=204)


def test_shelve_offload_unbinds_and_unshelve_binds(net_cloud, env):
    server_id = _boot(net_cloud, env, 'shelved')
    _action(net_cloud, ALPHA, server_id, {'shelve': None})
    net_cloud.wait_status(ALPHA, server_id, 'SHELVED_OFFLOADED')
    for port in _ports(net_cloud, server_id):
        assert port['binding:host_id'] == '', port
    _action(net_cloud, ALPHA, server_id, {'unshelve': None})
    net_cloud.wait_status(ALPHA, server_id, 'ACTIVE')
    _assert_ports_on(net_cloud, server_id, _host(net_cloud, server_id))
    _delete(net_cloud, server_id)
