"""Live migration and evacuation between two fake computes, with every
service a real process (placement, conductor, scheduler, two computes,
the API) over RabbitMQ, on SQLite.

A fake live migration takes LIVE_SECONDS on both hosts, so that abort
and force complete can reach it while it runs; the image "lmfail" fails
half-way through its live migration ([fake] fail_live_migration_images).
"""

import os
import time
import uuid

import pytest

from tests import conftest

pytestmark = [pytest.mark.functional, pytest.mark.timeout(900)]

HOSTS = ('lm1', 'lm2')
LIVE_SECONDS = 6
ADMIN_VERSION = '2.59'


@pytest.fixture(scope='module')
def cloud(tmp_path_factory, rabbit_available):
    fake = {'live_migration_seconds': LIVE_SECONDS,
            'fail_live_migration_images': 'lmfail'}
    cloud, cleanup = conftest.start_cloud(
        tmp_path_factory.mktemp('live'), computes=HOSTS,
        host_conf={host: {'fake': dict(fake)} for host in HOSTS})
    try:
        cloud.flavor = cloud.create_flavor('lm.small', vcpus=1, ram=128,
                                           disk=1)
        cloud.image_id = cloud.import_image('plain')
        cloud.fail_image_id = cloud.import_image('lmfail')
        cloud.nodes = {h['hypervisor_hostname']: h['id'] for h in cloud.get(
            '/os-hypervisors', headers=_version('2.53'))['hypervisors']}
        yield cloud
    finally:
        cleanup()


def _version(version):
    return {'OpenStack-API-Version': 'compute %s' % version}


def _name(prefix):
    return '%s-%s' % (prefix, uuid.uuid4().hex[:6])


def _boot(cloud, image=None):
    server = cloud.boot(_name('lm'), cloud.flavor['id'],
                        image or cloud.image_id)['server']
    return cloud.wait_status(server['id'], 'ACTIVE', timeout=90)


def _host(server):
    return server['OS-EXT-SRV-ATTR:host']


def _other(host):
    return [h for h in HOSTS if h != host][0]


def _live_migrate(cloud, server_id, host=None, version='2.30', expect=202,
                  **extra):
    body = {'host': host, 'block_migration': 'auto'}
    body.update(extra)
    return cloud.request('POST', '/servers/%s/action' % server_id, expect,
                         json={'os-migrateLive': body},
                         headers=_version(version))


def _allocations(cloud, consumer):
    return cloud.placement('GET', '/allocations/%s' % consumer,
                           expect=200).json()['allocations']


def _migrations(cloud, server_id):
    return cloud.get('/os-migrations', params={'instance_uuid': server_id},
                     headers=_version(ADMIN_VERSION))['migrations']


def _wait_migration(cloud, server_id, statuses, timeout=90):
    def check():
        for migration in _migrations(cloud, server_id):
            if migration['status'] in statuses:
                return migration
        return None
    return cloud.wait_for('a migration of %s in %s' % (server_id, statuses),
                          check, timeout=timeout)


def _wait_settled(cloud, server_id, timeout=90):
    """The server once no task is in flight."""
    def check():
        server = cloud.server(server_id)
        if server['status'] in ('ACTIVE', 'SHUTOFF', 'ERROR') and \
                server['OS-EXT-STS:task_state'] is None:
            return server
        return None
    return cloud.wait_for('server %s to settle' % server_id, check, timeout)


def _guest_file(cloud, host, server_id):
    return cloud.settings.path('fake-virt', host, '%s.json' % server_id)


def _assert_only_on(cloud, server_id, host):
    allocations = _allocations(cloud, server_id)
    assert list(allocations) == [cloud.nodes[host]], allocations
    assert os.path.exists(_guest_file(cloud, host, server_id))
    assert not os.path.exists(_guest_file(cloud, _other(host), server_id))


def _delete(cloud, server_id):
    cloud.request('DELETE', '/servers/%s' % server_id)
    cloud.wait_gone(server_id)


def _event_names(cloud, server_id, action):
    actions = cloud.get('/servers/%s/os-instance-actions' % server_id,
                        headers=_version('2.51'))['instanceActions']
    wanted = [a for a in actions if a['action'] == action]
    assert wanted, actions
    detail = cloud.get('/servers/%s/os-instance-actions/%s' % (
        server_id, wanted[0]['request_id']),
        headers=_version('2.51'))['instanceAction']
    return {e['event']: e['result'] for e in detail.get('events', [])}


# ----------------------------------------------------------------------
# Live migration
# ----------------------------------------------------------------------
def test_live_migrate_to_requested_host(cloud):
    server = _boot(cloud)
    source = _host(server)
    dest = _other(source)
    _live_migrate(cloud, server['id'], host=dest)
    migration = _wait_migration(cloud, server['id'], ('completed', 'error'))
    assert migration['status'] == 'completed', migration
    assert migration['migration_type'] == 'live-migration'
    assert (migration['source_compute'], migration['dest_compute']) == (
        source, dest)
    server = _wait_settled(cloud, server['id'])
    assert server['status'] == 'ACTIVE'
    assert _host(server) == dest
    _assert_only_on(cloud, server['id'], dest)
    # The source's allocation was parked on the migration, then freed.
    assert _allocations(cloud, migration['uuid']) == {}
    events = _event_names(cloud, server['id'], 'live-migration')
    for name in ('conductor_live_migrate_instance',
                 'compute_check_can_live_migrate_destination',
                 'compute_pre_live_migration', 'compute_live_migration',
                 'compute_post_live_migration_at_destination'):
        assert events.get(name) == 'Success', events
    _delete(cloud, server['id'])


def test_live_migrate_to_scheduler_chosen_host(cloud):
    server = _boot(cloud)
    source = _host(server)
    # 2.68: no force any more; the scheduler picks (never the source).
    _live_migrate(cloud, server['id'], version='2.68')
    _wait_migration(cloud, server['id'], ('completed',))
    server = _wait_settled(cloud, server['id'])
    assert server['status'] == 'ACTIVE'
    assert _host(server) == _other(source)
    _assert_only_on(cloud, server['id'], _other(source))
    _delete(cloud, server['id'])


def test_forced_live_migration_claims_without_the_scheduler(cloud):
    server = _boot(cloud)
    dest = _other(_host(server))
    _live_migrate(cloud, server['id'], host=dest, force=True)
    _wait_migration(cloud, server['id'], ('completed',))
    server = _wait_settled(cloud, server['id'])
    assert _host(server) == dest
    _assert_only_on(cloud, server['id'], dest)
    _delete(cloud, server['id'])


def test_live_migrate_refusals(cloud):
    server = _boot(cloud)
    sid = server['id']
    # Unknown or same host: 400.
    resp = _live_migrate(cloud, sid, host='no-such-host', expect=400)
    assert 'no-such-host' in resp.text
    _live_migrate(cloud, sid, host=_host(server), expect=400)
    # force needs a host; it is gone at 2.68; "auto" needs 2.25;
    # disk_over_commit is gone at 2.25.
    _live_migrate(cloud, sid, force=True, expect=400)
    _live_migrate(cloud, sid, version='2.68', force=False, expect=400)
    _live_migrate(cloud, sid, version='2.24', expect=400)
    _live_migrate(cloud, sid, version='2.25', disk_over_commit=False,
                  expect=400)
    cloud.request('POST', '/servers/%s/action' % sid, 400, json={
        'os-migrateLive': {'host': None}})
    # Not ACTIVE/PAUSED: 409.
    cloud.post('/servers/%s/action' % sid, {'os-stop': None}, expect=202)
    cloud.wait_status(sid, 'SHUTOFF')
    _live_migrate(cloud, sid, expect=409)
    # Nothing was started by the refused requests.
    assert _migrations(cloud, sid) == []
    assert _host(cloud.server(sid)) == _host(server)
    # Not for a member of the server's project (a manager or an admin
    # may), and another project does not even see the server.
    body = {'os-migrateLive': {'host': None, 'block_migration': 'auto'}}
    cloud.request('POST', '/servers/%s/action' % sid, 403, json=body,
                  headers=dict(_version('2.30'),
                               **{'X-Auth-Token': 'demo:admin'}))
    cloud.request('POST', '/servers/%s/action' % sid, 404, json=body,
                  headers=dict(_version('2.30'),
                               **{'X-Auth-Token': 'demo:demo'}))
    # Unknown server: 404.
    _live_migrate(cloud, str(uuid.uuid4()), expect=404)
    _delete(cloud, sid)


def test_abort_running_live_migration(cloud):
    server = _boot(cloud)
    source = _host(server)
    _live_migrate(cloud, server['id'])
    running = _wait_migration(cloud, server['id'], ('running',))
    assert cloud.server(server['id'])['status'] == 'MIGRATING'
    cloud.request('DELETE', '/servers/%s/migrations/%s' % (
        server['id'], running['id']), 202, headers=_version('2.24'))
    migration = _wait_migration(cloud, server['id'],
                                ('cancelled', 'completed', 'error'))
    assert migration['status'] == 'cancelled', migration
    server = _wait_settled(cloud, server['id'])
    assert server['status'] == 'ACTIVE'
    assert _host(server) == source
    _assert_only_on(cloud, server['id'], source)
    assert _allocations(cloud, migration['uuid']) == {}
    # A finished migration cannot be aborted again.
    resp = cloud.request('DELETE', '/servers/%s/migrations/%s' % (
        server['id'], running['id']), headers=_version('2.24'))
    assert resp.status_code in (400, 409), resp.text
    _delete(cloud, server['id'])


def test_force_complete_running_live_migration(cloud):
    server = _boot(cloud)
    dest = _other(_host(server))
    _live_migrate(cloud, server['id'])
    running = _wait_migration(cloud, server['id'], ('running',))
    forced_at = time.monotonic()
    cloud.request('POST', '/servers/%s/migrations/%s/action' % (
        server['id'], running['id']), 202,
        json={'force_complete': None}, headers=_version('2.22'))
    _wait_migration(cloud, server['id'], ('completed',))
    assert time.monotonic() - forced_at < LIVE_SECONDS
    server = _wait_settled(cloud, server['id'])
    assert _host(server) == dest
    _assert_only_on(cloud, server['id'], dest)
    _delete(cloud, server['id'])


def test_failed_live_migration_rolls_back(cloud):
    server = _boot(cloud, image=cloud.fail_image_id)
    source = _host(server)
    _live_migrate(cloud, server['id'])
    migration = _wait_migration(cloud, server['id'], ('error',
                                                      'completed'))
    assert migration['status'] == 'error', migration
    server = _wait_settled(cloud, server['id'])
    assert server['status'] == 'ACTIVE'
    assert _host(server) == source
    _assert_only_on(cloud, server['id'], source)
    assert _allocations(cloud, migration['uuid']) == {}
    _delete(cloud, server['id'])


# ----------------------------------------------------------------------
# Evacuate
# ----------------------------------------------------------------------
def _service(cloud, host):
    services = cloud.get('/os-services', params={'host': host,
                                                 'binary': 'nova-compute'},
                         headers=_version('2.53'))['services']
    assert len(services) == 1, services
    return services[0]


def _force_down(cloud, host, down):
    service = _service(cloud, host)
    cloud.request('PUT', '/os-services/%s' % service['id'], 200,
                  json={'forced_down': down}, headers=_version('2.53'))


def _evacuate(cloud, server_id, body=None, version='2.29', expect=200):
    return cloud.request('POST', '/servers/%s/action' % server_id, expect,
                         json={'evacuate': body or {}},
                         headers=_version(version))


def test_evacuate_refused_while_the_host_is_up(cloud):
    server = _boot(cloud)
    resp = _evacuate(cloud, server['id'], expect=400)
    assert 'still in use' in resp.text
    _evacuate(cloud, server['id'], {'host': _host(server)}, expect=400)
    _evacuate(cloud, server['id'], {'host': 'no-such-host'}, expect=404)
    _evacuate(cloud, server['id'], {'force': True}, expect=400)
    # onSharedStorage is required before 2.14, gone from it.
    _evacuate(cloud, server['id'], {}, version='2.13', expect=400)
    _evacuate(cloud, server['id'], {'onSharedStorage': False},
              version='2.14', expect=400)
    assert _migrations(cloud, server['id']) == []
    _delete(cloud, server['id'])


def test_evacuate_from_a_stopped_host(cloud):
    server = _boot(cloud)
    source = _host(server)
    dest = _other(source)
    compute = 'nova-compute-' + source
    cloud.dep.stop_process(compute)
    try:
        _force_down(cloud, source, True)
        resp = _evacuate(cloud, server['id'], version='2.14')
        assert resp.text == ''
        migration = _wait_migration(cloud, server['id'], ('done', 'error',
                                                          'failed'))
        assert migration['status'] == 'done', migration
        assert migration['migration_type'] == 'evacuation'
        server = _wait_settled(cloud, server['id'])
        assert server['status'] == 'ACTIVE'
        assert _host(server) == dest
        assert list(_allocations(cloud, server['id'])) == [cloud.nodes[dest]]
        # The source keeps its copy and its allocation until it is back.
        assert os.path.exists(_guest_file(cloud, source, server['id']))
        assert list(_allocations(cloud, migration['uuid'])) == [
            cloud.nodes[source]]
        events = _event_names(cloud, server['id'], 'evacuate')
        assert events.get('compute_rebuild_instance') == 'Success', events
    finally:
        _force_down(cloud, source, False)
        cloud.dep.start_process(compute)
    _wait_migration(cloud, server['id'], ('completed',), timeout=120)
    assert not os.path.exists(_guest_file(cloud, source, server['id']))
    assert os.path.exists(_guest_file(cloud, dest, server['id']))
    assert _allocations(cloud, migration['uuid']) == {}
    assert _host(cloud.server(server['id'])) == dest
    _delete(cloud, server['id'])
