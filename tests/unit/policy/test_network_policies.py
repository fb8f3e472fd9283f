"""Policy of the network proxies and the floating IP actions, persona by
persona, over an in-memory Neutron (the group, floating IP and server
belong to project "alpha")."""

import pytest

from nova.network import neutron as neutron_api
from tests.unit.api import resources_fixtures
from tests.unit.network.fake_neutron import neutron  # noqa: F401
from tests.unit.policy.personas import (
    ADMIN, MANAGER, MEMBER, READER, assert_forbidden)

world = resources_fixtures.world


@pytest.fixture
def alpha(neutron, world):  # noqa: F811
    net = neutron.network('private', project='alpha')
    subnet = neutron.subnet(net, '10.0.0.0/24', project='alpha')
    neutron.group = neutron.security_group('default', project='alpha')
    neutron.public = neutron.network('public', project='admin',
                                     external=True)
    neutron.fip = neutron.floatingip(neutron.public, '172.24.4.10',
                                     project='alpha')
    inst = world.server(project='alpha', user='alpha-member')
    neutron.port(inst.uuid, subnet, '10.0.0.5', project='alpha',
                 groups=[neutron.group])
    neutron_api.NeutronAPI().refresh_instance_nw_info(world.cctx, inst)
    neutron.server = inst
    return neutron


def _cases(alpha):
    group = '/os-security-groups/' + alpha.group['id']
    fip = '/os-floating-ips/' + alpha.fip['id']
    action = '/servers/%s/action' % alpha.server.uuid
    return [
        ('os_compute_api:os-security-groups:get', 'reader',
         'GET', '/os-security-groups', None, 200),
        ('os_compute_api:os-security-groups:show', 'reader',
         'GET', group, None, 200),
        ('os_compute_api:os-security-groups:update', 'member', 'PUT', group,
         {'security_group': {'name': 'default', 'description': 'x'}}, 200),
        ('os_compute_api:os-security-groups:create', 'member', 'POST',
         '/os-security-groups',
         {'security_group': {'name': 'web', 'description': ''}}, 200),
        ('os_compute_api:os-security-groups:rule:create', 'member', 'POST',
         '/os-security-group-rules',
         {'security_group_rule': {'parent_group_id': alpha.group['id'],
                                  'ip_protocol': 'tcp', 'from_port': 22,
                                  'to_port': 22}}, (200, 400)),
        ('os_compute_api:os-floating-ips:list', 'reader',
         'GET', '/os-floating-ips', None, 200),
        ('os_compute_api:os-floating-ips:show', 'reader', 'GET', fip, None,
         200),
        ('os_compute_api:os-networks:list', 'reader',
         'GET', '/os-networks', None, 200),
        ('os_compute_api:os-tenant-networks:list', 'reader',
         'GET', '/os-tenant-networks', None, 200),
        ('os_compute_api:os-floating-ips:add', 'member', 'POST', action,
         {'addFloatingIp': {'address': '172.24.4.10'}}, 202),
        ('os_compute_api:os-floating-ips:remove', 'member', 'POST', action,
         {'removeFloatingIp': {'address': '172.24.4.10'}}, (202, 409)),
        ('os_compute_api:os-floating-ips:delete', 'member', 'DELETE', fip,
         None, (202, 404)),
    ]


def test_readers_read_and_members_change(api, alpha):
    # A second allowed caller may find the first one's change done: a
    # duplicate rule (400), a floating IP gone (409, 404).
    allowed = {'reader': (READER, MEMBER, MANAGER),
               'member': (MEMBER, MANAGER)}
    for rule, level, method, path, body, status in _cases(alpha):
        if level == 'member':
            assert_forbidden(api(READER, method, path, body), rule)
        for who in allowed[level]:
            resp = api(who, method, path, body)
            expected = status if isinstance(status, tuple) else (status,)
            assert resp.status_int in expected, (rule, who, resp.text)


def test_pools_are_open_to_everybody(api, alpha):
    for who in (READER, ADMIN):
        resp = api(who, 'GET', '/os-floating-ip-pools')
        assert resp.data == {'floating_ip_pools': [{'name': 'public'}]}
