"""Role-based rules with real Keystone tokens.

Operator APIs (services, hypervisors, aggregates, hosts, migrations, reset
state, evacuate, migrate to a named host, flavors, quota updates, usage
audit, every project's usage) answer 403 with upstream's "Policy doesn't
allow <rule> to be performed." to project readers, members and managers,
and 2xx to an admin. A project reader reads but cannot create, change,
delete or act; a member force-deletes its own server; a manager migrates
without naming a host and lists its project's migrations. A token Keystone
did not sign is a 401. Defaults are upstream's (2025.x).
"""

import uuid

import pytest

pytestmark = [pytest.mark.functional, pytest.mark.timeout(900)]

ADMIN = ('admin', 'admin')
READER = ('alpha', 'reader')
MEMBER = ('alpha', 'member')
MANAGER = ('alpha', 'manager')
PROJECT_USERS = (READER, MEMBER, MANAGER)
SERVICES_MV = '2.53'
PUBLIC_KEY = ('ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHhZ6Bg1Gm4Hh1d1pDLKfL0'
              'aE0oH0k8f1wN6Hn4iK+Fa reader@example')


def ok(result, *statuses):
    code, body = result
    assert code in (statuses or (200,)), '%s: %s' % (code, body)
    return body


def assert_forbidden(result, rule):
    code, body = result
    assert code == 403, '%s: %s' % (code, body)
    message = body['forbidden']['message']
    assert message == "Policy doesn't allow %s to be performed." % rule, (
        message)


class Env:
    def __init__(self, ks):
        self.ks = ks
        self.sfx = uuid.uuid4().hex[:6]

    def req(self, user, method, path, body=None, microversion=None,
            **kwargs):
        return self.ks.request(self.ks.users[user], method, path, body,
                               microversion, **kwargs)

    def boot(self, user, name):
        body = ok(self.req(user, 'POST', '/servers', {'server': {
            'name': name, 'flavorRef': self.flavor_id,
            'imageRef': self.image_id, 'networks': 'none'}}), 202)
        return body['server']['id']

    def server(self, sid, user=ADMIN):
        return ok(self.req(user, 'GET', '/servers/%s' % sid))['server']

    def subst(self, text):
        return text.format(
            vm=self.vm, beta_vm=self.beta_vm, flavor=self.flavor_id,
            alpha=self.ks.users[MEMBER].project_id, service=self.service,
            hypervisor=self.hypervisor, host=self.host, other=self.other,
            image=self.image_id)


@pytest.fixture(scope='module')
def env(ks_cloud):
    e = Env(ks_cloud)
    cloud = ks_cloud.cloud
    e.flavor_id = cloud.create_flavor('adm-%s' % e.sfx)['id']
    e.image_id = cloud.import_image('adm-img-%s' % e.sfx)
    e.vm = e.boot(MEMBER, 'alpha-vm')
    e.beta_vm = e.boot(('beta', 'member'), 'beta-vm')
    for sid in (e.vm, e.beta_vm):
        cloud.wait_status(sid, 'ACTIVE', timeout=120)
    e.host = e.server(e.vm)['OS-EXT-SRV-ATTR:host']
    e.other = 'fk2' if e.host == 'fk1' else 'fk1'
    services = ok(e.req(ADMIN, 'GET', '/os-services?binary=nova-compute',
                        microversion=SERVICES_MV))['services']
    e.service = [s['id'] for s in services if s['host'] == e.other][0]
    e.hypervisor = ok(e.req(ADMIN, 'GET', '/os-hypervisors',
                            microversion=SERVICES_MV))['hypervisors'][0][
        'id']
    return e


# (method, path, body, microversion, rule): an operator API and the
# upstream rule that guards it. Placeholders are filled by Env.subst.
OPERATOR_CALLS = [
    ('GET', '/os-services', None, None, 'os_compute_api:os-services:list'),
    ('PUT', '/os-services/{service}', {'status': 'disabled'}, SERVICES_MV,
     'os_compute_api:os-services:update'),
    ('PUT', '/os-services/{service}', {'forced_down': True}, SERVICES_MV,
     'os_compute_api:os-services:update'),
    ('PUT', '/os-services/force-down', {'host': '{other}',
     'binary': 'nova-compute', 'forced_down': True}, '2.11',
     'os_compute_api:os-services:update'),
    ('DELETE', '/os-services/{service}', None, SERVICES_MV,
     'os_compute_api:os-services:delete'),
    ('GET', '/os-hypervisors', None, SERVICES_MV,
     'os_compute_api:os-hypervisors:list'),
    ('GET', '/os-hypervisors/detail', None, SERVICES_MV,
     'os_compute_api:os-hypervisors:list-detail'),
    ('GET', '/os-hypervisors/statistics', None, SERVICES_MV,
     'os_compute_api:os-hypervisors:statistics'),
    ('GET', '/os-hypervisors/{hypervisor}', None, SERVICES_MV,
     'os_compute_api:os-hypervisors:show'),
    ('GET', '/os-aggregates', None, None,
     'os_compute_api:os-aggregates:index'),
    ('POST', '/os-aggregates', {'aggregate': {'name': 'agg-member'}}, None,
     'os_compute_api:os-aggregates:create'),
    ('GET', '/os-hosts', None, '2.1', 'os_compute_api:os-hosts:list'),
    ('POST', '/servers/{vm}/action', {'os-resetState': {'state': 'error'}},
     None, 'os_compute_api:os-admin-actions:reset_state'),
    ('POST', '/servers/{vm}/action', {'evacuate': {}}, '2.29',
     'os_compute_api:os-evacuate'),
    ('POST', '/servers/{vm}/action', {'migrate': {'host': '{other}'}},
     '2.56', 'os_compute_api:os-migrate-server:migrate:host'),
    ('POST', '/servers/{vm}/action', {'os-migrateLive': {
        'host': '{other}', 'block_migration': 'auto'}}, '2.30',
     'os_compute_api:os-migrate-server:migrate_live:host'),
    ('POST', '/flavors', {'flavor': {'name': 'member-flavor', 'vcpus': 1,
                                     'ram': 64, 'disk': 1}}, None,
     'os_compute_api:os-flavor-manage:create'),
    ('PUT', '/flavors/{flavor}', {'flavor': {'description': 'mine'}},
     '2.55', 'os_compute_api:os-flavor-manage:update'),
    ('DELETE', '/flavors/{flavor}', None, None,
     'os_compute_api:os-flavor-manage:delete'),
    ('PUT', '/os-quota-sets/{alpha}', {'quota_set': {'instances': 99}},
     None, 'os_compute_api:os-quota-sets:update'),
    ('DELETE', '/os-quota-sets/{alpha}', None, None,
     'os_compute_api:os-quota-sets:delete'),
    ('GET', '/os-instance_usage_audit_log', None, None,
     'os_compute_api:os-instance-usage-audit-log:list'),
    ('GET', '/os-simple-tenant-usage', None, None,
     'os_compute_api:os-simple-tenant-usage:list'),
    ('POST', '/os-server-external-events', {'events': [{
        'name': 'network-changed', 'server_uuid': '{vm}'}]}, None,
     'os_compute_api:os-server-external-events:create'),
]


def _fill(env, value):
    if isinstance(value, str):
        return env.subst(value)
    if isinstance(value, dict):
        return {k: _fill(env, v) for k, v in value.items()}
    if isinstance(value, list):
        return [_fill(env, v) for v in value]
    return value


def _call_id(call):
    method, path, body = call[:3]
    return '%s %s%s' % (method, path, ' ' + next(iter(body)) if isinstance(
        body, dict) and path.endswith('action') else '')


@pytest.mark.parametrize('who', PROJECT_USERS, ids='-'.join)
@pytest.mark.parametrize('call', OPERATOR_CALLS, ids=_call_id)
def test_operator_apis_are_403_for_project_users(env, who, call):
    method, path, body, mv, rule = call
    on_server = '{vm}' in path
    if on_server:
        before = env.server(env.vm)
    assert_forbidden(env.req(who, method, env.subst(path), _fill(env, body),
                             mv), rule)
    if on_server:
        after = env.server(env.vm)
        for key in ('status', 'OS-EXT-SRV-ATTR:host', 'OS-EXT-STS:vm_state',
                    'OS-EXT-STS:task_state'):
            assert after[key] == before[key], key


def test_project_users_changed_nothing(env):
    services = ok(env.req(ADMIN, 'GET', '/os-services?binary=nova-compute',
                          microversion=SERVICES_MV))['services']
    assert {s['host'] for s in services} >= {'fk1', 'fk2'}
    for svc in services:
        assert (svc['status'], svc['forced_down']) == ('enabled', False), svc
    names = [a['name'] for a in ok(env.req(ADMIN, 'GET', '/os-aggregates'))[
        'aggregates']]
    assert 'agg-member' not in names
    flavors = ok(env.req(ADMIN, 'GET', '/flavors/detail?is_public=None',
                         microversion='2.55'))['flavors']
    assert 'member-flavor' not in [f['name'] for f in flavors]
    assert [f['description'] for f in flavors
            if f['id'] == env.flavor_id] == [None]
    alpha = env.ks.users[MEMBER].project_id
    assert ok(env.req(ADMIN, 'GET', '/os-quota-sets/%s' % alpha))[
        'quota_set']['instances'] != 99


# -- the admin passes the same rules ------------------------------------------
def test_admin_lists_services_hypervisors_hosts_and_audit(env):
    for path, mv in (('/os-services', None),
                     ('/os-hypervisors', SERVICES_MV),
                     ('/os-hypervisors/detail', SERVICES_MV),
                     ('/os-hypervisors/statistics', SERVICES_MV),
                     ('/os-hypervisors/%s' % env.hypervisor, SERVICES_MV),
                     ('/os-aggregates', None), ('/os-hosts', '2.1'),
                     ('/os-migrations', None),
                     ('/os-instance_usage_audit_log', None),
                     ('/os-simple-tenant-usage', None)):
        ok(env.req(ADMIN, 'GET', path, microversion=mv))
    hosts = {s['host'] for s in ok(env.req(ADMIN, 'GET', '/os-services'))[
        'services']}
    assert {'fk1', 'fk2'} <= hosts


def test_admin_disables_and_forces_down_a_service(env):
    path = '/os-services/%s' % env.service
    try:
        svc = ok(env.req(ADMIN, 'PUT', path, {'status': 'disabled',
                                              'disabled_reason': 'test'},
                         SERVICES_MV))['service']
        assert svc['status'] == 'disabled'
        svc = ok(env.req(ADMIN, 'PUT', path, {'forced_down': True},
                         SERVICES_MV))['service']
        assert svc['forced_down'] is True
    finally:
        ok(env.req(ADMIN, 'PUT', path, {'forced_down': False}, SERVICES_MV))
        ok(env.req(ADMIN, 'PUT', path, {'status': 'enabled'}, SERVICES_MV))


def test_admin_delete_service_passes_the_policy(env):
    # Deleting a live compute would break the deployment: an unknown id
    # shows the policy let the admin through to the lookup.
    code, body = env.req(ADMIN, 'DELETE', '/os-services/%s' % uuid.uuid4(),
                         microversion=SERVICES_MV)
    assert code == 404, (code, body)


def test_admin_creates_and_deletes_aggregates_and_flavors(env):
    agg = ok(env.req(ADMIN, 'POST', '/os-aggregates', {'aggregate': {
        'name': 'agg-%s' % env.sfx}}))['aggregate']
    ok(env.req(ADMIN, 'DELETE', '/os-aggregates/%s' % agg['id']))
    flavor = ok(env.req(ADMIN, 'POST', '/flavors', {'flavor': {
        'name': 'adm-flavor-%s' % env.sfx, 'vcpus': 1, 'ram': 64,
        'disk': 1}}))['flavor']
    ok(env.req(ADMIN, 'PUT', '/flavors/%s' % flavor['id'], {'flavor': {
        'description': 'by admin'}}, '2.55'))
    ok(env.req(ADMIN, 'DELETE', '/flavors/%s' % flavor['id']), 202)


def test_admin_updates_quotas(env):
    alpha = env.ks.users[MEMBER].project_id
    quota = ok(env.req(ADMIN, 'PUT', '/os-quota-sets/%s' % alpha,
                       {'quota_set': {'key_pairs': 77}}))['quota_set']
    assert quota['key_pairs'] == 77
    ok(env.req(ADMIN, 'DELETE', '/os-quota-sets/%s' % alpha), 202)
    assert ok(env.req(MEMBER, 'GET', '/os-quota-sets/%s' % alpha))[
        'quota_set']['key_pairs'] != 77


def test_admin_resets_state(env):
    ok(env.req(ADMIN, 'POST', '/servers/%s/action' % env.vm,
               {'os-resetState': {'state': 'active'}}), 202)
    assert env.server(env.vm)['status'] == 'ACTIVE'


def test_admin_evacuate_passes_the_policy(env):
    # Evacuating needs the source host down; with fk1/fk2 up, the admin
    # gets past the policy to the host check (400 "Compute service of
    # <host> is still in use.", as upstream), a member never does.
    code, body = env.req(ADMIN, 'POST', '/servers/%s/action' % env.vm,
                         {'evacuate': {}}, '2.29')
    assert code == 400, (code, body)
    assert 'still in use' in body['badRequest']['message'], body


def test_admin_sends_external_events(env):
    code, body = env.req(ADMIN, 'POST', '/os-server-external-events', {
        'events': [{'name': 'network-changed', 'server_uuid': env.vm}]})
    assert code in (200, 207), (code, body)


def _migrate_and_confirm(env, user, sid, body, mv, confirm_user):
    cloud = env.ks.cloud
    host = env.server(sid)['OS-EXT-SRV-ATTR:host']
    ok(env.req(user, 'POST', '/servers/%s/action' % sid, body, mv), 202)
    cloud.wait_status(sid, 'VERIFY_RESIZE', timeout=120)
    ok(env.req(confirm_user, 'POST', '/servers/%s/action' % sid,
               {'confirmResize': None}), 204)
    server = cloud.wait_status(sid, 'ACTIVE', timeout=120)
    assert server['OS-EXT-SRV-ATTR:host'] != host
    return server['OS-EXT-SRV-ATTR:host']


def test_admin_migrates_to_a_named_host(env):
    beta_host = env.server(env.beta_vm)['OS-EXT-SRV-ATTR:host']
    target = 'fk2' if beta_host == 'fk1' else 'fk1'
    moved = _migrate_and_confirm(env, ADMIN, env.beta_vm,
                                 {'migrate': {'host': target}}, '2.56',
                                 ('beta', 'member'))
    assert moved == target


def test_member_and_reader_cannot_migrate_at_all(env):
    for who in (READER, MEMBER):
        assert_forbidden(env.req(who, 'POST', '/servers/%s/action' % env.vm,
                                 {'migrate': None}, '2.56'),
                         'os_compute_api:os-migrate-server:migrate')
        assert_forbidden(env.req(who, 'POST', '/servers/%s/action' % env.vm,
                                 {'os-migrateLive': {
                                     'host': None,
                                     'block_migration': 'auto'}}, '2.30'),
                         'os_compute_api:os-migrate-server:migrate_live')


def test_manager_migrates_without_a_host(env):
    env.host = _migrate_and_confirm(env, MANAGER, env.vm, {'migrate': None},
                                    '2.56', MEMBER)
    env.other = 'fk2' if env.host == 'fk1' else 'fk1'


def test_manager_lists_only_its_projects_migrations(env):
    # Upstream: a manager names its own project (2.80); without it, or
    # with another project, index:all_projects (admin) is needed. Hosts
    # are shown only with index:host (admin).
    alpha = env.ks.users[MANAGER].project_id
    beta = env.ks.users[('beta', 'member')].project_id
    mine = ok(env.req(MANAGER, 'GET', '/os-migrations?project_id=%s'
                      % alpha, microversion='2.80'))['migrations']
    assert env.vm in [m['instance_uuid'] for m in mine]
    assert env.beta_vm not in [m['instance_uuid'] for m in mine]
    assert {m['project_id'] for m in mine} == {alpha}
    assert all(m['source_compute'] is None and m['dest_compute'] is None
               for m in mine), mine
    for path in ('/os-migrations', '/os-migrations?project_id=%s' % beta):
        assert_forbidden(env.req(MANAGER, 'GET', path, microversion='2.80'),
                         'os_compute_api:os-migrations:index:all_projects')
    every = ok(env.req(ADMIN, 'GET', '/os-migrations',
                       microversion='2.80'))['migrations']
    assert {env.vm, env.beta_vm} <= {m['instance_uuid'] for m in every}
    assert all(m['source_compute'] for m in every)
    for who in (READER, MEMBER):
        assert_forbidden(env.req(who, 'GET', '/os-migrations?project_id=%s'
                                 % alpha, microversion='2.80'),
                         'os_compute_api:os-migrations:index')


# -- project readers ------------------------------------------------------------
READER_WRITES = [
    ('POST', '/servers', {'server': {'name': 'by-reader', 'flavorRef':
                                     '{flavor}', 'imageRef': '{image}',
                                     'networks': 'none'}}, None,
     'os_compute_api:servers:create'),
    ('PUT', '/servers/{vm}', {'server': {'name': 'renamed'}}, None,
     'os_compute_api:servers:update'),
    ('DELETE', '/servers/{vm}', None, None, 'os_compute_api:servers:delete'),
    ('POST', '/servers/{vm}/action', {'os-stop': None}, None,
     'os_compute_api:servers:stop'),
    ('POST', '/servers/{vm}/action', {'reboot': {'type': 'SOFT'}}, None,
     'os_compute_api:servers:reboot'),
    ('POST', '/servers/{vm}/action', {'pause': None}, None,
     'os_compute_api:os-pause-server:pause'),
    ('POST', '/servers/{vm}/action', {'lock': None}, None,
     'os_compute_api:os-lock-server:lock'),
    ('POST', '/servers/{vm}/action', {'forceDelete': None}, None,
     'os_compute_api:os-deferred-delete:force'),
    ('POST', '/servers/{vm}/action', {'createImage': {'name': 'snap'}},
     None, 'os_compute_api:servers:create_image'),
    ('POST', '/servers/{vm}/metadata', {'metadata': {'a': 'b'}}, None,
     'os_compute_api:server-metadata:create'),
    ('PUT', '/servers/{vm}/tags', {'tags': ['x']}, '2.26',
     'os_compute_api:os-server-tags:update_all'),
    ('POST', '/os-server-groups', {'server_group': {
        'name': 'by-reader', 'policies': ['affinity']}}, None,
     'os_compute_api:os-server-groups:create'),
]


@pytest.mark.parametrize('call', READER_WRITES, ids=_call_id)
def test_reader_cannot_write(env, call):
    method, path, body, mv, rule = call
    before = env.server(env.vm, READER)
    assert_forbidden(env.req(READER, method, env.subst(path),
                             _fill(env, body), mv), rule)
    after = env.server(env.vm, READER)
    for key in ('name', 'status', 'metadata', 'OS-EXT-STS:task_state'):
        assert after.get(key) == before.get(key), key


def test_reader_reads(env):
    alpha = env.ks.users[READER].project_id
    for path, mv in (('/servers', None), ('/servers/detail', None),
                     ('/servers/%s' % env.vm, None),
                     ('/servers/%s/metadata' % env.vm, None),
                     ('/servers/%s/tags' % env.vm, '2.26'),
                     ('/servers/%s/ips' % env.vm, None),
                     ('/servers/%s/os-instance-actions' % env.vm, None),
                     ('/flavors/detail', None), ('/limits', None),
                     ('/os-quota-sets/%s' % alpha, None),
                     ('/os-quota-sets/%s/detail' % alpha, None),
                     ('/os-simple-tenant-usage/%s' % alpha, None),
                     ('/os-server-groups', None), ('/os-keypairs', None),
                     ('/os-availability-zone', None)):
        ok(env.req(READER, 'GET', path, microversion=mv))
    ids = [s['id'] for s in ok(env.req(READER, 'GET', '/servers'))[
        'servers']]
    assert env.vm in ids


def test_reader_manages_its_own_keypairs(env):
    # Key pairs belong to a user, not a project: upstream lets their
    # owner, whatever the role, create and delete them.
    name = 'reader-key-%s' % env.sfx
    ok(env.req(READER, 'POST', '/os-keypairs', {'keypair': {
        'name': name, 'public_key': PUBLIC_KEY}}, '2.2'), 201)
    ok(env.req(READER, 'DELETE', '/os-keypairs/%s' % name,
               microversion='2.2'), 204)


# -- project members ------------------------------------------------------------
def test_member_force_deletes_its_own_server(env):
    sid = env.boot(MEMBER, 'doomed')
    env.ks.cloud.wait_status(sid, 'ACTIVE', timeout=120)
    assert_forbidden(env.req(READER, 'POST', '/servers/%s/action' % sid,
                             {'forceDelete': None}),
                     'os_compute_api:os-deferred-delete:force')
    ok(env.req(MEMBER, 'POST', '/servers/%s/action' % sid,
               {'forceDelete': None}), 202)
    env.ks.cloud.wait_gone(sid, timeout=120)


def test_member_acts_on_its_own_server(env):
    ok(env.req(MEMBER, 'POST', '/servers/%s/action' % env.vm,
               {'os-stop': None}), 202)
    env.ks.cloud.wait_status(env.vm, 'SHUTOFF')
    ok(env.req(MEMBER, 'POST', '/servers/%s/action' % env.vm,
               {'os-start': None}), 202)
    env.ks.cloud.wait_status(env.vm, 'ACTIVE')


# -- tokens ---------------------------------------------------------------------
def _tampered(token):
    middle = len(token) // 2
    swap = 'A' if token[middle] != 'A' else 'B'
    return token[:middle] + swap + token[middle + 1:]


def test_a_token_keystone_did_not_sign_is_401(env):
    token = env.ks.users[ADMIN].token()
    for bad in (_tampered(token), token[:-4], 'admin:admin', 'admin'):
        code, body = env.req(ADMIN, 'GET', '/servers', token=bad)
        assert code == 401, (bad, code, body)
    code, _ = env.req(ADMIN, 'GET', '/servers', token='')
    assert code == 401
    # And the real one still works.
    ok(env.req(ADMIN, 'GET', '/servers'))


def test_placement_wants_a_keystone_token(env):
    cloud = env.ks.cloud
    url = cloud.settings.placement_endpoint + '/resource_providers'
    token = env.ks.users[ADMIN].token()
    for bad in (_tampered(token), 'admin'):
        resp = cloud.http.get(url, timeout=30, headers={
            'X-Auth-Token': bad})
        assert resp.status_code == 401, (bad, resp.status_code, resp.text)
    resp = cloud.http.get(url, timeout=30, headers={'X-Auth-Token': token})
    assert resp.status_code == 200, resp.text
    # A project member is no placement admin.
    resp = cloud.http.get(url, timeout=30, headers={
        'X-Auth-Token': env.ks.users[MEMBER].token()})
    assert resp.status_code == 403, resp.text
