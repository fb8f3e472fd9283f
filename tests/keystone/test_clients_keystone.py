"""The real clients with password auth against a real Keystone.

- the ``openstack`` CLI with the clouds.yaml of ks_cloud (one cloud per
  user): a member of project alpha boots, lists, shows and deletes a
  server and manages key pairs; a member of project beta does not see
  alpha's server;
- python-novaclient over a keystoneauth password session;
- openstacksdk's ``openstack.connect(cloud=...)``;
- what ``nova-local start --keystone-url`` writes and sets up: its openrc
  and clouds.yaml drive the same clients, and its Keystone set-up (service
  user, roles, endpoints in a region) is checked against Keystone itself.
"""

import json
import os
import shutil
import subprocess
import sys
import uuid

import pytest

from nova.local import clients
from nova.local import keystone as local_keystone
from nova.local import layout

pytestmark = [pytest.mark.integration, pytest.mark.timeout(900)]

ALPHA = ('alpha', 'member')
BETA = ('beta', 'member')


def _openstack_exe():
    exe = os.path.join(os.path.dirname(sys.executable), 'openstack')
    return exe if os.path.exists(exe) else shutil.which('openstack')


def _clean_env(extra=None):
    env = {k: v for k, v in os.environ.items() if not k.startswith('OS_')}
    env['PYTHONWARNINGS'] = 'ignore'
    env.update(extra or {})
    return env


def run_openstack(env, *args, parse=True, check=True):
    """``openstack <args>`` with ``env``; the parsed JSON output, or the
    CompletedProcess with ``check=False``."""
    exe = _openstack_exe()
    if exe is None:
        pytest.skip('python-openstackclient is not installed')
    argv = [exe] + list(args) + (['-f', 'json'] if parse else [])
    result = subprocess.run(argv, env=env, capture_output=True, text=True,
                            timeout=300)
    if not check:
        return result
    assert result.returncode == 0, 'openstack %s failed (%d):\n%s\n%s' % (
        ' '.join(args), result.returncode, result.stdout, result.stderr)
    if not parse:
        return result.stdout
    out = result.stdout
    starts = [i for i in (out.find('{'), out.find('[')) if i >= 0]
    return json.loads(out[min(starts):] if starts else out)


@pytest.fixture(scope='module')
def world(ks_cloud):
    """A flavor and a public image, made by the admin; Keystone's own
    endpoint in the deployment's region (as nova-local registers it), for
    the commands of the openstack CLI that want an identity client."""
    sfx = uuid.uuid4().hex[:6]
    ks = ks_cloud
    ks.keystone.identity.register_endpoints(ks.region,
                                            {'identity': ks.keystone.url})
    status, body = ks.request(ks.admin, 'POST', '/flavors', {'flavor': {
        'name': 'kc.tiny-%s' % sfx, 'vcpus': 1, 'ram': 128, 'disk': 1}})
    assert status == 200, body
    ks.flavor = body['flavor']
    ks.image_name = 'kc-image-%s' % sfx
    ks.image_id = ks.cloud.import_image(ks.image_name)
    ks.sfx = sfx
    return ks


def _cli_env(ks, cloud_name):
    return _clean_env({'OS_CLIENT_CONFIG_FILE': ks.clouds_yaml,
                       'OS_CLOUD': cloud_name})


def test_openstack_cli_as_project_members(world):
    ks = world
    alpha = _cli_env(ks, 'alpha-member')
    beta = _cli_env(ks, 'beta-member')
    name = 'kc-cli-%s' % ks.sfx
    server = run_openstack(alpha, 'server', 'create', '--flavor',
                           ks.flavor['name'], '--image', ks.image_name,
                           '--no-network', '--wait', name)
    assert server['status'] == 'ACTIVE'
    listed = run_openstack(alpha, 'server', 'list', '--name', name)
    assert [(s['ID'], s['Status'], s['Image']) for s in listed] == [
        (server['id'], 'ACTIVE', ks.image_name)]
    shown = run_openstack(alpha, 'server', 'show', server['id'])
    assert shown['id'] == server['id']
    assert shown['project_id'] == ks.user(*ALPHA).project_id
    assert shown['user_id'] == ks.user(*ALPHA).user_id

    # Project beta does not see it: not listed, and "No Server found".
    assert run_openstack(beta, 'server', 'list', '--name', name) == []
    refused = run_openstack(beta, 'server', 'show', server['id'],
                            check=False)
    assert refused.returncode != 0
    assert 'No Server found' in refused.stderr or \
        '404' in refused.stderr, refused.stderr
    refused = run_openstack(beta, 'server', 'delete', server['id'],
                            parse=False, check=False)
    assert refused.returncode != 0
    assert run_openstack(alpha, 'server', 'show', server['id'])[
        'status'] == 'ACTIVE'

    run_openstack(alpha, 'server', 'delete', '--wait', server['id'],
                  parse=False)
    assert run_openstack(alpha, 'server', 'list', '--name', name) == []


def test_openstack_cli_keypairs_belong_to_their_user(world):
    ks = world
    alpha = _cli_env(ks, 'alpha-member')
    beta = _cli_env(ks, 'beta-member')
    name = 'kc-key-%s' % ks.sfx
    created = run_openstack(alpha, 'keypair', 'create', '--type', 'ssh',
                            name, parse=False)
    assert 'PRIVATE KEY' in created
    assert name in [k['Name'] for k in run_openstack(alpha, 'keypair',
                                                     'list')]
    assert name not in [k['Name'] for k in run_openstack(beta, 'keypair',
                                                         'list')]
    assert run_openstack(beta, 'keypair', 'show', name,
                         check=False).returncode != 0
    run_openstack(alpha, 'keypair', 'delete', name, parse=False)
    assert name not in [k['Name'] for k in run_openstack(alpha, 'keypair',
                                                         'list')]


def _password_session(ks, user):
    from keystoneauth1.identity import v3
    from keystoneauth1 import session
    return session.Session(auth=v3.Password(
        auth_url=ks.keystone.url, username=user.name,
        password=user.password, project_name=user.project_name,
        user_domain_name='Default', project_domain_name='Default'))


def test_novaclient_with_a_password_session(world):
    from novaclient import client as nova_client
    ks = world
    alpha = nova_client.Client(
        '2.37', session=_password_session(ks, ks.user(*ALPHA)),
        region_name=ks.region)
    beta = nova_client.Client(
        '2.37', session=_password_session(ks, ks.user(*BETA)),
        region_name=ks.region)
    assert ks.flavor['id'] in [f.id for f in alpha.flavors.list()]
    name = 'kc-nc-%s' % ks.sfx
    server = alpha.servers.create(name, image=ks.image_id,
                                  flavor=ks.flavor['id'], nics='none')
    try:
        assert [s.id for s in alpha.servers.list(
            search_opts={'name': name})] == [server.id]
        assert beta.servers.list(search_opts={'name': name}) == []
        from novaclient import exceptions as nova_exc
        with pytest.raises(nova_exc.NotFound):
            beta.servers.get(server.id)
    finally:
        alpha.servers.delete(server.id)
    ks.cloud.wait_for('server %s to go' % server.id, lambda: not [
        s for s in alpha.servers.list(search_opts={'name': name})])


def _sdk(ks, cloud_name, monkeypatch):
    import openstack
    for key in list(os.environ):
        if key.startswith('OS_'):
            monkeypatch.delenv(key)
    monkeypatch.setenv('OS_CLIENT_CONFIG_FILE', ks.clouds_yaml)
    return openstack.connect(cloud=cloud_name)


def test_openstacksdk_servers_and_keypairs(world, monkeypatch):
    ks = world
    alpha = _sdk(ks, 'alpha-member', monkeypatch)
    beta = _sdk(ks, 'beta-member', monkeypatch)
    name = 'kc-sdk-%s' % ks.sfx
    server = alpha.compute.create_server(
        name=name, image_id=ks.image_id, flavor_id=ks.flavor['id'],
        networks='none')
    try:
        server = alpha.compute.wait_for_server(server, wait=120)
        assert server.status == 'ACTIVE'
        assert [s.id for s in alpha.compute.servers(name=name)] == [
            server.id]
        assert list(beta.compute.servers(name=name)) == []
        assert beta.compute.find_server(server.id) is None
    finally:
        alpha.compute.delete_server(server)
    alpha.compute.wait_for_delete(server, wait=120)

    key_name = 'kc-sdk-key-%s' % ks.sfx
    alpha.compute.create_keypair(name=key_name)
    try:
        assert key_name in [k.name for k in alpha.compute.keypairs()]
        assert key_name not in [k.name for k in beta.compute.keypairs()]
    finally:
        alpha.compute.delete_keypair(key_name)
    assert key_name not in [k.name for k in alpha.compute.keypairs()]


def _nova_local_settings(ks, tmp_path):
    """The deployment's settings as nova-local keeps them after it
    registered the endpoints (ks_cloud registered them)."""
    data = ks.cloud.settings.to_dict()
    data['state_dir'] = str(tmp_path)
    data['keystone'] = dict(data['keystone'], endpoints_registered=True)
    return layout.Settings.from_dict(data)


def test_nova_local_openrc_and_clouds_yaml_drive_the_clients(world,
                                                             tmp_path):
    ks = world
    settings = _nova_local_settings(ks, tmp_path)
    clients.write_client_files(settings)
    # openrc as the service user (the admin of the deployment).
    script = 'source "$0" admin && exec "$1" server list --all-projects ' \
             '--name "$2" -f json'
    name = 'kc-rc-%s' % ks.sfx
    status, body = ks.request(ALPHA, 'POST', '/servers', {'server': {
        'name': name, 'flavorRef': ks.flavor['id'],
        'imageRef': ks.image_id, 'networks': 'none'}})
    assert status == 202, body
    server_id = body['server']['id']
    try:
        result = subprocess.run(
            ['bash', '-c', script, settings.path('openrc'),
             _openstack_exe(), name], env=_clean_env(),
            capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, result.stderr
        assert [s['ID'] for s in json.loads(result.stdout)] == [server_id]
        # clouds.yaml's admin cloud finds the same through the catalog.
        listed = run_openstack(_clean_env({
            'OS_CLIENT_CONFIG_FILE': settings.path('clouds.yaml'),
            'OS_CLOUD': clients.ADMIN_CLOUD}), 'server', 'list',
            '--all-projects', '--name', name)
        assert [s['ID'] for s in listed] == [server_id]
    finally:
        ks.request(ALPHA, 'DELETE', '/servers/%s' % server_id)


@pytest.fixture
def scratch(keystone):
    """A service user name and a region of this test, removed after."""
    sfx = uuid.uuid4().hex[:8]
    made = {'user': 'nova-local-%s' % sfx, 'region': 'nova-local-%s' % sfx,
            'users': []}
    yield made
    ident = keystone.identity
    ident.remove_region(made['region'])
    for name in [made['user']] + made['users']:
        for user in ident.get('/users', 'users', name=name):
            ident.delete_user(user['id'])


def _settings(keystone, scratch, tmp_path, port=18774):
    return layout.Settings(
        state_dir=str(tmp_path), api_port=port, placement_port=port + 4,
        keystone={'auth_url': keystone.url, 'username': scratch['user'],
                  'password': 'pw-%s' % uuid.uuid4().hex[:8],
                  'project_name': 'service',
                  'region_name': scratch['region']})


def _endpoints(keystone, region):
    ident = keystone.identity
    types = {s['id']: s['type'] for s in ident.get('/services', 'services')}
    return sorted((types[e['service_id']], e['interface'], e['url'])
                  for e in ident.get('/endpoints', 'endpoints',
                                     region_id=region))


def test_nova_local_keystone_setup(keystone, scratch, tmp_path):
    """What nova-local start --keystone-admin-password does in Keystone:
    the service user with the admin and service roles, the deployment's
    endpoints in its region (moved, not duplicated, when the deployment
    moves), Keystone's own endpoint there."""
    settings = _settings(keystone, scratch, tmp_path)
    admin = {'username': 'admin', 'password': keystone.admin_password}
    said = []
    local_keystone.prepare(settings, admin=admin, demo=False, log=said.append)
    ks = settings.keystone
    assert ks['endpoints_registered'] is True
    assert 'demo_username' not in ks
    ident = local_keystone.Identity(local_keystone.password_session(
        ks['auth_url'], ks['username'], ks['password'], 'service'),
        ks['auth_url'])
    assert {'admin', 'service'} <= ident.role_names()
    # Images nova-manage imports belong to the service user's project.
    assert ks['project_id'] == ident.session.get_project_id()
    assert settings.image_owner == ks['project_id']

    def wanted(s):
        return sorted((t, i, url) for t, url in (
            ('compute', s.compute_endpoint), ('image', s.image_endpoint),
            ('placement', s.placement_endpoint),
            ('identity', keystone.url)) for i in ('admin', 'internal',
                                                  'public'))
    assert _endpoints(keystone, scratch['region']) == wanted(settings)

    # The deployment moved to other ports: same endpoints, new URLs; the
    # service user gets the password of this start.
    moved = _settings(keystone, scratch, tmp_path, port=28774)
    local_keystone.prepare(moved, admin=admin, demo=False, log=said.append)
    assert _endpoints(keystone, scratch['region']) == wanted(moved)
    keystone.token(scratch['user'], moved.keystone['password'], 'service')

    # The service user acting alone (it has the admin role) keeps things
    # as they are.
    again = _settings(keystone, scratch, tmp_path, port=28774)
    again.keystone['password'] = moved.keystone['password']
    local_keystone.prepare(again, demo=False, log=said.append)
    assert _endpoints(keystone, scratch['region']) == wanted(moved)


def test_nova_local_keystone_setup_as_a_plain_user(keystone, scratch,
                                                   tmp_path):
    """A service user without the admin role registers nothing (and is
    refused when asked to); clients then get the endpoints directly."""
    ident = keystone.identity
    project = ident.ensure_project('service', 'Service users')
    name = 'plain-%s' % uuid.uuid4().hex[:8]
    scratch['users'].append(name)
    keystone.create_user(name, 'plain-pw', project, roles=('member',))
    settings = _settings(keystone, scratch, tmp_path)
    settings.keystone.update(username=name, password='plain-pw')
    said = []
    local_keystone.prepare(settings, log=said.append)
    assert settings.keystone['endpoints_registered'] is False
    assert settings.keystone['project_id'] == project
    assert any('no "service" role' in line for line in said)
    assert _endpoints(keystone, scratch['region']) == []
    assert clients.endpoint_overrides(settings)['compute'] == \
        settings.compute_endpoint
    with pytest.raises(local_keystone.KeystoneSetupError):
        local_keystone.prepare(settings, register_endpoints=True,
                               log=said.append)
    settings.keystone['password'] = 'wrong'
    with pytest.raises(local_keystone.KeystoneSetupError) as info:
        local_keystone.prepare(settings, log=said.append)
    assert 'refused the password' in str(info.value)


@pytest.fixture
def nova_conf():
    """nova's configuration, parsed and restored after the test."""
    from oslo_config import fixture as config_fixture
    import nova.conf
    from nova import service_auth
    conf = nova.conf.CONF
    if conf._args is None:
        conf([], project='nova', default_config_files=[])
    fixture = config_fixture.Config(conf)
    fixture.setUp()
    service_auth.reset()
    yield fixture
    fixture.cleanUp()
    service_auth.reset()


def _service_user(nova_conf, username, password, project_name, auth_url):
    from keystoneauth1 import loading as ks_loading
    nova_conf.register_opts(
        ks_loading.get_auth_plugin_conf_options('password'),
        group='service_user')
    nova_conf.config(send_service_user_token=True, auth_type='password',
                     auth_url=auth_url, username=username,
                     password=password, project_name=project_name,
                     user_domain_name='Default',
                     project_domain_name='Default', group='service_user')


def test_glance_source_with_service_tokens_through_keystonemiddleware(
        world, nova_conf):
    """nova's Glance v2 client, as a compute would call the image service
    for a user, against the deployment's image endpoint behind
    keystonemiddleware (service_token_roles_required): the user's token
    plus the service user's token (role "service") is accepted; a
    "service token" of a user without that role makes the request 401."""
    from nova import context as nova_context
    from nova.image import api as image_api
    from nova.image import glance
    from nova import service_auth
    ks = world
    alpha = ks.user(*ALPHA)
    nova_conf.config(source='glance', group='image')
    nova_conf.config(endpoint_override=ks.cloud.settings.image_endpoint,
                     group='glance')
    svc = ks.cloud.settings.keystone
    _service_user(nova_conf, svc['username'], svc['password'],
                  svc.get('project_name', 'service'), ks.keystone.url)
    ctx = nova_context.RequestContext(
        user_id=alpha.user_id, project_id=alpha.project_id,
        roles=['member', 'reader'], auth_token=alpha.token())
    images = image_api.API()
    assert ks.image_id in [i['id'] for i in images.get_all(ctx)]
    assert images.get(ctx, ks.image_id)['name'] == ks.image_name

    # A member of beta is no service: its token as X-Service-Token is
    # refused by keystonemiddleware, so the whole request is.
    beta = ks.user(*BETA)
    service_auth.reset()
    _service_user(nova_conf, beta.name, beta.password, beta.project_name,
                  ks.keystone.url)
    with pytest.raises(glance.ImageServiceError) as info:
        images.get(ctx, ks.image_id)
    assert 'HTTP 401' in str(info.value)
