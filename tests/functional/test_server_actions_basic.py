"""The basic server actions against real daemons (a fake compute), driven
through the REST API: each action's state transitions, the 409s of
actions from the wrong state or on a locked server, and the instance
actions with their events that the requests leave."""

import uuid

import pytest

from tests import conftest

pytestmark = [pytest.mark.functional, pytest.mark.timeout(900)]


@pytest.fixture(scope='module')
def cloud(tmp_path_factory, rabbit_available):
    cloud, cleanup = conftest.start_cloud(
        tmp_path_factory.mktemp('cloud-basic'), computes=('bc1',))
    try:
        cloud.flavor = cloud.create_flavor('basic.small', vcpus=1, ram=128,
                                           disk=1)
        cloud.image_id = cloud.import_image('basic-img')
        yield cloud
    finally:
        cleanup()


def _headers(version):
    return {'OpenStack-API-Version': 'compute %s' % version}


def _action(cloud, server_id, body, expect=202, version=None, token=None):
    headers = _headers(version) if version else {}
    if token:
        headers['X-Auth-Token'] = token
    return cloud.post('/servers/%s/action' % server_id, body,
                      expect=expect, headers=headers)


def _boot_active(cloud):
    body = cloud.boot('basic-%s' % uuid.uuid4().hex[:6], cloud.flavor['id'],
                      cloud.image_id)
    server_id = body['server']['id']
    cloud.wait_status(server_id, 'ACTIVE')
    return server_id


def _actions(cloud, server_id, version='2.84', **params):
    return cloud.get('/servers/%s/os-instance-actions' % server_id,
                     headers=_headers(version), params=params)


def _action_detail(cloud, server_id, request_id, version='2.84',
                   token=None):
    headers = _headers(version)
    if token:
        headers['X-Auth-Token'] = token
    return cloud.get('/servers/%s/os-instance-actions/%s'
                     % (server_id, request_id),
                     headers=headers)['instanceAction']


def _wait_event(cloud, server_id, request_id, event):
    def done():
        action = _action_detail(cloud, server_id, request_id)
        for evt in action['events']:
            if evt['event'] == event and evt['finish_time']:
                return evt
        return None
    return cloud.wait_for('event %s' % event, done, timeout=30)


def test_power_cycle_with_actions_and_events(cloud):
    resp = cloud.post('/servers', {'server': {
        'name': 'basic-power', 'flavorRef': cloud.flavor['id'],
        'imageRef': cloud.image_id, 'networks': 'none'}}, expect=202)
    create_request = resp.headers['X-Compute-Request-Id']
    server_id = resp.json()['server']['id']
    cloud.wait_status(server_id, 'ACTIVE')
    resp = _action(cloud, server_id, {'os-stop': None})
    stop_request = resp.headers['X-Openstack-Request-Id']
    server = cloud.wait_status(server_id, 'SHUTOFF')
    assert server['OS-EXT-STS:power_state'] == 4
    assert server['OS-EXT-STS:vm_state'] == 'stopped'
    evt = _wait_event(cloud, server_id, stop_request,
                      'compute_stop_instance')
    assert evt['result'] == 'Success'
    assert evt['host'] == 'bc1' and evt['hostId']
    # Stopping again, pausing or soft rebooting a stopped server: 409.
    _action(cloud, server_id, {'os-stop': None}, expect=409)
    _action(cloud, server_id, {'pause': None}, expect=409)
    _action(cloud, server_id, {'reboot': {'type': 'SOFT'}}, expect=409)
    _action(cloud, server_id, {'os-start': None})
    cloud.wait_status(server_id, 'ACTIVE')
    _action(cloud, server_id, {'os-start': None}, expect=409)

    _action(cloud, server_id, {'reboot': {'type': 'HARD'}})
    cloud.wait_status(server_id, 'ACTIVE')
    _action(cloud, server_id, {'reboot': {'type': 'soft'}})
    cloud.wait_status(server_id, 'ACTIVE')
    _action(cloud, server_id, {'reboot': {'type': 'BOGUS'}}, expect=400)

    actions = _actions(cloud, server_id)['instanceActions']
    names = [a['action'] for a in actions]
    assert names[:5] == ['reboot', 'reboot', 'start', 'stop', 'create']
    assert all('updated_at' in a for a in actions)
    # The create action carries the request id of the boot request.
    assert actions[-1]['request_id'] == create_request
    create = _action_detail(cloud, server_id, create_request)
    assert [e['event'] for e in create['events']] == [
        'compute__do_build_and_run_instance']


def test_pause_suspend_rescue_cycles(cloud):
    server_id = _boot_active(cloud)
    _action(cloud, server_id, {'pause': None})
    cloud.wait_status(server_id, 'PAUSED')
    _action(cloud, server_id, {'suspend': None}, expect=409)
    _action(cloud, server_id, {'unpause': None})
    cloud.wait_status(server_id, 'ACTIVE')
    _action(cloud, server_id, {'resume': None}, expect=409)
    _action(cloud, server_id, {'suspend': None})
    server = cloud.wait_status(server_id, 'SUSPENDED')
    assert server['OS-EXT-STS:power_state'] == 7
    _action(cloud, server_id, {'resume': None})
    cloud.wait_status(server_id, 'ACTIVE')

    _action(cloud, server_id, {'unrescue': None}, expect=409)
    body = _action(cloud, server_id, {'rescue': {'adminPass': 's3cret'}},
                   expect=200).json()
    assert body == {'adminPass': 's3cret'}
    cloud.wait_status(server_id, 'RESCUE')
    _action(cloud, server_id, {'pause': None}, expect=409)
    _action(cloud, server_id, {'unrescue': None})
    cloud.wait_status(server_id, 'ACTIVE')
    body = _action(cloud, server_id, {'rescue': None}, expect=200).json()
    assert len(body['adminPass']) >= 8
    cloud.wait_status(server_id, 'RESCUE')
    _action(cloud, server_id, {'unrescue': None})
    cloud.wait_status(server_id, 'ACTIVE')
    names = [a['action'] for a in
             _actions(cloud, server_id)['instanceActions']]
    assert names[:8] == ['unrescue', 'rescue', 'unrescue', 'rescue',
                         'resume', 'suspend', 'unpause', 'pause']


def test_lock_by_owner_and_admin(cloud):
    server_id = _boot_active(cloud)
    _action(cloud, server_id, {'lock': {'locked_reason': 'maintenance'}},
            version='2.73')
    server = cloud.get('/servers/%s' % server_id,
                       headers=_headers('2.73'))['server']
    assert server['locked'] is True
    assert server['locked_reason'] == 'maintenance'
    # Admins pass a lock; the locked_by stays the owner (the admin here is
    # the owner: the server was booted by admin).
    _action(cloud, server_id, {'unlock': None})
    server = cloud.get('/servers/%s' % server_id,
                       headers=_headers('2.73'))['server']
    assert server['locked'] is False and server['locked_reason'] is None
    names = [a['action'] for a in
             _actions(cloud, server_id)['instanceActions']]
    assert names[:2] == ['unlock', 'lock']


def test_member_cannot_act_on_locked_server_or_lift_admin_lock(cloud):
    member = 'demo:demo'
    body = cloud.post('/servers', {'server': {
        'name': 'member-vm', 'flavorRef': cloud.flavor['id'],
        'imageRef': cloud.image_id, 'networks': 'none'}},
        expect=202, headers={'X-Auth-Token': member}).json()
    server_id = body['server']['id']
    cloud.wait_status(server_id, 'ACTIVE')
    # An admin locks the member's server.
    _action(cloud, server_id, {'lock': None})
    _action(cloud, server_id, {'os-stop': None}, expect=409, token=member)
    _action(cloud, server_id, {'unlock': None}, expect=403, token=member)
    # Another project does not see the server at all.
    _action(cloud, server_id, {'os-stop': None}, expect=404,
            token='other:other')
    cloud.request('GET', '/servers/%s/os-instance-actions' % server_id,
                  expect=404, headers={'X-Auth-Token': 'other:other'})
    # Events: members see them since 2.51, without traceback or host.
    lock_request = _actions(cloud, server_id)['instanceActions'][0][
        'request_id']
    detail = _action_detail(cloud, server_id, lock_request, version='2.50',
                            token=member)
    assert 'events' not in detail
    detail = _action_detail(cloud, server_id, lock_request, version='2.62',
                            token=member)
    assert detail['events'] and 'traceback' not in detail['events'][0]
    assert 'host' not in detail['events'][0]
    assert 'hostId' in detail['events'][0]
    _action(cloud, server_id, {'unlock': None})
    _action(cloud, server_id, {'os-stop': None}, token=member)
    cloud.wait_status(server_id, 'SHUTOFF')


def test_reset_state_crash_dump_console_and_password(cloud):
    server_id = _boot_active(cloud)
    _action(cloud, server_id, {'os-resetState': {'state': 'error'}},
            token='demo:demo', expect=404)
    _action(cloud, server_id, {'os-resetState': {'state': 'error'}})
    cloud.wait_status(server_id, 'ERROR')
    _action(cloud, server_id, {'os-resetState': {'state': 'bogus'}},
            expect=400)
    _action(cloud, server_id, {'os-resetState': {'state': 'active'}})
    cloud.wait_status(server_id, 'ACTIVE')

    _action(cloud, server_id, {'trigger_crash_dump': None}, version='2.16',
            expect=404)
    _action(cloud, server_id, {'trigger_crash_dump': None}, version='2.17')

    _action(cloud, server_id, {'changePassword': {'adminPass': 'n3w'}})
    _action(cloud, server_id, {'changePassword': {}}, expect=400)

    output = _action(cloud, server_id, {'os-getConsoleOutput': {}},
                     expect=200).json()['output']
    assert 'NMI' in output and 'admin password changed' in output
    tail = _action(cloud, server_id,
                   {'os-getConsoleOutput': {'length': 2}},
                   expect=200).json()['output']
    assert len(tail.split('\n')) <= 2
    whole = _action(cloud, server_id,
                    {'os-getConsoleOutput': {'length': -1}},
                    expect=200).json()['output']
    assert whole == output
    names = [a['action'] for a in
             _actions(cloud, server_id)['instanceActions']]
    assert names[:4] == ['changePassword', 'trigger_crash_dump',
                         'resetState', 'resetState']


def test_instance_actions_paging_and_deleted_servers(cloud):
    server_id = _boot_active(cloud)
    for _ in range(3):
        _action(cloud, server_id, {'reboot': {'type': 'HARD'}})
        cloud.wait_status(server_id, 'ACTIVE')
    everything = _actions(cloud, server_id)['instanceActions']
    assert len(everything) == 4
    page = _actions(cloud, server_id, limit=2)
    assert [a['request_id'] for a in page['instanceActions']] == [
        a['request_id'] for a in everything[:2]]
    assert page['links'][0]['rel'] == 'next'
    rest = _actions(cloud, server_id,
                    marker=everything[1]['request_id'])['instanceActions']
    assert [a['request_id'] for a in rest] == [
        a['request_id'] for a in everything[2:]]
    cloud.request('GET', '/servers/%s/os-instance-actions' % server_id,
                  params={'marker': 'req-nothing'}, expect=400,
                  headers=_headers('2.58'))
    cloud.request('GET', '/servers/%s/os-instance-actions' % server_id,
                  params={'bogus': '1'}, expect=400,
                  headers=_headers('2.58'))
    since = _actions(cloud, server_id, **{
        'changes-since': everything[0]['updated_at']})['instanceActions']
    assert everything[0]['request_id'] in [a['request_id'] for a in since]
    cloud.request('GET', '/servers/%s/os-instance-actions' % server_id,
                  params={'changes-since': '2030-01-01T00:00:00Z',
                          'changes-before': '2020-01-01T00:00:00Z'},
                  expect=400, headers=_headers('2.66'))
    cloud.request('GET', '/servers/%s/os-instance-actions/req-nothing'
                  % server_id, expect=404)

    cloud.request('DELETE', '/servers/%s' % server_id, expect=204)
    cloud.wait_gone(server_id)
    cloud.request('GET', '/servers/%s/os-instance-actions' % server_id,
                  expect=404, headers=_headers('2.20'))
    actions = _actions(cloud, server_id, version='2.21')['instanceActions']
    assert actions[0]['action'] == 'delete'
    delete = _action_detail(cloud, server_id, actions[0]['request_id'],
                            version='2.21')
    assert [e['event'] for e in delete['events']] == [
        'compute_terminate_instance']
