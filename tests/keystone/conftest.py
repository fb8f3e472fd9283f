"""Fixtures for tests against a real Keystone.

``keystone`` (session): the Keystone of ``NOVA_TEST_KEYSTONE_URL`` (admin
password ``NOVA_TEST_KEYSTONE_ADMIN_PASSWORD``), as CI starts one with
tools/keystone/setup.sh; without it, one started for the session from
tools/keystone/ when its virtualenv is installed
(``tools/keystone/setup.sh install``); otherwise the tests skip, unless
``NOVA_TEST_REQUIRE_KEYSTONE=1`` (CI) turns that into a failure.

``ks_cloud`` (module): a deployment (two fake computes fk1 and fk2) whose
API and placement validate that Keystone's tokens, two projects "alpha"
and "beta" with a reader, a member and a manager each, an admin, the
deployment's endpoints in a region of its own in the catalog, a
clouds.yaml and OS_* environments for the clients.

Keystone is shared by every test process of a run, so the names of the
projects, users and regions made here carry a random suffix, and what a
module made is deleted when it ends.
"""

import dataclasses
import importlib.util
import json
import os
import subprocess
import uuid

import pytest

from tests import conftest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
TOOLS = os.path.join(REPO, 'tools', 'keystone')
PROJECT_KEYS = ('alpha', 'beta')
PERSONAS = ('reader', 'member', 'manager')
ADMIN = ('admin', 'admin')
# Roles granted per persona; Keystone's implied roles add the rest
# (manager > member > reader).
ROLES = {'reader': ('reader',), 'member': ('member',),
         'manager': ('manager',), 'admin': ('admin',)}


def _load_identity():
    spec = importlib.util.spec_from_file_location(
        'nova_tools_keystone_identity', os.path.join(TOOLS, 'identity.py'))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


identity = _load_identity()


def _unavailable(reason):
    if os.environ.get('NOVA_TEST_REQUIRE_KEYSTONE') == '1':
        pytest.fail('Keystone is required (NOVA_TEST_REQUIRE_KEYSTONE=1) '
                    'but %s' % reason, pytrace=False)
    pytest.skip(reason)


class Keystone:
    """A running Keystone and its admin."""

    def __init__(self, url, admin_password):
        self.url = url.rstrip('/')
        self.admin_password = admin_password
        self.identity = identity.Identity(self.url, admin_password)

    def admin_session(self):
        """keystoneauth Session of user "admin" in project "admin"."""
        return self.identity.session

    def create_project(self, name, description=''):
        return self.identity.create_project(name, description)

    def create_user(self, name, password, project_id, roles=('member',)):
        return self.identity.create_user(name, password, project_id, roles)

    def token(self, username, password, project_name):
        return self.identity.token(username, password, project_name)

    def answers(self):
        import requests
        try:
            return requests.get(self.url, timeout=10).status_code == 200
        except requests.RequestException:
            return False


def _start_local_keystone(state_dir):
    """Start a Keystone from tools/keystone for this session; returns
    (url, admin password, stop) or None when it is not installed."""
    venv = os.environ.get('KEYSTONE_VENV',
                          os.path.join(REPO, '.keystone-venv'))
    if not os.path.exists(os.path.join(venv, 'bin', 'keystone-manage')):
        return None
    password = 'test-admin-%s' % uuid.uuid4().hex[:8]
    env = dict(os.environ, KEYSTONE_VENV=venv,
               KEYSTONE_STATE_DIR=str(state_dir),
               KEYSTONE_PORT=str(conftest.free_port()),
               KEYSTONE_ADMIN_PASSWORD=password)
    script = os.path.join(TOOLS, 'setup.sh')
    proc = subprocess.run(['bash', script, 'start', '--fresh'], env=env,
                          capture_output=True, text=True, timeout=600)
    if proc.returncode != 0:
        raise RuntimeError('tools/keystone/setup.sh start failed:\n%s%s'
                           % (proc.stdout, proc.stderr[-4000:]))
    with open(os.path.join(str(state_dir), 'keystone.json')) as f:
        info = json.load(f)

    def stop():
        subprocess.run(['bash', script, 'stop'], env=env,
                       capture_output=True, timeout=120)
    return info['url'], info['admin_password'], stop


@pytest.fixture(scope='session')
def keystone(tmp_path_factory):
    url = os.environ.get('NOVA_TEST_KEYSTONE_URL')
    stop = None
    if url:
        password = os.environ.get('NOVA_TEST_KEYSTONE_ADMIN_PASSWORD',
                                  'keystone-admin')
    else:
        started = _start_local_keystone(tmp_path_factory.mktemp('keystone'))
        if started is None:
            _unavailable('no Keystone: set NOVA_TEST_KEYSTONE_URL and '
                         'NOVA_TEST_KEYSTONE_ADMIN_PASSWORD, or run '
                         'tools/keystone/setup.sh install')
        url, password, stop = started
    ks = Keystone(url, password)
    try:
        if not ks.answers():
            _unavailable('Keystone does not answer at %s' % url)
        ks.identity.ensure_roles()
        yield ks
    finally:
        if stop is not None:
            stop()


@dataclasses.dataclass
class User:
    key: tuple
    name: str
    password: str
    project_name: str
    project_id: str
    user_id: str
    roles: tuple
    auth_url: str
    _token: str = None

    def token(self, fresh=False):
        """A project-scoped token of this user (one per module unless
        ``fresh``)."""
        if fresh or self._token is None:
            self._token = identity.token(self.auth_url, self.name,
                                         self.password, self.project_name)
        return self._token


class KsCloud:
    """A deployment behind Keystone, its users and client settings."""

    def __init__(self, cloud, keystone, users, region, tmp_dir):
        self.cloud = cloud
        self.keystone = keystone
        self.users = users
        self.region = region
        self.clouds_yaml = os.path.join(str(tmp_dir), 'clouds.yaml')
        self._write_clouds_yaml()

    @property
    def admin(self):
        return self.users[ADMIN]

    def user(self, project_key, persona):
        return self.users[(project_key, persona)]

    @staticmethod
    def cloud_name(user):
        return 'admin' if user.key == ADMIN else '%s-%s' % user.key

    def _auth(self, user):
        return {'auth_url': self.keystone.url, 'username': user.name,
                'password': user.password, 'project_name': user.project_name,
                'user_domain_name': 'Default',
                'project_domain_name': 'Default'}

    def _write_clouds_yaml(self):
        # JSON is YAML: no YAML writer needed.
        clouds = {self.cloud_name(user): {
            'auth_type': 'password', 'auth': self._auth(user),
            'region_name': self.region, 'identity_api_version': 3,
            'interface': 'public'} for user in self.users.values()}
        with open(self.clouds_yaml, 'w') as f:
            json.dump({'clouds': clouds}, f, indent=2, sort_keys=True)

    def env(self, user):
        """OS_* variables of password auth as ``user``."""
        return {
            'OS_AUTH_TYPE': 'password',
            'OS_AUTH_URL': self.keystone.url,
            'OS_IDENTITY_API_VERSION': '3',
            'OS_USERNAME': user.name,
            'OS_PASSWORD': user.password,
            'OS_PROJECT_NAME': user.project_name,
            'OS_USER_DOMAIN_NAME': 'Default',
            'OS_PROJECT_DOMAIN_NAME': 'Default',
            'OS_REGION_NAME': self.region,
            'OS_INTERFACE': 'public',
        }

    def request(self, user, method, path, body=None, microversion=None,
                token=None, headers=None):
        """One compute API request as ``user`` (a User, or a users key);
        (status, parsed JSON body or text or None)."""
        if isinstance(user, tuple):
            user = self.users[user]
        if token is None:
            token = user.token()
        hdrs = {'X-Auth-Token': token, 'Accept': 'application/json',
                'OpenStack-API-Version': 'compute %s' % (
                    microversion or conftest.MICROVERSION)}
        hdrs.update(headers or {})
        url = path if path.startswith('http') else (
            self.cloud.endpoint + path)
        resp = self.cloud.http.request(
            method, url, json=body, headers=hdrs, timeout=60)
        if not resp.content:
            return resp.status_code, None
        try:
            return resp.status_code, resp.json()
        except ValueError:
            return resp.status_code, resp.text


def _make_users(keystone, suffix):
    ident = keystone.identity
    users = {}
    projects = {}
    for key in PROJECT_KEYS + ('admin',):
        name = '%s-%s' % (key, suffix)
        projects[key] = (name, ident.create_project(
            name, 'nova tests (%s)' % key))
    for key in PROJECT_KEYS:
        for persona in PERSONAS:
            users[(key, persona)] = (key, persona)
    users[ADMIN] = ADMIN
    made = {}
    for (key, persona) in users:
        project_name, project_id = projects[key]
        name = '%s-%s-%s' % (key, persona, suffix)
        password = 'pw-%s' % uuid.uuid4().hex[:12]
        user_id = ident.create_user(name, password, project_id,
                                    ROLES[persona])
        made[(key, persona)] = User(
            key=(key, persona), name=name, password=password,
            project_name=project_name, project_id=project_id,
            user_id=user_id, roles=ROLES[persona], auth_url=keystone.url)
    return made, [pid for _, pid in projects.values()]


@pytest.fixture(scope='module')
def ks_cloud(keystone, tmp_path_factory, rabbit_available):
    ident = keystone.identity
    suffix = uuid.uuid4().hex[:8]
    tmp_dir = tmp_path_factory.mktemp('ks-cloud')
    region = 'nova-test-%s' % suffix
    users, project_ids = {}, []
    service_user_id = None
    cleanup = None
    try:
        users, project_ids = _make_users(keystone, suffix)
        service_project = ident.ensure_project('service', 'Service users')
        service_password = 'svc-%s' % uuid.uuid4().hex[:12]
        service_name = 'nova-%s' % suffix
        service_user_id = ident.create_user(
            service_name, service_password, service_project,
            roles=('admin', identity.SERVICE_ROLE))
        settings = {'auth_url': keystone.url, 'username': service_name,
                    'password': service_password,
                    'project_name': 'service', 'region_name': region}
        cloud, cleanup = conftest.start_cloud(
            tmp_dir / 'deployment', computes=('fk1', 'fk2'),
            keystone=settings)
        # The noauth2 admin token must not get in: tokens are Keystone's.
        status, _ = cloud.dep.api_request('GET', '/servers',
                                          token='admin:admin')
        assert status == 401, 'the API takes noauth2 tokens (%s)' % status
        s = cloud.settings
        ident.register_endpoints(region, {
            'compute': s.compute_endpoint,
            'placement': s.placement_endpoint,
            'image': s.image_endpoint})
        yield KsCloud(cloud, keystone, users, region, tmp_dir)
    finally:
        try:
            if cleanup is not None:
                cleanup()
        finally:
            ident.remove_region(region)
            for user in users.values():
                ident.delete_user(user.user_id)
            if service_user_id:
                ident.delete_user(service_user_id)
            for project_id in project_ids:
                ident.delete_project(project_id)
