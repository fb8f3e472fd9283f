"""Fixtures shared by the functional and integration tests: a local
deployment (nova.local.deployment) started for a module, and a small REST
client for its API.

Each deployment gets a RabbitMQ virtual host of its own when this machine
can create one (root with rabbitmqctl, as on CI), so that tests running
at the same time as another deployment on the same broker do not take
each other's RPC messages. MariaDB databases get a unique name prefix and
are dropped afterwards.
"""

import os
import socket
import time
import uuid

import pytest

from nova.local import probe

RABBIT_URL = os.environ.get('NOVA_TEST_TRANSPORT_URL',
                            probe.DEFAULT_RABBIT_URL)
MYSQL_URL = os.environ.get('NOVA_TEST_MYSQL_URL', probe.DEFAULT_MYSQL_URL)
# Microversion the tests speak: networks "none" needs 2.37.
MICROVERSION = '2.37'


def free_port():
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


class Cloud:
    """A started deployment and a REST client for it."""

    def __init__(self, dep, token='admin:admin'):
        import requests
        self.dep = dep
        self.settings = dep.settings
        self.token = token
        self.http = requests.Session()
        self.http.headers.update({
            'X-Auth-Token': token,
            'OpenStack-API-Version': 'compute %s' % MICROVERSION,
            'Accept': 'application/json',
        })

    @property
    def endpoint(self):
        return self.settings.compute_endpoint

    def request(self, method, path, expect=None, **kwargs):
        url = path if path.startswith('http') else self.endpoint + path
        resp = self.http.request(method, url, timeout=60, **kwargs)
        if expect is not None:
            assert resp.status_code == expect, (
                '%s %s: %s %s' % (method, path, resp.status_code, resp.text))
        return resp

    def get(self, path, expect=200, **kwargs):
        return self.request('GET', path, expect, **kwargs).json()

    def post(self, path, body, expect=None, **kwargs):
        return self.request('POST', path, expect, json=body, **kwargs)

    def manage(self, *args):
        return self.dep.manage(*args).stdout

    def placement(self, method, path, expect=None, version='1.39',
                  **kwargs):
        """One request to the deployment's placement API."""
        url = self.settings.placement_endpoint + path
        # noauth2 placement takes "admin"; with Keystone, the Cloud's token.
        token = self.token if self.settings.keystone else 'admin'
        resp = self.http.request(method, url, timeout=60, headers={
            'X-Auth-Token': token,
            'OpenStack-API-Version': 'placement %s' % version}, **kwargs)
        if expect is not None:
            assert resp.status_code == expect, (
                '%s %s: %s %s' % (method, path, resp.status_code, resp.text))
        return resp

    # -- helpers that most tests need ----------------------------------------
    def create_flavor(self, name, vcpus=1, ram=128, disk=1):
        return self.post('/flavors', {'flavor': {
            'name': name, 'vcpus': vcpus, 'ram': ram, 'disk': disk}},
            expect=200).json()['flavor']

    def import_image(self, name, size=4096):
        path = self.settings.path('%s.img' % name)
        with open(path, 'wb') as f:
            f.write(os.urandom(size))
        return self.manage('image', 'import', path, '--name',
                           name).strip().splitlines()[-1]

    def boot(self, name, flavor_id, image_id, count=1, expect=202,
             hints=None, **extra):
        server = {'name': name, 'flavorRef': flavor_id,
                  'imageRef': image_id, 'networks': 'none'}
        if count > 1:
            server.update(min_count=count, max_count=count,
                          return_reservation_id=True)
        server.update(extra)
        body = {'server': server}
        if hints:
            body['os:scheduler_hints'] = hints
        return self.post('/servers', body, expect=expect).json()

    def server(self, server_id):
        resp = self.request('GET', '/servers/%s' % server_id)
        if resp.status_code == 404:
            return None
        assert resp.status_code == 200, resp.text
        return resp.json()['server']

    def servers_detail(self, **params):
        return self.get('/servers/detail', params=params)['servers']

    def wait_for(self, what, predicate, timeout=60, interval=0.25):
        deadline = time.monotonic() + timeout
        while True:
            value = predicate()
            if value:
                return value
            if time.monotonic() > deadline:
                raise AssertionError('timed out after %ss waiting for %s'
                                     % (timeout, what))
            time.sleep(interval)

    def wait_status(self, server_id, status, timeout=60):
        def check():
            server = self.server(server_id)
            assert server is not None, 'server %s vanished' % server_id
            if server['status'] == status:
                return server
            if server['status'] == 'ERROR' and status != 'ERROR':
                raise AssertionError('server %s went to ERROR: %s' % (
                    server_id, server.get('fault')))
            return None
        return self.wait_for('server %s to be %s' % (server_id, status),
                             check, timeout)

    def wait_gone(self, server_id, timeout=60):
        return self.wait_for('server %s to be deleted' % server_id,
                             lambda: self.server(server_id) is None,
                             timeout)


def make_settings(tmp_dir, db='sqlite', computes=('compute1', 'compute2'),
                  transport_url=RABBIT_URL, **kwargs):
    from nova.local import layout
    prefix = 'nova_t%s' % uuid.uuid4().hex[:8]
    kwargs.setdefault('report_interval', 1)
    kwargs.setdefault('service_down_time', 5)
    kwargs.setdefault('api_workers', 1)
    kwargs.setdefault('api_port', free_port())
    kwargs.setdefault('placement_port', free_port())
    kwargs.setdefault('metadata_port', free_port())
    return layout.Settings(state_dir=str(tmp_dir), db=db, db_prefix=prefix,
                           mysql_url=MYSQL_URL, transport_url=transport_url,
                           computes=computes, **kwargs)


# For deployments whose tests are not about quotas: boots far beyond the
# default limits (100 concurrent servers, a flavor no host can fit).
UNLIMITED_QUOTA = {'quota': {'instances': -1, 'cores': -1, 'ram': -1}}


def isolated_transport_url(base=RABBIT_URL):
    """(url, vhost or None): a fresh virtual host when we may make one."""
    vhost = 'nova-test-%s' % uuid.uuid4().hex[:8]
    if probe.add_rabbit_vhost(vhost):
        return base.rstrip('/') + '/' + vhost, vhost
    return base, None


@pytest.fixture(scope='session')
def rabbit_available():
    if not probe.rabbit_answers(RABBIT_URL):
        pytest.skip('RabbitMQ does not answer at %s' % RABBIT_URL)


@pytest.fixture(scope='session')
def mysql_available():
    if not probe.mysql_answers(MYSQL_URL):
        pytest.skip('MariaDB/MySQL does not answer at %s' % MYSQL_URL)


def start_cloud(tmp_dir, db='sqlite', mode='processes', **kwargs):
    """Set up and start a deployment; returns (Cloud, cleanup).

    ``keystone={'auth_url', 'username', 'password', 'project_name'}`` (a
    service user with the admin role) makes the API and placement validate
    Keystone tokens (see nova.local.layout.keystone_sections); the Cloud
    then speaks with that user's token."""
    from nova.local import deployment
    vhost = None
    if mode == deployment.MODE_PROCESSES:
        transport_url, vhost = isolated_transport_url()
        kwargs['transport_url'] = transport_url
    settings = make_settings(tmp_dir, db=db, **kwargs)
    dep = deployment.Deployment(settings, mode=mode)

    def cleanup():
        try:
            dep.stop(timeout=20)
        finally:
            try:
                dep.drop_databases()
            finally:
                if vhost:
                    probe.delete_rabbit_vhost(vhost)

    try:
        dep.setup()
        dep.start(timeout=180)
    except BaseException:
        logs = '\n'.join('--- %s\n%s' % (p.name, p.log_tail(60))
                         for p in dep.processes.values())
        cleanup()
        raise AssertionError('deployment did not start; logs:\n' + logs)
    return Cloud(dep, token=dep.admin_token()), cleanup


def mv_max():
    """The newest microversion the API serves."""
    from nova.api import microversions
    return microversions.MAX_VERSION


# Neutron posts its events to one fixed compute endpoint; the deployments
# that listen there (the neutron suite's, the libvirt network test's,
# Tempest's in tools/tempest/run.sh) take this lock first.
NEUTRON_EVENTS_LOCK = os.environ.get('NOVA_TEST_NEUTRON_EVENTS_LOCK',
                                     '/tmp/nova-neutron-events.lock')


def neutron_events_lock(blocking=True):
    """An open file holding the lock of Neutron's event port, or None when
    ``blocking`` is false and someone else holds it. Closing the file
    releases the lock."""
    import fcntl
    lock = open(NEUTRON_EVENTS_LOCK, 'a')
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | (0 if blocking else fcntl.LOCK_NB))
    except BlockingIOError:
        lock.close()
        return None
    return lock
