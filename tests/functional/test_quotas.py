"""Quotas against real daemons: a burst of parallel creates never ends
over quota, refused requests leave nothing behind, and the quota, limits
and usage APIs report what the deployment holds.

One deployment (SQLite; MariaDB too when it answers), driven only through
the REST API and placement's.
"""

import concurrent.futures
import datetime
import time
import uuid

import pytest
import requests

from tests import conftest

pytestmark = [pytest.mark.functional, pytest.mark.timeout(900)]

DB_KINDS = [
    pytest.param('sqlite', id='sqlite'),
    pytest.param('mysql', id='mysql', marks=pytest.mark.mysql),
]


@pytest.fixture(scope='module', params=DB_KINDS)
def cloud(request, tmp_path_factory, rabbit_available):
    if request.param == 'mysql':
        request.getfixturevalue('mysql_available')
    cloud, cleanup = conftest.start_cloud(
        tmp_path_factory.mktemp('quota-%s' % request.param),
        db=request.param, computes=('qc1', 'qc2'))
    try:
        cloud.flavor = cloud.create_flavor('q.small', vcpus=1, ram=128,
                                           disk=1)
        cloud.big = cloud.create_flavor('q.big', vcpus=4, ram=1024, disk=1)
        cloud.image_id = cloud.import_image('q-image')
        yield cloud
    finally:
        cleanup()


def _project_client(cloud, project):
    """A Cloud speaking as a member of ``project``."""
    client = conftest.Cloud(cloud.dep, token='user-%s:%s' % (project,
                                                             project))
    return client


def _set_quota(cloud, project, **limits):
    return cloud.request('PUT', '/os-quota-sets/%s' % project, expect=200,
                         json={'quota_set': limits}).json()['quota_set']


def _boot_body(cloud, name, flavor=None, **extra):
    server = {'name': name, 'flavorRef': (flavor or cloud.flavor)['id'],
              'imageRef': cloud.image_id, 'networks': 'none'}
    server.update(extra)
    return {'server': server}


def _burst(client, body, count):
    """``count`` concurrent POST /servers; returns the responses."""
    session_headers = dict(client.http.headers)

    def one(_):
        return requests.post(client.endpoint + '/servers', json=body,
                             headers=session_headers, timeout=120)

    with concurrent.futures.ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(one, range(count)))


def _servers(client):
    return client.get('/servers/detail')['servers']


def _placement_usage(cloud, project):
    return cloud.placement('GET', '/usages?project_id=%s' % project,
                           expect=200, version='1.9').json()['usages']


def test_burst_of_fifty_creates_never_exceeds_quota(cloud):
    project = 'burst-%s' % uuid.uuid4().hex[:6]
    client = _project_client(cloud, project)
    _set_quota(cloud, project, instances=5)
    responses = _burst(client, _boot_body(cloud, 'burst'), 50)
    codes = [r.status_code for r in responses]
    assert set(codes) <= {202, 403}, codes
    accepted = [r.json()['server']['id'] for r in responses
                if r.status_code == 202]
    assert 1 <= len(accepted) <= 5, codes
    for r in responses:
        if r.status_code == 403:
            message = r.json()['forbidden']['message']
            assert message.startswith('Quota exceeded for instances: '
                                      'Requested 1, but already used '), \
                message
            assert message.endswith('of 5 instances'), message
    # Nothing half-written: exactly the accepted servers exist and build.
    for server_id in accepted:
        client.wait_status(server_id, 'ACTIVE', timeout=120)
    listed = sorted(s['id'] for s in _servers(client))
    assert listed == sorted(accepted)
    detail = client.get('/os-quota-sets/%s/detail' % project)['quota_set']
    assert detail['instances']['in_use'] == len(accepted)
    # Placement holds allocations for the accepted servers only.
    assert _placement_usage(cloud, project).get('VCPU', 0) == len(accepted)
    absolute = client.get('/limits')['limits']['absolute']
    assert absolute['totalInstancesUsed'] == len(accepted)
    assert absolute['maxTotalInstances'] == 5
    # Full: one more is refused at once, and freeing one makes room.
    if len(accepted) == 5:
        resp = client.post('/servers', _boot_body(cloud, 'one-more'))
        assert resp.status_code == 403
        assert ('Quota exceeded for instances: Requested 1, but already '
                'used 5 of 5 instances') == resp.json()['forbidden'][
            'message']
    client.request('DELETE', '/servers/%s' % accepted[0], expect=204)
    client.wait_gone(accepted[0])
    resp = client.post('/servers', _boot_body(cloud, 'after-delete'))
    assert resp.status_code == 202, resp.text
    client.wait_status(resp.json()['server']['id'], 'ACTIVE', timeout=120)


def test_cores_and_ram_quotas(cloud):
    project = 'cores-%s' % uuid.uuid4().hex[:6]
    client = _project_client(cloud, project)
    _set_quota(cloud, project, cores=6, ram=4096)
    # q.big takes 4 cores: one fits, the second does not.
    first = client.post('/servers', _boot_body(cloud, 'big1', cloud.big))
    assert first.status_code == 202, first.text
    resp = client.post('/servers', _boot_body(cloud, 'big2', cloud.big))
    assert resp.status_code == 403
    assert resp.json()['forbidden']['message'] == (
        'Quota exceeded for cores: Requested 4, but already used 4 of 6 '
        'cores')
    # min_count..max_count: as many as fit are created.
    resp = client.post('/servers', _boot_body(
        cloud, 'small', min_count=1, max_count=5,
        return_reservation_id=True))
    assert resp.status_code == 202, resp.text
    reservation = resp.json()['reservation_id']
    made = client.get('/servers/detail', params={
        'reservation_id': reservation})['servers']
    assert len(made) == 2
    resp = client.post('/servers', _boot_body(cloud, 'small', min_count=1,
                                              max_count=2))
    assert resp.status_code == 403
    _set_quota(cloud, project, cores=-1, ram=1200, force=True)
    resp = client.post('/servers', _boot_body(cloud, 'small'))
    assert resp.status_code == 403
    assert resp.json()['forbidden']['message'] == (
        'Quota exceeded for ram: Requested 128, but already used 1280 of '
        '1200 ram')
    detail = client.get('/os-quota-sets/%s/detail' % project)['quota_set']
    assert detail['cores']['in_use'] == 6
    assert detail['ram']['in_use'] == 1280


def test_quota_set_update_delete_and_defaults(cloud):
    project = 'qs-%s' % uuid.uuid4().hex[:6]
    client = _project_client(cloud, project)
    defaults = client.get('/os-quota-sets/%s/defaults' % project)[
        'quota_set']
    assert defaults['instances'] == 10 and defaults['id'] == project
    resp = client.request('PUT', '/os-quota-sets/%s' % project,
                          json={'quota_set': {'instances': 3}})
    assert resp.status_code == 403
    updated = _set_quota(cloud, project, instances=3, key_pairs=1)
    assert updated['instances'] == 3 and 'id' not in updated
    shown = client.get('/os-quota-sets/%s' % project)['quota_set']
    assert shown['instances'] == 3 and shown['key_pairs'] == 1
    # Key pairs are counted per user.
    client.post('/os-keypairs', {'keypair': {'name': 'k1'}}, expect=201)
    resp = client.post('/os-keypairs', {'keypair': {'name': 'k2'}})
    assert resp.status_code == 403
    cloud.request('DELETE', '/os-quota-sets/%s' % project, expect=202)
    shown = client.get('/os-quota-sets/%s' % project)['quota_set']
    assert shown['instances'] == 10 and shown['key_pairs'] == 100
    # Server groups.
    _set_quota(cloud, project, server_groups=1)
    client.post('/os-server-groups', {'server_group': {
        'name': 'g1', 'policies': ['affinity']}}, expect=200)
    resp = client.post('/os-server-groups', {'server_group': {
        'name': 'g2', 'policies': ['affinity']}})
    assert resp.status_code == 403
    assert 'too many server groups' in resp.json()['forbidden']['message']
    absolute = client.get('/limits')['limits']['absolute']
    assert absolute['totalServerGroupsUsed'] == 1
    assert absolute['maxServerGroups'] == 1


def test_tenant_usage_over_a_period(cloud):
    project = 'usage-%s' % uuid.uuid4().hex[:6]
    client = _project_client(cloud, project)
    start = datetime.datetime.utcnow() - datetime.timedelta(minutes=1)
    resp = client.post('/servers', _boot_body(cloud, 'used'))
    server_id = resp.json()['server']['id']
    client.wait_status(server_id, 'ACTIVE', timeout=120)
    # MariaDB keeps whole seconds: live long enough to count some hours.
    time.sleep(2)
    client.request('DELETE', '/servers/%s' % server_id, expect=204)
    client.wait_gone(server_id)
    end = datetime.datetime.utcnow() + datetime.timedelta(minutes=1)
    params = {'start': start.isoformat(), 'end': end.isoformat()}
    usage = client.get('/os-simple-tenant-usage/%s' % project,
                       params=params)['tenant_usage']
    assert usage['tenant_id'] == project
    [server] = usage['server_usages']
    assert server['instance_id'] == server_id
    assert server['state'] == 'terminated'
    assert server['flavor'] == 'q.small'
    assert server['vcpus'] == 1 and server['memory_mb'] == 128
    assert 0 < usage['total_hours'] < 0.1
    assert usage['total_vcpus_usage'] == pytest.approx(usage['total_hours'])
    listed = cloud.get('/os-simple-tenant-usage', params=dict(
        params, detailed='1'))['tenant_usages']
    assert project in [u['tenant_id'] for u in listed]
