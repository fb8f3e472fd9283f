"""Moves of servers in an anti-affinity group, with every service a real
process (placement, conductor, scheduler, five fake computes, the API)
over RabbitMQ, on SQLite.

A resize moves a server's copy between two hosts and back (revert) or
leaves it on the destination (confirm); later moves of the group's
members must see each member on the one host it is on now.
"""

import uuid

import pytest

from tests import conftest

pytestmark = [pytest.mark.functional, pytest.mark.timeout(900)]

HOSTS = ('ga1', 'ga2', 'ga3', 'ga4', 'ga5')
ADMIN = {'OpenStack-API-Version': 'compute 2.30'}


@pytest.fixture(scope='module')
def cloud(tmp_path_factory, rabbit_available):
    cloud, cleanup = conftest.start_cloud(
        tmp_path_factory.mktemp('groupmoves'), computes=HOSTS,
        extra_conf={**conftest.UNLIMITED_QUOTA,
                    'filter_scheduler': {'enabled_filters': ','.join((
                        'ComputeFilter', 'AvailabilityZoneFilter',
                        'ComputeCapabilitiesFilter', 'ImagePropertiesFilter',
                        'ServerGroupAntiAffinityFilter',
                        'ServerGroupAffinityFilter'))}})
    try:
        cloud.small = cloud.create_flavor('ga.small', vcpus=1, ram=128,
                                          disk=1)
        cloud.big = cloud.create_flavor('ga.big', vcpus=2, ram=256, disk=2)
        cloud.image_id = cloud.import_image('plain')
        yield cloud
    finally:
        cleanup()


def _name(prefix):
    return '%s-%s' % (prefix, uuid.uuid4().hex[:6])


def _host(server):
    return server['OS-EXT-SRV-ATTR:host']


def _action(cloud, server_id, body, expect=202, headers=None):
    return cloud.post('/servers/%s/action' % server_id, body, expect=expect,
                      headers=headers)


def _hosts(cloud, ids):
    return {sid: _host(cloud.server(sid)) for sid in ids}


def _wait_moved(cloud, server_id, status, source):
    """Wait for the move to end in ``status`` off ``source``; a move the
    scheduler refuses leaves the server where it was, with the reason in
    the action's events."""
    def check():
        server = cloud.server(server_id)
        if server['OS-EXT-STS:task_state'] is not None:
            return None
        if server['status'] == status and _host(server) != source:
            return server
        actions = cloud.get('/servers/%s/os-instance-actions' % server_id)[
            'instanceActions']
        latest = cloud.get('/servers/%s/os-instance-actions/%s' % (
            server_id, actions[0]['request_id']),
            headers={'OpenStack-API-Version': 'compute 2.51'})[
            'instanceAction']
        if any(e['result'] == 'Error' for e in latest['events']):
            pytest.fail('the move failed: %s %s' % (
                server.get('fault'), latest['events']))
        return None
    return cloud.wait_for('server %s to move' % server_id, check,
                          timeout=90)


def _resize(cloud, server_id, flavor):
    _action(cloud, server_id, {'resize': {'flavorRef': flavor['id']}})
    return cloud.wait_status(server_id, 'VERIFY_RESIZE', timeout=90)


def test_anti_affinity_members_move_after_resize_confirm_and_revert(cloud):
    group = cloud.post('/os-server-groups', {'server_group': {
        'name': _name('anti'), 'policies': ['anti-affinity']}},
        expect=200).json()['server_group']
    ids = []
    for _ in range(3):
        server = cloud.boot(_name('ga'), cloud.small['id'], cloud.image_id,
                            hints={'group': group['id']})['server']
        ids.append(cloud.wait_status(server['id'], 'ACTIVE',
                                     timeout=90)['id'])
    confirmed, reverted, mover = ids
    hosts = _hosts(cloud, ids)
    assert len(set(hosts.values())) == 3, hosts

    # One member resized and confirmed: it now lives on its destination.
    server = _resize(cloud, confirmed, cloud.big)
    assert _host(server) not in set(hosts.values()), server
    _action(cloud, confirmed, {'confirmResize': None}, expect=204)
    cloud.wait_status(confirmed, 'ACTIVE', timeout=60)

    # Another resized and reverted: it is back on its first host.
    before = hosts[reverted]
    server = _resize(cloud, reverted, cloud.big)
    assert _host(server) != before
    _action(cloud, reverted, {'revertResize': None})
    server = cloud.wait_status(reverted, 'ACTIVE', timeout=60)
    assert _host(server) == before

    # A cold migration of the third member has two free hosts left.
    hosts = _hosts(cloud, ids)
    assert len(set(hosts.values())) == 3, hosts
    _action(cloud, mover, {'migrate': None})
    server = _wait_moved(cloud, mover, 'VERIFY_RESIZE', hosts[mover])
    others = {hosts[confirmed], hosts[reverted]}
    assert _host(server) not in others | {hosts[mover]}, (server, hosts)
    _action(cloud, mover, {'confirmResize': None}, expect=204)
    cloud.wait_status(mover, 'ACTIVE', timeout=60)

    # And so does a live migration of a member that was resized.
    hosts = _hosts(cloud, ids)
    assert len(set(hosts.values())) == 3, hosts
    _action(cloud, reverted, {'os-migrateLive': {
        'host': None, 'block_migration': 'auto'}}, headers=ADMIN)
    server = _wait_moved(cloud, reverted, 'ACTIVE', hosts[reverted])
    after = _hosts(cloud, ids)
    assert len(set(after.values())) == 3, after
    assert after[reverted] not in {hosts[confirmed], hosts[mover],
                                   hosts[reverted]}, (hosts, after)

    for sid in ids:
        cloud.request('DELETE', '/servers/%s' % sid)
    for sid in ids:
        cloud.wait_gone(sid)


def _log_from(cloud, name, offset):
    with open(cloud.dep.processes[name].log_path) as log:
        log.seek(offset)
        return log.read()


def _log_size(cloud, name):
    with open(cloud.dep.processes[name].log_path) as log:
        return log.seek(0, 2)


def _version(version):
    return {'OpenStack-API-Version': 'compute %s' % version}


def _settled(cloud, server_id):
    return cloud.wait_for('server %s to settle' % server_id, lambda: (
        lambda s: s if s['OS-EXT-STS:task_state'] is None else None)(
            cloud.server(server_id)), timeout=60)


def _failed_migration(cloud, server_id, kind):
    def check():
        migrations = [m for m in cloud.get(
            '/os-migrations', params={'instance_uuid': server_id},
            headers=_version('2.80'))['migrations']
            if m['migration_type'] == kind]
        return migrations and migrations[0]['status'] in (
            'error', 'failed') and migrations[0]
    return cloud.wait_for('the %s to fail' % kind, check, timeout=60)


PREFIX = 'No valid host was found.'


def test_no_valid_host_says_so_once_and_logs_no_traceback(cloud):
    """Moves of a member onto the host of another member of its
    anti-affinity group, and a build no host has room for."""
    group = cloud.post('/os-server-groups', {'server_group': {
        'name': _name('nvh'), 'policies': ['anti-affinity']}},
        expect=200).json()['server_group']
    ids = []
    for _ in range(2):
        server = cloud.boot(_name('nvh'), cloud.small['id'], cloud.image_id,
                            hints={'group': group['id']})['server']
        ids.append(cloud.wait_status(server['id'], 'ACTIVE',
                                     timeout=90)['id'])
    mover, other = ids
    hosts = _hosts(cloud, ids)
    marks = {name: _log_size(cloud, name)
             for name in ('nova-scheduler', 'nova-conductor')}

    # Cold migration (a call through the conductor): the API answers 400.
    resp = cloud.request('POST', '/servers/%s/action' % mover, 400,
                         json={'migrate': {'host': hosts[other]}},
                         headers=_version('2.56'))
    message = resp.json()['badRequest']['message']
    assert message.startswith(PREFIX) and message.count(PREFIX) == 1, \
        message
    assert 'ServerGroupAntiAffinityFilter removed 1 of 1' in message, \
        message

    # Live migration (a cast): the move fails in the conductor.
    cloud.request('POST', '/servers/%s/action' % mover, 202, json={
        'os-migrateLive': {'host': hosts[other], 'block_migration': 'auto'}},
        headers=_version('2.30'))
    _failed_migration(cloud, mover, 'live-migration')
    server = _settled(cloud, mover)
    assert server['status'] == 'ACTIVE' and _host(server) == hosts[mover]

    # A build no host has room for: the fault says it once too.
    huge = cloud.create_flavor(_name('huge'), vcpus=1, ram=10 ** 8, disk=1)
    server = cloud.boot(_name('nvh'), huge['id'], cloud.image_id)['server']
    fault = cloud.wait_status(server['id'], 'ERROR', timeout=60)['fault']
    assert fault['message'].count(PREFIX) == 1, fault

    # Evacuation (a cast) of a member whose host is down, onto the host
    # of the other member.
    compute = 'nova-compute-' + hosts[mover]
    service = cloud.get('/os-services', params={
        'host': hosts[mover], 'binary': 'nova-compute'},
        headers=_version('2.53'))['services'][0]
    cloud.dep.stop_process(compute)
    cloud.request('PUT', '/os-services/%s' % service['id'], 200,
                  json={'forced_down': True}, headers=_version('2.53'))
    try:
        cloud.request('POST', '/servers/%s/action' % mover, 200, json={
            'evacuate': {'host': hosts[other]}}, headers=_version('2.29'))
        _failed_migration(cloud, mover, 'evacuation')
        _settled(cloud, mover)
    finally:
        cloud.request('PUT', '/os-services/%s' % service['id'], 200,
                      json={'forced_down': False}, headers=_version('2.53'))
        cloud.dep.start_process(compute)

    # Each outcome is one line in each log, without a traceback.
    scheduler = _log_from(cloud, 'nova-scheduler', marks['nova-scheduler'])
    conductor = _log_from(cloud, 'nova-conductor', marks['nova-conductor'])
    assert scheduler.count('No valid host for') == 4, scheduler
    for log in (scheduler, conductor):
        assert 'Traceback' not in log, log
        assert ' ERROR ' not in log, log
        assert (PREFIX + ' ' + PREFIX) not in log, log
    for line in ('Live migration not started: ' + PREFIX,
                 'Evacuation not started: ' + PREFIX):
        assert line in conductor, conductor
    cloud.request('DELETE', '/servers/%s' % server['id'])
    for sid in ids:
        cloud.request('DELETE', '/servers/%s' % sid)
    for sid in ids + [server['id']]:
        cloud.wait_gone(sid)
