"""Fixtures for tests against a real Neutron (tools/neutron/setup.sh).

``neutron`` (session): the Neutron of ``NOVA_TEST_NEUTRON_URL``, as CI
starts one (``eval "$(tools/neutron/setup.sh env)"``), behind the Keystone
of the keystone suite (``NOVA_TEST_KEYSTONE_URL``). Without one the tests
skip, unless ``NOVA_TEST_REQUIRE_NEUTRON=1`` (CI) makes that a failure.

``net_cloud`` (module): a deployment with [network] backend = neutron, two
fake computes named after hosts the harness L2 agent serves
(``NEUTRON_FAKE_HOSTS``), projects "alpha" and "beta" with a member each
and an admin, and a NeutronAdmin to look at ports behind nova's back.

Neutron tells nova about ports (network-vif-plugged, ...) through the
compute endpoint of its region in the catalog, and keeps the catalog of
its token: that endpoint has one fixed address
(``NOVA_TEST_NEUTRON_NOVA_PORT``), where the deployment of the running
module listens, so modules of this suite run one after the other.
"""

import dataclasses
import os
import time
import uuid

import pytest
import requests

from tests import conftest
from tests.keystone import conftest as ks_conftest
from tests.keystone.conftest import keystone  # noqa: F401 (fixture)

identity = ks_conftest.identity


def _unavailable(reason):
    if os.environ.get('NOVA_TEST_REQUIRE_NEUTRON') == '1':
        pytest.fail('Neutron is required (NOVA_TEST_REQUIRE_NEUTRON=1) but '
                    '%s' % reason, pytrace=False)
    pytest.skip(reason)


@dataclasses.dataclass
class NeutronEnv:
    url: str
    region: str
    nova_port: int
    placement_port: int
    metadata_port: int
    fake_hosts: tuple
    fake_vif_dir: str
    metadata_secret: str


def answering_neutron_url():
    """NOVA_TEST_NEUTRON_URL once that Neutron answers; skips (fails with
    NOVA_TEST_REQUIRE_NEUTRON=1) otherwise."""
    url = os.environ.get('NOVA_TEST_NEUTRON_URL')
    if not url:
        _unavailable('no Neutron: set NOVA_TEST_NEUTRON_URL (tools/neutron/'
                     'setup.sh start; eval "$(tools/neutron/setup.sh env)")')
    try:
        requests.get(url, timeout=10)
    except requests.RequestException as exc:
        _unavailable('Neutron does not answer at %s: %s' % (url, exc))
    return url


@pytest.fixture(scope='session')
def neutron():
    url = answering_neutron_url()
    hosts = tuple(h for h in os.environ.get('NEUTRON_FAKE_HOSTS',
                                            '').split(',') if h)
    if len(hosts) < 2:
        _unavailable('NEUTRON_FAKE_HOSTS names fewer than two hosts served '
                     'by the harness L2 agent')
    return NeutronEnv(
        url=url.rstrip('/'),
        region=os.environ.get('NEUTRON_REGION', 'RegionOne'),
        nova_port=int(os.environ.get('NOVA_TEST_NEUTRON_NOVA_PORT', '18874')),
        placement_port=int(os.environ.get(
            'NOVA_TEST_NEUTRON_PLACEMENT_PORT', '18878')),
        # Where Neutron's metadata agent forwards guests' requests
        # (tools/neutron/setup.sh NEUTRON_NOVA_METADATA_PORT).
        metadata_port=int(os.environ.get(
            'NOVA_TEST_NEUTRON_METADATA_PORT', '8775')),
        fake_hosts=hosts,
        fake_vif_dir=os.environ['NEUTRON_FAKE_VIF_DIR'],
        metadata_secret=os.environ.get('NEUTRON_METADATA_SECRET', ''))


class NeutronAdmin:
    """Neutron's API as Keystone's admin (to set up networks and to see
    every project's ports)."""

    def __init__(self, url, session):
        self.url = url + '/v2.0'
        self.session = session

    def request(self, method, path, body=None, expect=None, token=None,
                **params):
        headers = {'Accept': 'application/json'}
        kwargs = {}
        if token is not None:
            headers['X-Auth-Token'] = token
            kwargs['authenticated'] = False
        resp = self.session.request(self.url + path, method, json=body,
                                    params=params or None, headers=headers,
                                    raise_exc=False, **kwargs)
        if expect is not None:
            assert resp.status_code == expect, (
                '%s %s: %s %s' % (method, path, resp.status_code, resp.text))
        return resp.json() if resp.content else None

    def ports(self, **filters):
        return self.request('GET', '/ports', expect=200, **filters)['ports']

    def network(self, project_id, name, cidr, **extra):
        """A network with one subnet in ``project_id``."""
        net = self.request('POST', '/networks', {'network': dict(
            name=name, project_id=project_id, **extra)}, expect=201)
        net = net['network']
        subnet = self.request('POST', '/subnets', {'subnet': {
            'network_id': net['id'], 'cidr': cidr, 'ip_version': 4,
            'project_id': project_id, 'name': name + '-subnet'}},
            expect=201)['subnet']
        net['subnet'] = subnet
        self._wait_dhcp_port(net['id'], project_id)
        return net

    def _wait_dhcp_port(self, network_id, project_id, timeout=90):
        """Neutron schedules a network to its DHCP agent on the first
        port, and the agent makes its own port a moment later (it counts
        in the project's port quota): have that done before a test."""
        probe = self.request('POST', '/ports', {'port': {
            'network_id': network_id, 'project_id': project_id,
            'name': 'dhcp-probe'}}, expect=201)['port']
        try:
            deadline = time.monotonic() + timeout
            while not self.ports(network_id=network_id,
                                 device_owner='network:dhcp'):
                if time.monotonic() > deadline:
                    raise AssertionError('no DHCP port on network %s'
                                         % network_id)
                time.sleep(0.5)
        finally:
            self.request('DELETE', '/ports/%s' % probe['id'], expect=204)

    def wait_port(self, port_id, predicate, timeout=60):
        deadline = time.monotonic() + timeout
        while True:
            port = self.request('GET', '/ports/%s' % port_id)
            port = port and port.get('port')
            if port is not None and predicate(port):
                return port
            if time.monotonic() > deadline:
                raise AssertionError('port %s: %s' % (port_id, port))
            time.sleep(0.5)


class NetCloud(ks_conftest.KsCloud):
    def __init__(self, cloud, keystone, users, region, tmp_dir, neutron,
                 admin):
        super().__init__(cloud, keystone, users, region, tmp_dir)
        self.neutron_env = neutron
        self.neutron = admin

    def boot(self, user, name, networks, flavor, image, expect=202,
             **extra):
        body = {'server': dict(name=name, flavorRef=flavor, imageRef=image,
                               networks=networks, **extra)}
        status, resp = self.request(user, 'POST', '/servers', body)
        assert status == expect, (status, resp)
        return resp

    def server(self, user, server_id):
        status, body = self.request(user, 'GET', '/servers/%s' % server_id)
        return body['server'] if status == 200 else None

    def wait_status(self, user, server_id, status, timeout=120):
        deadline = time.monotonic() + timeout
        while True:
            server = self.server(user, server_id)
            if server is not None and server['status'] == status:
                return server
            if server is not None and server['status'] == 'ERROR' and \
                    status != 'ERROR':
                raise AssertionError('server went to ERROR: %s' %
                                     server.get('fault'))
            if time.monotonic() > deadline:
                raise AssertionError('server %s not %s: %s' % (
                    server_id, status, server and server['status']))
            time.sleep(0.5)

    def wait_gone(self, user, server_id, timeout=120):
        deadline = time.monotonic() + timeout
        while self.server(user, server_id) is not None:
            if time.monotonic() > deadline:
                raise AssertionError('server %s not deleted' % server_id)
            time.sleep(0.5)


@pytest.fixture(scope='module')
def net_cloud(keystone, neutron, tmp_path_factory,  # noqa: F811
              rabbit_available):
    ident = keystone.identity
    suffix = uuid.uuid4().hex[:8]
    tmp_dir = tmp_path_factory.mktemp('net-cloud')
    users, project_ids = {}, []
    service_user_id = None
    cleanup = None
    # Neutron's events come to one address: one deployment at a time.
    lock = conftest.neutron_events_lock()
    try:
        users, project_ids = ks_conftest._make_users(keystone, suffix)
        service_project = ident.ensure_project('service', 'Service users')
        service_password = 'svc-%s' % uuid.uuid4().hex[:12]
        service_name = 'nova-%s' % suffix
        service_user_id = ident.create_user(
            service_name, service_password, service_project,
            roles=('admin', identity.SERVICE_ROLE))
        settings = {'auth_url': keystone.url, 'username': service_name,
                    'password': service_password,
                    'project_name': 'service', 'region_name': neutron.region}
        cloud, cleanup = conftest.start_cloud(
            tmp_dir / 'deployment', computes=neutron.fake_hosts[:2],
            keystone=settings, api_port=neutron.nova_port,
            placement_port=neutron.placement_port,
            metadata_port=neutron.metadata_port,
            neutron={'url': neutron.url,
                     'fake_vif_dir': neutron.fake_vif_dir,
                     'metadata_secret': neutron.metadata_secret,
                     # Neutron's events reach only the deployment at
                     # its fixed port; one debugging elsewhere may wait
                     # less for them.
                     'vif_plugging_timeout': int(os.environ.get(
                         'NOVA_TEST_NEUTRON_VIF_TIMEOUT', '60')),
                     'vif_plugging_is_fatal': os.environ.get(
                         'NOVA_TEST_NEUTRON_VIF_FATAL', '1') == '1'},
            extra_conf={'fake': {'fail_spawn_images': 'net-broken'}})
        s = cloud.settings
        ident.register_endpoints(neutron.region, {
            'compute': s.compute_endpoint,
            'placement': s.placement_endpoint,
            'image': s.image_endpoint})
        admin = NeutronAdmin(neutron.url, keystone.admin_session())
        yield NetCloud(cloud, keystone, users, neutron.region, tmp_dir,
                       neutron, admin)
    finally:
        try:
            if cleanup is not None:
                cleanup()
        finally:
            for user in users.values():
                ident.delete_user(user.user_id)
            if service_user_id:
                ident.delete_user(service_user_id)
            for project_id in project_ids:
                ident.delete_project(project_id)
            lock.close()


@pytest.fixture(autouse=True)
def no_leaked_ports(request):
    """After each test of a deployment with Neutron: every port Neutron
    has for a server (device_owner compute:*) of the test's projects
    belongs to a server that still exists."""
    yield
    if 'net_cloud' not in request.fixturenames:
        return
    net_cloud = request.getfixturevalue('net_cloud')
    projects = {user.project_id for user in net_cloud.users.values()}
    for project_id in projects:
        for port in net_cloud.neutron.ports(project_id=project_id):
            if not port['device_owner'].startswith('compute:'):
                continue
            status, _ = net_cloud.request(
                ('admin', 'admin'), 'GET', '/servers/%s' % port['device_id'])
            assert status == 200, (
                'port %s is left for server %s, which is gone'
                % (port['id'], port['device_id']))
