"""nova-metadata-api against real daemons: the deployment starts it as a
process of its own (no database in its configuration), or as a thread of
the one-process mode, and requests
signed as Neutron's metadata proxy signs them get the asking server's
OpenStack and EC2 metadata, read through the conductor. The password a
guest posts there is what ``GET /servers/{id}/os-server-password`` of
nova-api shows; another server's id, or a bad signature, gets nothing.
"""

import configparser
import hashlib
import hmac
import uuid

import pytest
import requests

from nova.local import deployment
from tests import conftest

pytestmark = [pytest.mark.functional, pytest.mark.timeout(900)]

SECRET = 'metadata-functional-secret'
KEY = ('ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKU9Uyj9803kYGzrXwvWVorFh+BW8tRs3'
       'GFtwWnBWDWj md@test')
USER_DATA = b'#cloud-config\nruncmd: [echo hello]\n'


@pytest.fixture(scope='module', params=[deployment.MODE_PROCESSES,
                                        deployment.MODE_INPROCESS])
def cloud(request, tmp_path_factory, rabbit_available):
    cloud, cleanup = conftest.start_cloud(
        tmp_path_factory.mktemp('metadata'), computes=('mdc1',),
        mode=request.param,
        extra_conf={'neutron': {'service_metadata_proxy': True,
                                'metadata_proxy_shared_secret': SECRET}})
    try:
        cloud.flavor = cloud.create_flavor('md.tiny')
        cloud.image_id = cloud.import_image('md-image')
        yield cloud
    finally:
        cleanup()


class Guest:
    """Requests to the metadata service as Neutron's proxy forwards a
    server's: its id signed with the shared secret, its project."""

    def __init__(self, cloud, server_id, project_id, address='10.0.0.5'):
        self.url = cloud.settings.metadata_endpoint
        self.server_id = server_id
        self.project_id = project_id
        self.address = address

    def headers(self, **override):
        headers = {
            'X-Instance-ID': self.server_id,
            'X-Instance-ID-Signature': hmac.new(
                SECRET.encode(), self.server_id.encode(),
                hashlib.sha256).hexdigest(),
            'X-Tenant-ID': self.project_id,
            'X-Forwarded-For': self.address}
        headers.update(override)
        return headers

    def request(self, method, path, data=None, **override):
        return requests.request(method, self.url + path, data=data,
                                headers=self.headers(**override), timeout=30)

    def get(self, path, **override):
        return self.request('GET', path, **override)


def _boot(client, cloud, name, **extra):
    server = client.boot(name, cloud.flavor['id'], cloud.image_id,
                         **extra)['server']
    cloud.wait_status(server['id'], 'ACTIVE', timeout=120)
    return cloud.server(server['id'])


@pytest.fixture(scope='module')
def servers(cloud):
    """Server A (project alpha: user data, a key pair, metadata) and
    server B (project beta)."""
    import base64
    alpha = conftest.Cloud(cloud.dep, token='alice:alpha')
    beta = conftest.Cloud(cloud.dep, token='bob:beta')
    key_name = 'md-key-%s' % uuid.uuid4().hex[:6]
    alpha.post('/os-keypairs', {'keypair': {'name': key_name,
                                            'public_key': KEY}}, expect=201)
    a = _boot(alpha, cloud, 'md-a', key_name=key_name,
              user_data=base64.b64encode(USER_DATA).decode(),
              metadata={'role': 'web', 'tier': 'front'})
    b = _boot(beta, cloud, 'md-b', metadata={'role': 'db'})
    assert (a['tenant_id'], b['tenant_id']) == ('alpha', 'beta')
    return {'a': a, 'b': b, 'key_name': key_name, 'alpha': alpha}


def _log_of_metadata(cloud):
    processes = cloud.dep.processes
    return (processes.get('nova-metadata-api') or
            processes['nova-all-in-one']).log_tail(400)


def test_the_metadata_process_has_no_database(cloud):
    if cloud.dep.mode == deployment.MODE_INPROCESS:
        pytest.skip('one process for every service')
    conf = configparser.ConfigParser()
    conf.read(cloud.settings.conf_path('nova-metadata-api'))
    assert conf['metadata_api']['bind_port'] == str(
        cloud.settings.metadata_port)
    assert not conf.has_section('database')
    assert not conf.has_section('api_database')
    assert cloud.dep.processes['nova-metadata-api'].alive()


def test_the_root_lists_the_ec2_versions(cloud):
    resp = requests.get(cloud.settings.metadata_endpoint + '/', timeout=30)
    assert resp.status_code == 200
    assert resp.text.split('\n')[-1] == 'latest'
    assert resp.text.split('\n')[0] == '1.0'


def test_a_server_reads_its_openstack_metadata(cloud, servers):
    a = servers['a']
    guest = Guest(cloud, a['id'], 'alpha')
    listing = guest.get('/openstack/latest/')
    assert listing.status_code == 200, listing.text
    assert listing.text.split('\n')[:3] == ['meta_data.json', 'user_data',
                                            'password']
    resp = guest.get('/openstack/latest/meta_data.json')
    assert resp.status_code == 200
    assert resp.headers['Content-Type'].startswith('application/json')
    data = resp.json()
    assert data['uuid'] == a['id']
    assert data['name'] == 'md-a'
    assert data['meta'] == {'role': 'web', 'tier': 'front'}
    assert data['public_keys'] == {servers['key_name']: KEY}
    assert data['keys'] == [{'name': servers['key_name'], 'type': 'ssh',
                             'data': KEY}]
    assert data['hostname'] == 'md-a.novalocal'
    assert data['project_id'] == 'alpha'
    assert data['availability_zone'] == a['OS-EXT-AZ:availability_zone']
    resp = guest.get('/openstack/latest/user_data')
    assert (resp.status_code, resp.content) == (200, USER_DATA)
    resp = guest.get('/openstack/latest/network_data.json')
    assert (resp.status_code, resp.json()) == (200, {})


def test_a_server_reads_its_ec2_metadata(cloud, servers):
    a = servers['a']
    guest = Guest(cloud, a['id'], 'alpha')
    database_id = int(a['OS-EXT-SRV-ATTR:instance_name'].split('-')[-1], 16)
    resp = guest.get('/latest/meta-data/instance-id')
    assert (resp.status_code, resp.text) == (200, 'i-%08x' % database_id)
    assert guest.get('/latest/meta-data/public-keys/').text == \
        '0=%s' % servers['key_name']
    assert guest.get('/latest/meta-data/public-keys/0/').text == \
        'openssh-key'
    assert guest.get('/latest/meta-data/public-keys/0/openssh-key').text \
        == KEY
    assert guest.get('/latest/meta-data/local-ipv4').text == '10.0.0.5'
    assert guest.get('/latest/meta-data/hostname').text == 'md-a.novalocal'
    assert guest.get('/latest/user-data').content == USER_DATA
    assert guest.get('/latest/meta-data/nothing').status_code == 404


def test_the_posted_password_reaches_the_compute_api(cloud, servers):
    a, alpha = servers['a'], servers['alpha']
    guest = Guest(cloud, a['id'], 'alpha')
    path = '/openstack/latest/password'
    assert guest.get(path).content == b''
    assert alpha.get('/servers/%s/os-server-password' % a['id']) == {
        'password': ''}
    encrypted = 'ZW5jcnlwdGVkIHBhc3N3b3Jk' * 20
    resp = guest.request('POST', path, data=encrypted)
    assert resp.status_code == 200, resp.text
    assert alpha.get('/servers/%s/os-server-password' % a['id']) == {
        'password': encrypted}
    assert guest.get(path).text == encrypted
    # Once: the owner clears it before the guest may post another.
    assert guest.request('POST', path, data='again').status_code == 409
    alpha.request('DELETE', '/servers/%s/os-server-password' % a['id'],
                  expect=204)
    assert guest.request('POST', path, data='again').status_code == 200
    assert alpha.get('/servers/%s/os-server-password' % a['id']) == {
        'password': 'again'}
    too_long = guest.request('POST', path, data='x' * 1021)
    assert too_long.status_code == 409    # one is set: that comes first


def test_a_bad_signature_is_refused(cloud, servers):
    guest = Guest(cloud, servers['a']['id'], 'alpha')
    resp = guest.get('/openstack/latest/meta_data.json',
                     **{'X-Instance-ID-Signature': 'f' * 64})
    assert resp.status_code == 403
    assert 'Invalid proxy request signature.' in resp.text
    resp = requests.get(guest.url + '/openstack/latest/meta_data.json',
                        timeout=30)
    assert resp.status_code == 400


def test_a_server_never_gets_anothers_metadata(cloud, servers):
    a, b = servers['a'], servers['b']
    guest_a = Guest(cloud, a['id'], 'alpha')
    guest_b = Guest(cloud, b['id'], 'beta')
    assert guest_b.get('/openstack/latest/meta_data.json').json()[
        'meta'] == {'role': 'db'}
    assert guest_b.get('/openstack/latest/user_data').status_code == 404
    # B's id, properly signed, asked in A's project: refused.
    resp = Guest(cloud, b['id'], 'alpha').get(
        '/openstack/latest/meta_data.json')
    assert resp.status_code == 404
    # A's signature does not pass for B's id.
    resp = guest_b.get('/openstack/latest/meta_data.json',
                       **{'X-Instance-ID-Signature':
                          guest_a.headers()['X-Instance-ID-Signature']})
    assert resp.status_code == 403
    assert guest_a.get('/openstack/latest/meta_data.json').json()[
        'uuid'] == a['id']
    # An unknown server.
    resp = Guest(cloud, str(uuid.uuid4()), 'alpha').get(
        '/openstack/latest/meta_data.json')
    assert resp.status_code == 404


def test_the_metadata_service_logs_who_asked_what(cloud, servers):
    a = servers['a']
    Guest(cloud, a['id'], 'alpha').get('/latest/meta-data/hostname')
    log = _log_of_metadata(cloud)
    assert ('GET /latest/meta-data/hostname of instance %s (from 10.0.0.5)'
            ': 200' % a['id']) in log
