"""The real clients against a deployment with Neutron: the openstack CLI
(server create --network / --nic port-id, server add/remove port,
security group and floating IP), openstacksdk and novaclient."""

import uuid

import pytest

from tests.keystone.test_clients_keystone import _clean_env
from tests.keystone.test_clients_keystone import run_openstack

pytestmark = pytest.mark.neutron

ALPHA = ('alpha', 'member')


@pytest.fixture(scope='module')
def world(net_cloud):
    cloud = net_cloud.cloud
    sfx = uuid.uuid4().hex[:6]
    flavor = cloud.create_flavor('cli-%s' % sfx)
    image = cloud.import_image('cli-image-%s' % sfx)
    user = net_cloud.user(*ALPHA)
    net = net_cloud.neutron.network(user.project_id, 'cli-net-%s' % sfx,
                                    '10.40.1.0/24')
    env = _clean_env(net_cloud.env(user))
    yield {'flavor': flavor['name'], 'image': image, 'net': net, 'env': env,
           'sfx': sfx}
    for port in net_cloud.neutron.ports(network_id=net['id']):
        if port['device_owner'].startswith('compute:'):
            net_cloud.neutron.request('DELETE', '/ports/%s' % port['id'])
    net_cloud.neutron.request('DELETE', '/networks/%s' % net['id'])


def test_openstack_cli_server_on_a_network(net_cloud, world):
    env, net = world['env'], world['net']
    server = run_openstack(
        env, 'server', 'create', '--flavor', world['flavor'], '--image',
        world['image'], '--network', net['name'], '--wait',
        'cli-%s' % world['sfx'])
    assert server['status'] == 'ACTIVE'
    assert net['name'] in str(server['addresses'])
    # A port of the user's, added and removed.
    port = run_openstack(env, 'port', 'create', '--network', net['id'],
                         'cli-port-%s' % world['sfx'])
    run_openstack(env, 'server', 'add', 'port', server['id'], port['id'],
                  parse=False)
    bound = net_cloud.neutron.wait_port(
        port['id'], lambda p: p['device_id'] == server['id'])
    assert bound['binding:host_id']
    run_openstack(env, 'server', 'remove', 'port', server['id'], port['id'],
                  parse=False)
    net_cloud.neutron.wait_port(port['id'], lambda p: p['device_id'] == '')
    # Security group by action.
    group = run_openstack(env, 'security', 'group', 'create',
                          'cli-sg-%s' % world['sfx'])
    run_openstack(env, 'server', 'add', 'security', 'group', server['id'],
                  group['name'], parse=False)
    ports = net_cloud.neutron.ports(device_id=server['id'])
    assert all(group['id'] in p['security_groups'] for p in ports)
    run_openstack(env, 'server', 'remove', 'security', 'group',
                  server['id'], group['name'], parse=False)
    run_openstack(env, 'server', 'delete', '--wait', server['id'],
                  parse=False)
    assert net_cloud.neutron.ports(device_id=server['id']) == []
    run_openstack(env, 'port', 'delete', port['id'], parse=False)
    run_openstack(env, 'security', 'group', 'delete', group['id'],
                  parse=False)


def test_openstacksdk_and_novaclient(net_cloud, world):
    import keystoneauth1.identity.v3 as v3
    from keystoneauth1 import session as ks_session
    from novaclient import client as nova_client
    import openstack

    user = net_cloud.user(*ALPHA)
    auth = v3.Password(auth_url=net_cloud.keystone.url, username=user.name,
                       password=user.password,
                       project_name=user.project_name,
                       user_domain_id='default', project_domain_id='default')
    sess = ks_session.Session(auth=auth)
    conn = openstack.connection.Connection(
        session=sess, region_name=net_cloud.region,
        compute_api_version='2.90')
    flavor = conn.compute.find_flavor(world['flavor'])
    server = conn.compute.create_server(
        name='sdk-%s' % world['sfx'], flavor_id=flavor.id,
        image_id=world['image'], networks=[{'uuid': world['net']['id']}])
    server = conn.compute.wait_for_server(server, wait=120)
    ports = list(conn.network.ports(device_id=server.id))
    assert len(ports) == 1
    assert [a['addr'] for a in server.addresses[world['net']['name']]] == [
        ports[0].fixed_ips[0]['ip_address']]
    nova = nova_client.Client('2.90', session=sess,
                              region_name=net_cloud.region)
    attachments = nova.servers.interface_list(server.id)
    assert [a.port_id for a in attachments] == [ports[0].id]
    conn.compute.delete_server(server)
    conn.compute.wait_for_delete(server, wait=120)
    assert list(conn.network.ports(device_id=server.id)) == []
