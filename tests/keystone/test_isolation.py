"""Project isolation with two real Keystone projects.

Users of project "alpha" (reader, member, manager) try to list, show, change
and act on what a member of project "beta" made: a server (with metadata
and tags), a key pair, a server group, the project's quotas, limits and
usage; and on a private flavor an administrator shared with beta only.
Another project's resources are invisible (404, absent from every list, as
if they did not exist; the private flavor cannot be booted or resized to,
400); another project's quotas and usage are refused (403), as upstream
does. After every attempt, beta's resources are
checked to be exactly as they were.
"""

import uuid

import pytest

pytestmark = [pytest.mark.functional, pytest.mark.timeout(900)]

PUBLIC_KEY = ('ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHhZ6Bg1Gm4Hh1d1pDLKfL0'
              'aE0oH0k8f1wN6Hn4iK+Fa beta@example')
OTHER_KEY = ('ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGq7o4mJ6h2aZpWg1nY0Q5l'
             '3rJZ1c8v9Yw1k0m3b7n2D alpha@example')
TAGS_MV = '2.26'
ALPHA = [('alpha', 'reader'), ('alpha', 'member'), ('alpha', 'manager')]


def ok(result, status=200):
    code, body = result
    assert code == status, '%s: %s' % (code, body)
    return body


class World:
    """What beta and alpha own, and beta's state to compare with."""

    def __init__(self, ks):
        self.ks = ks
        self.sfx = uuid.uuid4().hex[:6]

    def req(self, user, method, path, body=None, microversion=None):
        return self.ks.request(self.ks.users[user], method, path, body,
                               microversion)

    def boot(self, user, name, **extra):
        server = {'name': name, 'flavorRef': self.flavor_id,
                  'imageRef': self.image_id, 'networks': 'none'}
        server.update(extra)
        body = ok(self.req(user, 'POST', '/servers', {'server': server}),
                  202)
        return body['server']['id']

    def snapshot(self):
        """Beta's resources as beta's member sees them."""
        b = ('beta', 'member')
        server = ok(self.req(b, 'GET', '/servers/%s' % self.beta_server,
                             microversion=TAGS_MV))['server']
        actions = ok(self.req(b, 'GET', '/servers/%s/os-instance-actions'
                              % self.beta_server))['instanceActions']
        return {
            'server': {k: server[k] for k in (
                'name', 'status', 'metadata', 'tags', 'OS-EXT-STS:vm_state',
                'OS-EXT-STS:task_state', 'locked')
                if k in server},
            'actions': sorted((a['action'], a['request_id'])
                              for a in actions),
            'keypair': ok(self.req(b, 'GET', '/os-keypairs/%s'
                                   % self.keypair))['keypair']['fingerprint'],
            'group': ok(self.req(b, 'GET', '/os-server-groups/%s'
                                 % self.group))['server_group'],
            'quota': ok(self.req(b, 'GET', '/os-quota-sets/%s'
                                 % self.ks.users[b].project_id)),
            'servers': sorted(s['id'] for s in ok(
                self.req(b, 'GET', '/servers'))['servers']),
        }

    def assert_beta_intact(self):
        assert self.snapshot() == self.before


@pytest.fixture(scope='module')
def world(ks_cloud):
    w = World(ks_cloud)
    cloud = ks_cloud.cloud
    w.flavor_id = cloud.create_flavor('iso-%s' % w.sfx)['id']
    w.image_id = cloud.import_image('iso-img-%s' % w.sfx)
    b = ('beta', 'member')
    w.beta_server = w.boot(b, 'beta-vm', metadata={'owner': 'beta'})
    w.alpha_server = w.boot(('alpha', 'member'), 'alpha-vm')
    w.keypair = 'beta-key-%s' % w.sfx
    ok(w.req(b, 'POST', '/os-keypairs', {'keypair': {
        'name': w.keypair, 'public_key': PUBLIC_KEY}}, '2.2'), 201)
    w.group = ok(w.req(b, 'POST', '/os-server-groups', {'server_group': {
        'name': 'beta-group', 'policies': ['anti-affinity']}}))[
        'server_group']['id']
    for sid in (w.beta_server, w.alpha_server):
        cloud.wait_status(sid, 'ACTIVE', timeout=120)
    ok(w.req(b, 'PUT', '/servers/%s/tags' % w.beta_server,
             {'tags': ['beta-tag']}, TAGS_MV))
    w.before = w.snapshot()
    return w


# -- servers ------------------------------------------------------------------
@pytest.mark.parametrize('who', ALPHA)
def test_server_lists_never_show_another_project(world, who):
    for path in ('/servers', '/servers/detail', '/servers?name=beta-vm',
                 '/servers?tenant_id=%s' % world.ks.users[
                     ('beta', 'member')].project_id,
                 '/servers/detail?project_id=%s' % world.ks.users[
                     ('beta', 'member')].project_id):
        ids = [s['id'] for s in ok(world.req(who, 'GET', path))['servers']]
        assert world.beta_server not in ids, path
        if 'name=' not in path:
            assert world.alpha_server in ids, path
    world.assert_beta_intact()


@pytest.mark.parametrize('who', ALPHA)
def test_all_tenants_is_refused_to_project_users(world, who):
    for path in ('/servers?all_tenants=1', '/servers/detail?all_tenants=1'):
        code, body = world.req(who, 'GET', path)
        assert code == 403, (path, code, body)


def test_admin_sees_every_project(world):
    ids = [s['id'] for s in ok(world.req(
        ('admin', 'admin'), 'GET', '/servers?all_tenants=1'))['servers']]
    assert {world.beta_server, world.alpha_server} <= set(ids)
    beta_project = world.ks.users[('beta', 'member')].project_id
    ids = [s['id'] for s in ok(world.req(
        ('admin', 'admin'), 'GET',
        '/servers/detail?all_tenants=1&tenant_id=%s' % beta_project))[
        'servers']]
    assert ids == [world.beta_server]


@pytest.mark.parametrize('who', ALPHA)
def test_show_update_delete_are_404(world, who):
    sid = world.beta_server
    assert world.req(who, 'GET', '/servers/%s' % sid)[0] == 404
    assert world.req(who, 'PUT', '/servers/%s' % sid,
                     {'server': {'name': 'stolen'}})[0] == 404
    assert world.req(who, 'DELETE', '/servers/%s' % sid)[0] == 404
    world.assert_beta_intact()


@pytest.mark.parametrize('action', [
    {'os-stop': None}, {'os-start': None}, {'reboot': {'type': 'HARD'}},
    {'pause': None}, {'suspend': None}, {'lock': None},
    {'shelve': None}, {'forceDelete': None}, {'restore': None},
    {'createImage': {'name': 'stolen-image'}},
    {'os-getConsoleOutput': {'length': 10}},
    {'rebuild': {'imageRef': 'IMAGE'}},
    {'resize': {'flavorRef': 'FLAVOR'}},
    {'migrate': None}, {'changePassword': {'adminPass': 'x'}},
], ids=lambda a: next(iter(a)))
def test_actions_on_another_projects_server_are_404(world, action):
    if 'rebuild' in action:
        action = {'rebuild': {'imageRef': world.image_id}}
    if 'resize' in action:
        action = {'resize': {'flavorRef': world.flavor_id}}
    for who in (('alpha', 'member'), ('alpha', 'manager')):
        code, body = world.req(who, 'POST', '/servers/%s/action'
                               % world.beta_server, action)
        assert code == 404, (who, code, body)
    world.assert_beta_intact()


def test_the_paths_tried_below_exist_for_their_owner(world):
    # So that the 404s below come from the project check, not from a
    # wrong path.
    sid = world.beta_server
    b = ('beta', 'member')
    request_id = ok(world.req(b, 'GET', '/servers/%s/os-instance-actions'
                              % sid))['instanceActions'][0]['request_id']
    for path, mv, status in (
            ('/servers/%s/metadata' % sid, None, 200),
            ('/servers/%s/metadata/owner' % sid, None, 200),
            ('/servers/%s/tags' % sid, TAGS_MV, 200),
            ('/servers/%s/tags/beta-tag' % sid, TAGS_MV, 204),
            ('/servers/%s/os-instance-actions/%s' % (sid, request_id), None,
             200),
            ('/servers/%s/ips' % sid, None, 200),
            ('/os-keypairs/%s' % world.keypair, None, 200),
            ('/os-server-groups/%s' % world.group, None, 200)):
        ok(world.req(b, 'GET', path, microversion=mv), status)


@pytest.mark.parametrize('who', ALPHA)
def test_metadata_is_404(world, who):
    base = '/servers/%s/metadata' % world.beta_server
    for method, path, body in (
            ('GET', base, None), ('GET', base + '/owner', None),
            ('POST', base, {'metadata': {'owner': 'alpha'}}),
            ('PUT', base, {'metadata': {'owner': 'alpha'}}),
            ('PUT', base + '/owner', {'meta': {'owner': 'alpha'}}),
            ('DELETE', base + '/owner', None)):
        code, resp = world.req(who, method, path, body)
        assert code == 404, (method, path, code, resp)
    world.assert_beta_intact()


@pytest.mark.parametrize('who', ALPHA)
def test_tags_are_404(world, who):
    base = '/servers/%s/tags' % world.beta_server
    for method, path, body in (
            ('GET', base, None), ('GET', base + '/beta-tag', None),
            ('PUT', base, {'tags': ['alpha']}), ('PUT', base + '/x', None),
            ('DELETE', base + '/beta-tag', None), ('DELETE', base, None)):
        code, resp = world.req(who, method, path, body, TAGS_MV)
        assert code == 404, (method, path, code, resp)
    world.assert_beta_intact()


@pytest.mark.parametrize('who', ALPHA)
def test_instance_actions_ips_and_other_subresources_are_404(world, who):
    sid = world.beta_server
    actions = ok(world.req(('beta', 'member'), 'GET',
                           '/servers/%s/os-instance-actions' % sid))
    request_id = actions['instanceActions'][0]['request_id']
    for path in ('/servers/%s/os-instance-actions' % sid,
                 '/servers/%s/os-instance-actions/%s' % (sid, request_id),
                 '/servers/%s/ips' % sid,
                 '/servers/%s/ips/private' % sid,
                 '/servers/%s/os-server-password' % sid,
                 '/servers/%s/os-interface' % sid,
                 '/servers/%s/os-security-groups' % sid):
        code, body = world.req(who, 'GET', path)
        assert code == 404, (path, code, body)
    world.assert_beta_intact()


# -- key pairs ----------------------------------------------------------------
@pytest.mark.parametrize('who', ALPHA)
def test_keypair_of_another_user_is_404(world, who):
    name = world.keypair
    assert world.req(who, 'GET', '/os-keypairs/%s' % name)[0] == 404
    assert world.req(who, 'DELETE', '/os-keypairs/%s' % name)[0] == 404
    for mv in ('2.1', '2.35'):
        names = [k['keypair']['name'] for k in ok(world.req(
            who, 'GET', '/os-keypairs', microversion=mv))['keypairs']]
        assert name not in names
    world.assert_beta_intact()


@pytest.mark.parametrize('who', ALPHA)
def test_keypairs_of_another_user_by_user_id_are_403(world, who):
    beta_user = world.ks.users[('beta', 'member')].user_id
    for method, path in (
            ('GET', '/os-keypairs?user_id=%s' % beta_user),
            ('GET', '/os-keypairs/%s?user_id=%s' % (world.keypair,
                                                    beta_user)),
            ('DELETE', '/os-keypairs/%s?user_id=%s' % (world.keypair,
                                                       beta_user))):
        code, body = world.req(who, method, path, microversion='2.10')
        assert code == 403, (method, path, code, body)
    code, body = world.req(who, 'POST', '/os-keypairs', {'keypair': {
        'name': 'planted', 'public_key': OTHER_KEY,
        'user_id': beta_user}}, '2.10')
    assert code == 403, (code, body)
    world.assert_beta_intact()


def test_same_keypair_name_in_another_user_is_its_own(world):
    alpha = ('alpha', 'member')
    mine = ok(world.req(alpha, 'POST', '/os-keypairs', {'keypair': {
        'name': world.keypair, 'public_key': OTHER_KEY}}, '2.2'), 201)
    try:
        shown = ok(world.req(alpha, 'GET', '/os-keypairs/%s'
                             % world.keypair))['keypair']
        assert shown['fingerprint'] == mine['keypair']['fingerprint']
        assert shown['fingerprint'] != world.before['keypair']
        assert shown['user_id'] == world.ks.users[alpha].user_id
    finally:
        ok(world.req(alpha, 'DELETE', '/os-keypairs/%s' % world.keypair,
                     microversion='2.2'), 204)
    world.assert_beta_intact()


def test_admin_reaches_another_users_keypair_by_user_id(world):
    beta_user = world.ks.users[('beta', 'member')].user_id
    shown = ok(world.req(('admin', 'admin'), 'GET', '/os-keypairs/%s?'
                         'user_id=%s' % (world.keypair, beta_user),
                         microversion='2.10'))['keypair']
    assert shown['fingerprint'] == world.before['keypair']


# -- server groups ------------------------------------------------------------
@pytest.mark.parametrize('who', ALPHA)
def test_server_group_of_another_project_is_404(world, who):
    group = world.group
    assert world.req(who, 'GET', '/os-server-groups/%s' % group)[0] == 404
    assert world.req(who, 'DELETE',
                     '/os-server-groups/%s' % group)[0] == 404
    for path in ('/os-server-groups', '/os-server-groups?all_projects=True'):
        ids = [g['id'] for g in ok(world.req(who, 'GET', path))[
            'server_groups']]
        assert group not in ids, path
    world.assert_beta_intact()


def test_admin_lists_every_projects_server_groups(world):
    ids = [g['id'] for g in ok(world.req(
        ('admin', 'admin'), 'GET', '/os-server-groups?all_projects=True'))[
        'server_groups']]
    assert world.group in ids


# -- private flavors ---------------------------------------------------------
@pytest.fixture(scope='module')
def beta_flavor(world):
    """A private flavor, with an extra spec, that only beta may use."""
    admin = ('admin', 'admin')
    flavor = ok(world.req(admin, 'POST', '/flavors', {'flavor': {
        'name': 'beta-only-%s' % world.sfx, 'vcpus': 1, 'ram': 128,
        'disk': 1, 'os-flavor-access:is_public': False}}))['flavor']
    ok(world.req(admin, 'POST', '/flavors/%s/action' % flavor['id'], {
        'addTenantAccess': {
            'tenant': world.ks.users[('beta', 'member')].project_id}}))
    ok(world.req(admin, 'POST', '/flavors/%s/os-extra_specs' % flavor['id'],
                 {'extra_specs': {'isolation:owner': 'beta'}}))
    return flavor['id']


def _flavor_ids(world, who, path):
    return [f['id'] for f in ok(world.req(who, 'GET', path))['flavors']]


_FLAVOR_LISTS = ('/flavors', '/flavors/detail', '/flavors?is_public=false',
                 '/flavors/detail?is_public=none')


def test_private_flavor_is_seen_by_the_project_it_is_shared_with(
        world, beta_flavor):
    b = ('beta', 'member')
    ok(world.req(b, 'GET', '/flavors/%s' % beta_flavor))
    ok(world.req(b, 'GET', '/flavors/%s/os-extra_specs' % beta_flavor))
    ok(world.req(b, 'GET', '/flavors/%s/os-extra_specs/isolation:owner'
                 % beta_flavor))
    for path in _FLAVOR_LISTS:
        assert beta_flavor in _flavor_ids(world, b, path), path


@pytest.mark.parametrize('who', ALPHA)
def test_private_flavor_of_another_project_is_404(world, beta_flavor, who):
    for path in ('/flavors/%s' % beta_flavor,
                 '/flavors/%s/os-extra_specs' % beta_flavor,
                 '/flavors/%s/os-extra_specs/isolation:owner'
                 % beta_flavor):
        code, body = world.req(who, 'GET', path)
        assert code == 404, (path, code, body)
        assert 'itemNotFound' in body, body
    for path in _FLAVOR_LISTS:
        assert beta_flavor not in _flavor_ids(world, who, path), path
    # Who may use a private flavor is for administrators only to read.
    for user in (who, ('beta', 'member')):
        code, body = world.req(user, 'GET', '/flavors/%s/os-flavor-access'
                               % beta_flavor)
        assert code == 403, (user, code, body)


def test_private_flavor_of_another_project_cannot_boot_or_resize(
        world, beta_flavor):
    alpha = ('alpha', 'member')
    code, body = world.req(alpha, 'POST', '/servers', {'server': {
        'name': 'stolen-flavor', 'flavorRef': beta_flavor,
        'imageRef': world.image_id, 'networks': 'none'}})
    assert code == 400, (code, body)
    assert body['badRequest']['message'] == 'Invalid flavorRef provided.'
    code, body = world.req(alpha, 'POST', '/servers/%s/action'
                           % world.alpha_server,
                           {'resize': {'flavorRef': beta_flavor}})
    assert code == 400, (code, body)
    assert 'badRequest' in body, body
    server = ok(world.req(alpha, 'GET', '/servers/%s'
                          % world.alpha_server))['server']
    assert server['status'] == 'ACTIVE'
    assert server['flavor']['id'] == world.flavor_id
    world.assert_beta_intact()


# -- quotas, limits, usage ------------------------------------------------------
@pytest.mark.parametrize('who', ALPHA)
def test_quotas_of_another_project_are_403(world, who):
    beta = world.ks.users[('beta', 'member')].project_id
    own = world.ks.users[who].project_id
    for path in ('/os-quota-sets/%s' % beta,
                 '/os-quota-sets/%s/detail' % beta):
        code, body = world.req(who, 'GET', path)
        assert code == 403, (path, code, body)
    code, body = world.req(who, 'PUT', '/os-quota-sets/%s' % beta,
                           {'quota_set': {'instances': 1}})
    assert code == 403, (code, body)
    assert world.req(who, 'DELETE', '/os-quota-sets/%s' % beta)[0] == 403
    quota = ok(world.req(who, 'GET', '/os-quota-sets/%s' % own))
    assert quota['quota_set']['id'] == own
    detail = ok(world.req(who, 'GET', '/os-quota-sets/%s/detail' % own))
    assert detail['quota_set']['instances']['in_use'] == 1
    world.assert_beta_intact()


@pytest.mark.parametrize('who', ALPHA)
def test_limits_count_only_the_own_project(world, who):
    absolute = ok(world.req(who, 'GET', '/limits'))['limits']['absolute']
    assert absolute['totalInstancesUsed'] == 1
    beta = world.ks.users[('beta', 'member')].project_id
    code, body = world.req(who, 'GET', '/limits?tenant_id=%s' % beta)
    assert code == 403, (code, body)


def test_admin_reads_another_projects_limits(world):
    beta = world.ks.users[('beta', 'member')].project_id
    absolute = ok(world.req(('admin', 'admin'), 'GET',
                            '/limits?tenant_id=%s' % beta))['limits'][
        'absolute']
    assert absolute['totalInstancesUsed'] == 1


@pytest.mark.parametrize('who', ALPHA)
def test_usage_of_another_project_is_403(world, who):
    beta = world.ks.users[('beta', 'member')].project_id
    own = world.ks.users[who].project_id
    code, body = world.req(who, 'GET', '/os-simple-tenant-usage/%s' % beta)
    assert code == 403, (code, body)
    usage = ok(world.req(who, 'GET', '/os-simple-tenant-usage/%s' % own))
    servers = usage['tenant_usage'].get('server_usages', [])
    assert world.beta_server not in [s['instance_id'] for s in servers]


def test_beta_is_untouched_at_the_end(world):
    world.assert_beta_intact()
    server = ok(world.req(('beta', 'member'), 'GET', '/servers/%s'
                          % world.beta_server))['server']
    assert server['status'] == 'ACTIVE'
    assert server['metadata'] == {'owner': 'beta'}
