"""Server metadata and tags, keypairs, services, hypervisors, server info
sub-resources, external events, console tokens and removed APIs against
real daemons (two fake computes), through the REST API."""

import uuid

import pytest

from tests import conftest

pytestmark = [pytest.mark.functional, pytest.mark.timeout(900)]

PUBLIC = ('ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHhZ6Bg1Gm4Hh1d1pDLKfL0aE0o'
          'H0k8f1wN6Hn4iK+Fa test@example')


@pytest.fixture(scope='module')
def cloud(tmp_path_factory, rabbit_available):
    cloud, cleanup = conftest.start_cloud(
        tmp_path_factory.mktemp('cloud-resources'), computes=('rc1', 'rc2'))
    try:
        cloud.flavor = cloud.create_flavor('res.small', vcpus=1, ram=128,
                                           disk=1)
        cloud.image_id = cloud.import_image('res-img')
        body = cloud.boot('res-vm', cloud.flavor['id'], cloud.image_id)
        cloud.server_id = body['server']['id']
        server = cloud.wait_status(cloud.server_id, 'ACTIVE')
        cloud.host = server['OS-EXT-SRV-ATTR:host']
        cloud.idle = 'rc2' if cloud.host == 'rc1' else 'rc1'
        yield cloud
    finally:
        cleanup()


def _h(version):
    return {'OpenStack-API-Version': 'compute %s' % version}


def test_metadata_roundtrip(cloud):
    sid = cloud.server_id
    cloud.post('/servers/%s/metadata' % sid, {'metadata': {'a': '1'}},
               expect=200)
    cloud.request('PUT', '/servers/%s/metadata/b' % sid,
                  json={'meta': {'b': '2'}}, expect=200)
    assert cloud.get('/servers/%s/metadata' % sid) == {
        'metadata': {'a': '1', 'b': '2'}}
    assert cloud.server(sid)['metadata'] == {'a': '1', 'b': '2'}
    cloud.request('DELETE', '/servers/%s/metadata/a' % sid, expect=204)
    cloud.request('PUT', '/servers/%s/metadata' % sid,
                  json={'metadata': {'c': '3'}}, expect=200)
    assert cloud.get('/servers/%s/metadata/c' % sid) == {'meta': {'c': '3'}}
    cloud.request('PUT', '/servers/%s/metadata' % sid, expect=403,
                  json={'metadata': {'k%d' % i: 'v' for i in range(129)}})


def test_tags_show_and_filters(cloud):
    sid = cloud.server_id
    h = _h('2.26')
    cloud.request('PUT', '/servers/%s/tags' % sid, headers=h,
                  json={'tags': ['red', 'big']}, expect=200)
    cloud.request('PUT', '/servers/%s/tags/new' % sid, headers=h,
                  expect=201)
    shown = cloud.get('/servers/%s' % sid, headers=h)['server']
    assert shown['tags'] == ['big', 'new', 'red']
    found = cloud.get('/servers?tags=red,big', headers=h)['servers']
    assert [s['id'] for s in found] == [sid]
    assert cloud.get('/servers?not-tags-any=red', headers=h)[
        'servers'] == []
    cloud.request('DELETE', '/servers/%s/tags/new' % sid, headers=h,
                  expect=204)
    assert cloud.get('/servers/%s/tags' % sid, headers=h) == {
        'tags': ['big', 'red']}


def test_tags_on_create_at_2_52(cloud):
    h = _h('2.52')
    body = cloud.post('/servers', {'server': {
        'name': 'tagged', 'flavorRef': cloud.flavor['id'],
        'imageRef': cloud.image_id, 'networks': 'none',
        'tags': ['born', 'with']}}, expect=202, headers=h).json()
    sid = body['server']['id']
    cloud.wait_status(sid, 'ACTIVE')
    assert cloud.get('/servers/%s' % sid, headers=h)['server']['tags'] == \
        ['born', 'with']
    cloud.request('DELETE', '/servers/%s' % sid, expect=204)
    cloud.wait_gone(sid)


def test_keypairs(cloud):
    h = _h('2.2')
    made = cloud.post('/os-keypairs', {'keypair': {'name': 'gen'}},
                      expect=201, headers=h).json()['keypair']
    assert made['private_key'] and made['public_key'].startswith('ssh-rsa')
    cloud.post('/os-keypairs', {'keypair': {'name': 'imp',
                                            'public_key': PUBLIC}},
               expect=201, headers=h)
    names = [k['keypair']['name']
             for k in cloud.get('/os-keypairs', headers=h)['keypairs']]
    assert names == ['gen', 'imp']
    cloud.post('/os-keypairs', {'keypair': {'name': 'imp',
                                            'public_key': PUBLIC}},
               expect=409, headers=h)
    for name in names:
        cloud.request('DELETE', '/os-keypairs/%s' % name, expect=204,
                      headers=h)


def _service(cloud, host):
    services = cloud.get('/os-services?binary=nova-compute&host=%s' % host,
                         headers=_h('2.53'))['services']
    return services[0]


def test_services_disable_enable_force_down(cloud):
    body = cloud.request('PUT', '/os-services/disable-log-reason',
                         headers=_h('2.11'), expect=200,
                         json={'host': 'rc2', 'binary': 'nova-compute',
                               'disabled_reason': 'maintenance'}).json()
    assert body['service']['status'] == 'disabled'
    svc = _service(cloud, 'rc2')
    assert svc['status'] == 'disabled'
    assert svc['disabled_reason'] == 'maintenance'
    cloud.request('PUT', '/os-services/enable', headers=_h('2.11'),
                  expect=200, json={'host': 'rc2',
                                    'binary': 'nova-compute'})
    body = cloud.request('PUT', '/os-services/%s' % svc['id'],
                         headers=_h('2.53'), expect=200,
                         json={'forced_down': True}).json()['service']
    assert body['forced_down'] is True and body['state'] == 'down'
    cloud.request('PUT', '/os-services/%s' % svc['id'], headers=_h('2.53'),
                  expect=200, json={'forced_down': False})
    assert _service(cloud, 'rc2')['forced_down'] is False
    cloud.request('PUT', '/os-services/force-down', headers=_h('2.10'),
                  expect=404, json={'host': 'rc2', 'binary': 'nova-compute',
                                    'forced_down': True})


def test_hypervisors(cloud):
    stats = cloud.get('/os-hypervisors/statistics')['hypervisor_statistics']
    assert stats['count'] == 2 and stats['running_vms'] >= 1
    cloud.request('GET', '/os-hypervisors/statistics', headers=_h('2.88'),
                  expect=404)
    found = cloud.get('/os-hypervisors/%s/servers'
                      % cloud.host)['hypervisors']
    assert cloud.server_id in [s['uuid'] for s in found[0]['servers']]
    assert cloud.get('/os-hypervisors/rc/search')['hypervisors']
    cloud.request('GET', '/os-hypervisors/zzz/search', expect=404)
    node = cloud.get('/os-hypervisors')['hypervisors'][0]
    up = cloud.get('/os-hypervisors/%s/uptime' % node['id'])['hypervisor']
    assert 'up' in up['uptime']
    node = cloud.get('/os-hypervisors', headers=_h('2.88'))['hypervisors'][0]
    shown = cloud.get('/os-hypervisors/%s' % node['id'],
                      headers=_h('2.88'))['hypervisor']
    assert 'up' in shown['uptime'] and 'vcpus' not in shown


def test_server_info_resources(cloud):
    sid = cloud.server_id
    legacy = cloud.get('/servers/%s/diagnostics' % sid)
    assert legacy['driver'] == 'libvirt'
    std = cloud.get('/servers/%s/diagnostics' % sid, headers=_h('2.48'))
    assert std['driver'] == 'libvirt' and std['num_cpus'] == 1
    assert std['memory_details']['maximum'] == 128
    assert cloud.get('/servers/%s/ips' % sid) == {'addresses': {}}
    cloud.request('GET', '/servers/%s/ips/private' % sid, expect=404)
    assert cloud.get('/servers/%s/topology' % sid, headers=_h('2.78')) == {
        'nodes': [], 'pagesize_kb': None}
    assert cloud.get('/servers/%s/os-server-password' % sid) == {
        'password': ''}
    cloud.request('DELETE', '/servers/%s/os-server-password' % sid,
                  expect=204)
    assert cloud.get('/servers/%s/os-interface' % sid) == {
        'interfaceAttachments': []}
    assert cloud.get('/servers/%s/os-volume_attachments' % sid) == {
        'volumeAttachments': []}
    cloud.post('/servers/%s/os-volume_attachments' % sid,
               {'volumeAttachment': {'volumeId': str(uuid.uuid4())}},
               expect=404)


def test_diagnostics_of_stopped_server_is_409(cloud):
    body = cloud.boot('res-stop', cloud.flavor['id'], cloud.image_id)
    sid = body['server']['id']
    cloud.wait_status(sid, 'ACTIVE')
    cloud.post('/servers/%s/action' % sid, {'os-stop': None}, expect=202)
    cloud.wait_status(sid, 'SHUTOFF')
    cloud.request('GET', '/servers/%s/diagnostics' % sid, expect=409)
    cloud.request('DELETE', '/servers/%s' % sid, expect=204)
    cloud.wait_gone(sid)


def test_external_events(cloud):
    sid = cloud.server_id
    body = cloud.post('/os-server-external-events', {'events': [
        {'name': 'network-changed', 'server_uuid': sid}]},
        expect=200).json()
    assert body['events'][0]['code'] == 200
    assert body['events'][0]['status'] == 'completed'
    body = cloud.post('/os-server-external-events', {'events': [
        {'name': 'network-changed', 'server_uuid': sid},
        {'name': 'network-changed', 'server_uuid': str(uuid.uuid4())}]},
        expect=207).json()
    assert [e['code'] for e in body['events']] == [200, 404]
    cloud.post('/os-server-external-events', {'events': [
        {'name': 'network-changed', 'server_uuid': str(uuid.uuid4())}]},
        expect=404)
    cloud.post('/os-server-external-events', {'events': [
        {'name': 'power-update', 'server_uuid': sid, 'tag': 'POWER_ON'}]},
        expect=400)


def test_console_auth_token_unknown_is_404(cloud):
    cloud.request('GET', '/os-console-auth-tokens/nope', expect=404)


@pytest.mark.parametrize('path', ['/os-cells', '/os-fping', '/os-agents',
                                  '/os-cloudpipe', '/os-fixed-ips/1.2.3.4'])
def test_removed_apis_are_gone(cloud, path):
    cloud.request('GET', path, expect=410)


def test_remote_console_gives_a_token(cloud):
    sid = cloud.server_id
    body = cloud.post('/servers/%s/remote-consoles' % sid,
                      {'remote_console': {'protocol': 'vnc',
                                          'type': 'novnc'}},
                      expect=200, headers=_h('2.6')).json()
    url = body['remote_console']['url']
    assert '?token=' in url
    token = url.split('token=')[1]
    # noVNC tokens exist but their details are not shown (rdp/serial are).
    cloud.request('GET', '/os-console-auth-tokens/%s' % token,
                  headers=_h('2.31'), expect=401)
    cloud.post('/servers/%s/remote-consoles' % sid,
               {'remote_console': {'protocol': 'serial', 'type': 'serial'}},
               expect=400, headers=_h('2.6'))


def test_delete_compute_service(cloud):
    busy = _service(cloud, cloud.host)
    cloud.request('DELETE', '/os-services/%s' % busy['id'],
                  headers=_h('2.53'), expect=409)
    cloud.dep.stop_process('nova-compute-' + cloud.idle)
    idle = _service(cloud, cloud.idle)
    cloud.request('DELETE', '/os-services/%s' % idle['id'],
                  headers=_h('2.53'), expect=204)
    hosts = [h['hypervisor_hostname']
             for h in cloud.get('/os-hypervisors')['hypervisors']]
    assert not [h for h in hosts if h.startswith(cloud.idle)]
    services = cloud.get('/os-services?binary=nova-compute')['services']
    assert [s['host'] for s in services] == [cloud.host]
