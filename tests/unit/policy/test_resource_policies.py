"""Policy of the resource and administration APIs, through the real API
application over real SQLite databases.

Callers are built from identity headers (user, project, roles) by the
same context middleware that serves Keystone deployments, so every
persona can be expressed: reader, member and manager of project "alpha",
a member of project "beta", an administrator (of project "admin") and a
service user (role "service" only). noauth2 cannot express readers,
managers or services; its admin/member users are checked at the end.
"""

import uuid

import pytest
import webob

import nova.conf
from nova.api import app as api_app
from nova import objects
from nova import policy
from tests.unit.api import resources_fixtures
from tests.unit.policy.personas import (ADMIN, MANAGER, MEMBER, OTHER,
                                         READER, assert_forbidden)

CONF = nova.conf.CONF

# The real compute API over the cells of ``cells``, and two compute hosts.
world = resources_fixtures.world
hosts = resources_fixtures.hosts

SERVICE = ('neutron', 'service', 'service')
PROJECT_PERSONAS = (READER, MEMBER, MANAGER, OTHER)








# Administrator-only operations: (rule, method, path, body, version,
# status of an administrator's call).
ADMIN_ONLY = [
    ('os_compute_api:os-aggregates:index', 'GET', '/os-aggregates', None,
     None, 200),
    ('os_compute_api:os-aggregates:create', 'POST', '/os-aggregates',
     {'aggregate': {'name': 'agg'}}, None, 200),
    ('os_compute_api:os-aggregates:show', 'GET', '/os-aggregates/1', None,
     None, 404),
    ('os_compute_api:os-aggregates:set_metadata', 'POST',
     '/os-aggregates/1/action', {'set_metadata': {'metadata': {'a': 'b'}}},
     None, 404),
    ('os_compute_api:os-services:list', 'GET', '/os-services', None, None,
     200),
    ('os_compute_api:os-services:update', 'PUT', '/os-services/disable',
     {'host': 'cmp1', 'binary': 'nova-compute'}, None, 200),
    ('os_compute_api:os-services:delete', 'DELETE',
     '/os-services/%s' % uuid.uuid4(), None, '2.53', 404),
    ('os_compute_api:os-hypervisors:list', 'GET', '/os-hypervisors', None,
     None, 200),
    ('os_compute_api:os-hypervisors:list-detail', 'GET',
     '/os-hypervisors/detail', None, None, 200),
    ('os_compute_api:os-hypervisors:statistics', 'GET',
     '/os-hypervisors/statistics', None, None, 200),
    ('os_compute_api:os-hypervisors:search', 'GET',
     '/os-hypervisors/cmp/search', None, None, 200),
    ('os_compute_api:os-hosts:list', 'GET', '/os-hosts', None, None, 200),
    ('os_compute_api:os-hosts:show', 'GET', '/os-hosts/cmp1', None, None,
     200),
    ('os_compute_api:os-hosts:start', 'GET', '/os-hosts/cmp1/startup',
     None, None, 501),
    ('os_compute_api:os-instance-usage-audit-log:list', 'GET',
     '/os-instance_usage_audit_log', None, None, 200),
    ('os_compute_api:os-console-auth-tokens', 'GET',
     '/os-console-auth-tokens/nothing', None, None, 404),
    ('os_compute_api:os-quota-class-sets:show', 'GET',
     '/os-quota-class-sets/default', None, None, 200),
    ('os_compute_api:os-quota-class-sets:update', 'PUT',
     '/os-quota-class-sets/default', {'quota_class_set': {'cores': 30}},
     None, 200),
    ('os_compute_api:os-flavor-manage:create', 'POST', '/flavors',
     {'flavor': {'name': 'f', 'ram': 64, 'vcpus': 1, 'disk': 1}}, None,
     200),
    ('os_compute_api:os-flavor-manage:update', 'PUT', '/flavors/1',
     {'flavor': {'description': 'tiny'}}, '2.55', 200),
    ('os_compute_api:os-flavor-manage:delete', 'DELETE', '/flavors/1',
     None, None, 202),
    ('os_compute_api:os-flavor-access', 'GET', '/flavors/1/os-flavor-access',
     None, None, 404),
    ('os_compute_api:os-flavor-access:add_tenant_access', 'POST',
     '/flavors/1/action', {'addTenantAccess': {'tenant': 'beta'}}, None,
     409),
    ('os_compute_api:os-flavor-extra-specs:create', 'POST',
     '/flavors/1/os-extra_specs', {'extra_specs': {'hw:cpu_policy':
                                                   'shared'}}, None, 200),
    ('os_compute_api:os-flavor-extra-specs:delete', 'DELETE',
     '/flavors/1/os-extra_specs/nothing', None, None, 404),
    ('os_compute_api:os-availability-zone:detail', 'GET',
     '/os-availability-zone/detail', None, None, 200),
    ('os_compute_api:os-simple-tenant-usage:list', 'GET',
     '/os-simple-tenant-usage', None, None, 200),
    ('os_compute_api:os-quota-sets:update', 'PUT', '/os-quota-sets/alpha',
     {'quota_set': {'cores': 40}}, None, 200),
    ('os_compute_api:os-quota-sets:delete', 'DELETE',
     '/os-quota-sets/alpha', None, None, 202),
    ('os_compute_api:limits:other_project', 'GET', '/limits?tenant_id=beta',
     None, None, 200),
]


@pytest.mark.parametrize('rule,method,path,body,version,status', ADMIN_ONLY,
                         ids=[case[0].split(':', 1)[1] + ':' + case[1]
                              for case in ADMIN_ONLY])
def test_admin_only_operations(api, world, hosts, rule, method, path, body,
                               version, status):
    for who in PROJECT_PERSONAS + (SERVICE,):
        assert_forbidden(api(who, method, path, body, version), rule)
    resp = api(ADMIN, method, path, body, version)
    assert resp.status_int == status, (resp.status, resp.text)


@pytest.mark.parametrize('path', [
    '/os-availability-zone', '/extensions', '/extensions/os-keypairs',
    '/limits', '/os-quota-sets/alpha/defaults', '/flavors/1/os-extra_specs',
])
def test_reads_open_to_every_project_reader(api, world, path):
    for who in (READER, OTHER, ADMIN):
        resp = api(who, 'GET', path)
        assert resp.status_int == 200, (who, resp.text)


def test_extra_spec_show_for_readers_and_in_flavor_bodies(api, world):
    world.flavor.save_extra_specs(to_add={'hw:cpu_policy': 'shared'})
    resp = api(READER, 'GET', '/flavors/1/os-extra_specs/hw:cpu_policy')
    assert resp.data == {'hw:cpu_policy': 'shared'}
    for who in (READER, ADMIN):
        flavor = api(who, 'GET', '/flavors/1', version='2.61').data['flavor']
        assert flavor['extra_specs'] == {'hw:cpu_policy': 'shared'}
    assert_forbidden(api(MEMBER, 'PUT', '/flavors/1/os-extra_specs/'
                                        'hw:cpu_policy',
                         {'hw:cpu_policy': 'dedicated'}),
                     'os_compute_api:os-flavor-extra-specs:update')


def test_quotas_of_own_project_for_readers_others_refused(api, world):
    for path in ('/os-quota-sets/alpha', '/os-quota-sets/alpha/detail'):
        rule = 'os_compute_api:os-quota-sets:' + (
            'detail' if path.endswith('detail') else 'show')
        for who in (READER, MEMBER, MANAGER):
            resp = api(who, 'GET', path)
            assert resp.status_int == 200
            assert resp.data['quota_set']['id'] == 'alpha'
        # Another project's quotas are a 403, as upstream, not a 404.
        assert_forbidden(api(OTHER, 'GET', path), rule)
        assert api(ADMIN, 'GET', path).status_int == 200
    # A project's own member cannot raise its quotas.
    assert_forbidden(api(MANAGER, 'PUT', '/os-quota-sets/alpha',
                         {'quota_set': {'cores': 100}}),
                     'os_compute_api:os-quota-sets:update')


def test_limits_of_another_project_for_admins_only(api, world):
    assert api(MEMBER, 'GET', '/limits').status_int == 200
    assert_forbidden(api(MEMBER, 'GET', '/limits?tenant_id=alpha'),
                     'os_compute_api:limits:other_project')
    assert api(ADMIN, 'GET', '/limits?tenant_id=alpha').status_int == 200


def test_usage_of_own_project_for_readers(api, world):
    world.server(project='alpha', user='alpha-member')
    url = '/os-simple-tenant-usage/alpha?start=2024-01-01T00:00:00'
    resp = api(READER, 'GET', url)
    assert resp.status_int == 200
    assert resp.data['tenant_usage']['tenant_id'] == 'alpha'
    assert_forbidden(api(OTHER, 'GET', url),
                     'os_compute_api:os-simple-tenant-usage:show')
    assert api(ADMIN, 'GET', url).status_int == 200


def _group(api, who, name='g'):
    resp = api(who, 'POST', '/os-server-groups',
               {'server_group': {'name': name, 'policy': 'affinity'}},
               version='2.64')
    assert resp.status_int == 200, resp.text
    return resp.data['server_group']['id']


def test_server_groups_by_persona(api, world):
    assert_forbidden(api(READER, 'POST', '/os-server-groups',
                         {'server_group': {'name': 'g',
                                           'policy': 'affinity'}},
                         version='2.64'),
                     'os_compute_api:os-server-groups:create')
    mine = _group(api, MEMBER)
    theirs = _group(api, OTHER)
    one = '/os-server-groups/%s' % mine
    assert api(READER, 'GET', one).status_int == 200
    assert [g['id'] for g in api(READER, 'GET', '/os-server-groups')
            .data['server_groups']] == [mine]
    # Another project's group does not exist for the caller.
    assert api(OTHER, 'GET', one).status_int == 404
    assert api(OTHER, 'DELETE', one).status_int == 404
    # A reader of the owning project sees it but may not delete it.
    assert_forbidden(api(READER, 'DELETE', one),
                     'os_compute_api:os-server-groups:delete')
    # all_projects is ignored for members, honoured for administrators.
    listed = api(MEMBER, 'GET', '/os-server-groups?all_projects=True')
    assert [g['id'] for g in listed.data['server_groups']] == [mine]
    listed = api(ADMIN, 'GET', '/os-server-groups?all_projects=True')
    assert {g['id'] for g in listed.data['server_groups']} == {mine, theirs}
    assert api(ADMIN, 'GET', one).status_int == 200
    assert api(MEMBER, 'DELETE', one).status_int == 204
    assert api(ADMIN, 'DELETE',
               '/os-server-groups/%s' % theirs).status_int == 204


def test_keypairs_belong_to_their_user(api, world):
    owner = ('alpha-owner', 'alpha', 'reader')
    resp = api(owner, 'POST', '/os-keypairs', {'keypair': {'name': 'k'}},
               version='2.10')
    assert resp.status_int == 201, resp.text
    assert api(owner, 'GET', '/os-keypairs/k').status_int == 200
    # Another user of the same project: the key pair does not exist for
    # them, and naming its owner is refused.
    assert api(MEMBER, 'GET', '/os-keypairs/k').status_int == 404
    assert api(MEMBER, 'DELETE', '/os-keypairs/k').status_int == 404
    assert api(MEMBER, 'GET', '/os-keypairs').data == {'keypairs': []}
    for method, path, rule in (
            ('GET', '/os-keypairs/k?user_id=alpha-owner', 'show'),
            ('DELETE', '/os-keypairs/k?user_id=alpha-owner', 'delete'),
            ('GET', '/os-keypairs?user_id=alpha-owner', 'index')):
        assert_forbidden(api(MEMBER, method, path, version='2.10'),
                         'os_compute_api:os-keypairs:' + rule)
    assert_forbidden(api(MEMBER, 'POST', '/os-keypairs',
                         {'keypair': {'name': 'x', 'user_id': 'alpha-owner'}},
                         version='2.10'),
                     'os_compute_api:os-keypairs:create')
    # Before 2.10 user_id means nothing: the caller's own key pairs.
    assert api(MEMBER, 'GET',
               '/os-keypairs/k?user_id=alpha-owner').status_int == 404
    # An administrator acts for the owner.
    resp = api(ADMIN, 'GET', '/os-keypairs?user_id=alpha-owner',
               version='2.10')
    assert [k['keypair']['name'] for k in resp.data['keypairs']] == ['k']
    assert api(ADMIN, 'DELETE', '/os-keypairs/k?user_id=alpha-owner',
               version='2.10').status_int == 204


@pytest.fixture
def migrations(world):
    made = {}
    for project in ('alpha', 'beta'):
        inst = world.server(project=project, user=project + '-member')
        mig = objects.Migration(
            world.cctx, instance_uuid=inst.uuid, source_compute='cmp1',
            source_node='cmp1-node', dest_compute='cmp2',
            dest_node='cmp2-node', dest_host='10.0.0.2', status='finished',
            migration_type='migration', user_id=inst.user_id,
            project_id=project, old_instance_type_id=1,
            new_instance_type_id=1)
        mig.create()
        made[project] = mig
    return made


def test_migrations_for_project_managers_without_hosts(api, migrations):
    own = '/os-migrations?project_id=alpha'
    resp = api(MANAGER, 'GET', own, version='2.80')
    assert resp.status_int == 200, resp.text
    [item] = resp.data['migrations']
    assert (item['uuid'], item['project_id']) == (
        migrations['alpha'].uuid, 'alpha')
    assert [item[k] for k in ('source_compute', 'source_node',
                              'dest_compute', 'dest_node', 'dest_host')] \
        == [None] * 5
    # Every project, or another one, needs index:all_projects.
    for path in ('/os-migrations', '/os-migrations?project_id=beta'):
        assert_forbidden(api(MANAGER, 'GET', path, version='2.80'),
                         'os_compute_api:os-migrations:index:all_projects')
    # Members are not managers.
    for who in (READER, MEMBER, OTHER):
        assert_forbidden(api(who, 'GET', own, version='2.80'),
                         'os_compute_api:os-migrations:index')
    resp = api(ADMIN, 'GET', '/os-migrations', version='2.80')
    items = resp.data['migrations']
    assert {m['project_id'] for m in items} == {'alpha', 'beta'}
    assert {m['source_compute'] for m in items} == {'cmp1'}


def test_external_events_from_services_and_admins(api, world):
    inst = world.server(project='alpha', host='cmp1')
    body = {'events': [{'name': 'network-changed',
                        'server_uuid': inst.uuid}]}
    for who in PROJECT_PERSONAS:
        assert_forbidden(api(who, 'POST', '/os-server-external-events',
                             body),
                         'os_compute_api:os-server-external-events:create')
    # The service user has no role in the server's project and still
    # reaches it.
    for who in (SERVICE, ADMIN):
        resp = api(who, 'POST', '/os-server-external-events', body)
        assert resp.status_int == 200, resp.text
        assert resp.data['events'][0]['code'] == 200
        name, _args, kwargs = world.rpc.calls[-1]
        assert (name, kwargs['host']) == ('external_instance_event', 'cmp1')


def test_policy_file_overrides_the_defaults(api, world, conf, tmp_path):
    world.flavor.save_extra_specs(to_add={'hw:cpu_policy': 'shared'})
    path = tmp_path / 'policy.yaml'
    path.write_text(
        '"os_compute_api:os-services:list": "role:member"\n'
        '"os_compute_api:os-flavor-extra-specs:index": "!"\n')
    assert_forbidden(api(MEMBER, 'GET', '/os-services'),
                     'os_compute_api:os-services:list')
    conf.config(policy_file=str(path), group='oslo_policy')
    policy.reset()
    assert api(MEMBER, 'GET', '/os-services').status_int == 200
    assert_forbidden(api(READER, 'GET', '/os-services'),
                     'os_compute_api:os-services:list')
    # Nobody reads extra specs now, and flavor bodies leave them out.
    assert_forbidden(api(ADMIN, 'GET', '/flavors/1/os-extra_specs'),
                     'os_compute_api:os-flavor-extra-specs:index')
    flavor = api(ADMIN, 'GET', '/flavors/1', version='2.61').data['flavor']
    assert 'extra_specs' not in flavor


def test_noauth2_admin_and_member(world, hosts):
    app = api_app.build(auth_strategy='noauth2')

    def call(token, path):
        req = webob.Request.blank('/v2.1' + path)
        req.headers['X-Auth-Token'] = token
        return req.get_response(app)

    assert call('demo:demo', '/os-hypervisors').status_int == 403
    assert call('admin:admin', '/os-hypervisors').status_int == 200
    # Member personas keep their project's reads.
    assert call('demo:demo', '/os-quota-sets/demo').status_int == 200
    assert call('demo:demo', '/os-quota-sets/other').status_int == 403
    assert call('admin:admin', '/os-quota-sets/other').status_int == 200


def test_every_rule_has_upstreams_scope_and_a_documented_operation():
    from nova.policies import base
    from nova.policies import (aggregates, availability_zone,
                               console_auth_tokens, extensions,
                               flavor_access, flavor_extra_specs,
                               flavor_manage, floating_ip_pools,
                               floating_ips, hosts as hosts_policies,
                               hypervisors, instance_usage_audit_log,
                               keypairs, limits, migrations as migrations_p,
                               networks, quota_class_sets, quota_sets,
                               security_group_proxies,
                               server_external_events, server_groups,
                               services, simple_tenant_usage,
                               tenant_networks)
    modules = (aggregates, availability_zone, console_auth_tokens,
               extensions, flavor_access, flavor_extra_specs, flavor_manage,
               floating_ip_pools, floating_ips, hosts_policies, hypervisors,
               instance_usage_audit_log, keypairs, limits, migrations_p,
               networks, quota_class_sets, quota_sets,
               security_group_proxies, server_external_events,
               server_groups, services, simple_tenant_usage,
               tenant_networks)
    for module in modules:
        assert module.list_rules(), module.__name__
        for rule in module.list_rules():
            assert rule.scope_types == base.SCOPE
            assert rule.operations and rule.description
            assert rule.name.startswith('os_compute_api:')

