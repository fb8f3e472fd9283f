"""Resize, confirm, revert and cold migration between two real fake
computes (every service a process, over RabbitMQ, on SQLite)."""

import time
import uuid

import pytest

from tests import conftest

pytestmark = [pytest.mark.functional, pytest.mark.timeout(900)]

HOSTS = ('rs1', 'rs2')
V256 = {'OpenStack-API-Version': 'compute 2.56'}
V280 = {'OpenStack-API-Version': 'compute 2.80'}


@pytest.fixture(scope='module')
def cloud(tmp_path_factory, rabbit_available):
    cloud, cleanup = conftest.start_cloud(
        tmp_path_factory.mktemp('resize'), computes=HOSTS,
        extra_conf={'DEFAULT': {'resize_confirm_window': 2}})
    try:
        cloud.small = cloud.create_flavor('rs.small', vcpus=1, ram=128,
                                          disk=1)
        cloud.big = cloud.create_flavor('rs.big', vcpus=2, ram=256, disk=2)
        cloud.image_id = cloud.import_image('plain')
        cloud.nodes = {}
        for hyp in cloud.get('/os-hypervisors', headers={
                'OpenStack-API-Version': 'compute 2.53'})['hypervisors']:
            cloud.nodes[hyp['hypervisor_hostname']] = hyp['id']
        yield cloud
    finally:
        cleanup()


def _name(prefix):
    return '%s-%s' % (prefix, uuid.uuid4().hex[:6])


def _boot(cloud, flavor=None, **extra):
    server = cloud.boot(_name('rs'), (flavor or cloud.small)['id'],
                        cloud.image_id, **extra)['server']
    server = cloud.wait_status(server['id'], 'ACTIVE')
    return server


def _host(server):
    return server['OS-EXT-SRV-ATTR:host']


def _allocations(cloud, consumer):
    return cloud.placement('GET', '/allocations/%s' % consumer,
                           expect=200).json()['allocations']


def _used(allocations):
    """{rp_uuid: {rc: amount}}"""
    return {rp: a['resources'] for rp, a in allocations.items()}


def _provider(cloud, host):
    rps = cloud.placement('GET', '/resource_providers?name=%s' % host,
                          expect=200).json()['resource_providers']
    return rps[0]['uuid']


def _action(cloud, server_id, body, expect=202, headers=None):
    return cloud.post('/servers/%s/action' % server_id, body, expect=expect,
                      headers=headers)


def _migrations(cloud, **params):
    return cloud.get('/os-migrations', params=params,
                     headers=V280)['migrations']


def _cleanup(cloud, server_id):
    cloud.request('DELETE', '/servers/%s' % server_id)
    cloud.wait_gone(server_id)


def test_resize_confirm_moves_usage_to_the_new_flavor(cloud):
    server = _boot(cloud)
    source = _host(server)
    _action(cloud, server['id'], {'resize': {'flavorRef': cloud.big['id']}})
    server = cloud.wait_status(server['id'], 'VERIFY_RESIZE')
    dest = _host(server)
    assert dest != source
    assert server['flavor']['id'] == cloud.big['id']
    migs = _migrations(cloud, instance_uuid=server['id'])
    assert migs[0]['status'] == 'finished'
    assert migs[0]['migration_type'] == 'resize'
    assert migs[0]['source_compute'] == source
    assert migs[0]['dest_compute'] == dest
    # Both hosts are held until the confirm: the instance on dest with the
    # new flavor, the migration on source with the old one.
    src_rp, dst_rp = _provider(cloud, source), _provider(cloud, dest)
    assert _used(_allocations(cloud, server['id'])) == {
        dst_rp: {'VCPU': 2, 'MEMORY_MB': 256, 'DISK_GB': 2}}
    assert _used(_allocations(cloud, migs[0]['uuid'])) == {
        src_rp: {'VCPU': 1, 'MEMORY_MB': 128, 'DISK_GB': 1}}
    _action(cloud, server['id'], {'confirmResize': None}, expect=204)
    server = cloud.wait_status(server['id'], 'ACTIVE')
    assert _host(server) == dest
    assert _used(_allocations(cloud, server['id'])) == {
        dst_rp: {'VCPU': 2, 'MEMORY_MB': 256, 'DISK_GB': 2}}
    assert _allocations(cloud, migs[0]['uuid']) == {}
    mig = _migrations(cloud, instance_uuid=server['id'])[0]
    assert mig['status'] == 'confirmed'
    actions = cloud.get('/servers/%s/os-instance-actions' % server['id'])[
        'instanceActions']
    assert {'create', 'resize', 'confirmResize'} <= {
        a['action'] for a in actions}
    # The hypervisor of the destination counts the new flavor (once its
    # resource tracker has written the node record again).
    def dest_counts_new_flavor():
        hyp = cloud.get('/os-hypervisors/%s' % cloud.nodes[dest], headers={
            'OpenStack-API-Version': 'compute 2.53'})['hypervisor']
        return hyp['vcpus_used'] >= 2
    cloud.wait_for('%s to count the new flavor' % dest,
                   dest_counts_new_flavor, timeout=90)
    _cleanup(cloud, server['id'])


def test_resize_revert_goes_back(cloud):
    server = _boot(cloud)
    source = _host(server)
    _action(cloud, server['id'], {'resize': {'flavorRef': cloud.big['id']}})
    server = cloud.wait_status(server['id'], 'VERIFY_RESIZE')
    _action(cloud, server['id'], {'revertResize': None})
    server = cloud.wait_status(server['id'], 'ACTIVE')
    assert _host(server) == source
    assert server['flavor']['id'] == cloud.small['id']
    assert _used(_allocations(cloud, server['id'])) == {
        _provider(cloud, source): {'VCPU': 1, 'MEMORY_MB': 128,
                                   'DISK_GB': 1}}
    mig = _migrations(cloud, instance_uuid=server['id'])[0]
    assert mig['status'] == 'reverted'
    assert _allocations(cloud, mig['uuid']) == {}
    _cleanup(cloud, server['id'])


def test_cold_migrate_to_chosen_host_then_auto_confirm(cloud):
    server = _boot(cloud)
    source = _host(server)
    target = [h for h in HOSTS if h != source][0]
    _action(cloud, server['id'], {'migrate': {'host': target}},
            headers=V256)
    server = cloud.wait_status(server['id'], 'VERIFY_RESIZE')
    assert _host(server) == target
    mig = _migrations(cloud, instance_uuid=server['id'])[0]
    assert mig['migration_type'] == 'migration'
    # resize_confirm_window is 2 seconds: the destination confirms.
    server = cloud.wait_status(server['id'], 'ACTIVE', timeout=60)
    cloud.wait_for('migration confirmed', lambda: _migrations(
        cloud, instance_uuid=server['id'])[0]['status'] == 'confirmed')
    assert _used(_allocations(cloud, server['id'])) == {
        _provider(cloud, target): {'VCPU': 1, 'MEMORY_MB': 128,
                                   'DISK_GB': 1}}
    _cleanup(cloud, server['id'])


def test_migrate_without_another_host_is_no_valid_host(cloud):
    server = _boot(cloud)
    source = _host(server)
    other = [h for h in HOSTS if h != source][0]
    before = _allocations(cloud, server['id'])
    services = cloud.get('/os-services', params={'binary': 'nova-compute',
                                                 'host': other})['services']
    cloud.request('PUT', '/os-services/disable', expect=200, json={
        'host': other, 'binary': 'nova-compute'})
    try:
        # The scheduler's view of the disabled service may lag a little.
        deadline = time.monotonic() + 30
        while True:
            resp = _action(cloud, server['id'], {'migrate': None},
                           expect=None)
            if resp.status_code == 400 or time.monotonic() > deadline:
                break
            assert resp.status_code == 202, resp.text
            server = cloud.wait_status(server['id'], 'VERIFY_RESIZE')
            _action(cloud, server['id'], {'revertResize': None})
            cloud.wait_status(server['id'], 'ACTIVE')
            time.sleep(2)
        assert resp.status_code == 400, resp.text
        assert 'No valid host' in resp.json()['badRequest']['message']
    finally:
        cloud.request('PUT', '/os-services/enable', json={
            'host': other, 'binary': 'nova-compute'})
    assert services
    server = cloud.wait_status(server['id'], 'ACTIVE')
    assert server['OS-EXT-STS:task_state'] is None
    assert _host(server) == source
    assert _used(_allocations(cloud, server['id'])) == _used(before)
    assert _migrations(cloud, instance_uuid=server['id'])[0]['status'] == \
        'error'
    _cleanup(cloud, server['id'])


def test_wrong_states_and_bad_requests(cloud):
    server = _boot(cloud)
    sid = server['id']
    # Not resized yet.
    _action(cloud, sid, {'confirmResize': None}, expect=409)
    _action(cloud, sid, {'revertResize': None}, expect=409)
    _action(cloud, sid, {'resize': {'flavorRef': cloud.small['id']}},
            expect=400)
    _action(cloud, sid, {'resize': {'flavorRef': 'nope'}}, expect=400)
    _action(cloud, sid, {'resize': {}}, expect=400)
    tiny = cloud.create_flavor(_name('tiny'), vcpus=1, ram=128, disk=0)
    _action(cloud, sid, {'resize': {'flavorRef': tiny['id']}}, expect=400)
    _action(cloud, sid, {'migrate': {'host': 'nohost'}}, expect=400,
            headers=V256)
    _action(cloud, sid, {'os-stop': None})
    cloud.wait_status(sid, 'SHUTOFF')
    # A stopped server may be resized; it stays stopped.
    _action(cloud, sid, {'resize': {'flavorRef': cloud.big['id']}})
    cloud.wait_status(sid, 'VERIFY_RESIZE')
    _action(cloud, sid, {'resize': {'flavorRef': cloud.small['id']}},
            expect=409)
    _action(cloud, sid, {'migrate': None}, expect=409)
    _action(cloud, sid, {'confirmResize': None}, expect=204)
    cloud.wait_status(sid, 'SHUTOFF')
    _cleanup(cloud, sid)


def test_os_migrations_listing(cloud):
    server = _boot(cloud)
    _action(cloud, server['id'], {'migrate': None})
    cloud.wait_status(server['id'], 'VERIFY_RESIZE')
    old = cloud.get('/os-migrations')['migrations']
    assert old and 'links' not in old[0] and 'uuid' not in old[0]
    v223 = cloud.get('/os-migrations', headers={
        'OpenStack-API-Version': 'compute 2.23'})['migrations']
    assert v223[0]['migration_type'] in ('migration', 'resize')
    assert 'links' in v223[0] or v223[0]['migration_type'] != \
        'live-migration'
    mine = _migrations(cloud, instance_uuid=server['id'])
    assert len(mine) == 1 and mine[0]['user_id'] and mine[0]['project_id']
    assert _migrations(cloud, migration_type='evacuation') == []
    page = cloud.get('/os-migrations', params={'limit': 1}, headers={
        'OpenStack-API-Version': 'compute 2.59'})
    assert len(page['migrations']) == 1
    assert page['migrations_links'][0]['rel'] == 'next'
    cloud.request('GET', '/os-migrations', params={'marker': str(
        uuid.uuid4())}, headers={'OpenStack-API-Version': 'compute 2.59'},
        expect=400)
    in_flight = cloud.get('/servers/%s/migrations' % server['id'], headers={
        'OpenStack-API-Version': 'compute 2.23'})['migrations']
    assert in_flight == []   # only live migrations show there
    cloud.request('GET', '/os-migrations', headers={
        'X-Auth-Token': 'demo:demo'}, expect=403)
    _action(cloud, server['id'], {'confirmResize': None}, expect=204)
    cloud.wait_status(server['id'], 'ACTIVE')
    _cleanup(cloud, server['id'])


def _disk_config(cloud, server_id):
    return cloud.server(server_id)['OS-DCF:diskConfig']


def test_disk_config_set_by_create_update_rebuild_and_resize(cloud):
    # The sequence of Tempest's ServerDiskConfigTestJSON.
    resp = cloud.boot(_name('dc'), cloud.small['id'], cloud.image_id,
                      **{'OS-DCF:diskConfig': 'AUTO'})
    assert resp['server']['OS-DCF:diskConfig'] == 'AUTO'
    server_id = resp['server']['id']
    cloud.wait_status(server_id, 'ACTIVE')
    assert _disk_config(cloud, server_id) == 'AUTO'

    resp = cloud.request('PUT', '/servers/%s' % server_id, expect=200,
                         json={'server': {'OS-DCF:diskConfig': 'MANUAL'}})
    assert resp.json()['server']['OS-DCF:diskConfig'] == 'MANUAL'
    assert _disk_config(cloud, server_id) == 'MANUAL'

    resp = _action(cloud, server_id, {'rebuild': {
        'imageRef': cloud.image_id, 'OS-DCF:diskConfig': 'AUTO'}})
    assert resp.json()['server']['OS-DCF:diskConfig'] == 'AUTO'
    cloud.wait_status(server_id, 'ACTIVE')
    assert _disk_config(cloud, server_id) == 'AUTO'

    _action(cloud, server_id, {'resize': {
        'flavorRef': cloud.big['id'], 'OS-DCF:diskConfig': 'MANUAL'}})
    cloud.wait_status(server_id, 'VERIFY_RESIZE')
    _action(cloud, server_id, {'confirmResize': None}, expect=204)
    cloud.wait_status(server_id, 'ACTIVE')
    assert _disk_config(cloud, server_id) == 'MANUAL'
    _cleanup(cloud, server_id)
