"""os-services updates and delete, hypervisor statistics/search/servers/
uptime, over real databases."""

import pytest

from nova import objects

ADMIN = 'admin:admin'


def test_legacy_disable_enable(client, hosts):
    resp = client.request('PUT', '/v2.1/os-services/disable-log-reason',
                          token=ADMIN, body={'host': 'cmp1',
                                             'binary': 'nova-compute',
                                             'disabled_reason': 'fix'})
    assert resp.json == {'service': {'host': 'cmp1',
                                     'binary': 'nova-compute',
                                     'status': 'disabled',
                                     'disabled_reason': 'fix'}}
    svc = objects.Service.get_by_id(hosts['cmp1']._context,
                                    hosts['cmp1'].id)
    assert svc.disabled and svc.disabled_reason == 'fix'
    resp = client.request('PUT', '/v2.1/os-services/enable', token=ADMIN,
                          body={'host': 'cmp1', 'binary': 'nova-compute'})
    assert resp.json['service']['status'] == 'enabled'
    svc = objects.Service.get_by_id(svc._context, svc.id)
    assert not svc.disabled and svc.disabled_reason is None
    resp = client.request('PUT', '/v2.1/os-services/disable-log-reason',
                          token=ADMIN, body={'host': 'cmp1',
                                             'binary': 'nova-compute'})
    assert resp.status_int == 400
    resp = client.request('PUT', '/v2.1/os-services/disable', token=ADMIN,
                          body={'host': 'nope', 'binary': 'nova-compute'})
    assert resp.status_int == 404
    resp = client.request('PUT', '/v2.1/os-services/frobnicate',
                          token=ADMIN, body={})
    assert resp.status_int == 404
    resp = client.request('PUT', '/v2.1/os-services/disable',
                          body={'host': 'cmp1', 'binary': 'nova-compute'})
    assert resp.status_int == 403


def test_force_down_from_2_11(client, hosts):
    body = {'host': 'cmp2', 'binary': 'nova-compute', 'forced_down': True}
    assert client.request('PUT', '/v2.1/os-services/force-down', body=body,
                          token=ADMIN, version='2.10').status_int == 404
    resp = client.request('PUT', '/v2.1/os-services/force-down', body=body,
                          token=ADMIN, version='2.11')
    assert resp.json == {'service': {'host': 'cmp2',
                                     'binary': 'nova-compute',
                                     'forced_down': True}}
    listed = client.request('GET', '/v2.1/os-services?host=cmp2',
                            token=ADMIN, version='2.11').json['services']
    assert listed[0]['forced_down'] is True
    assert listed[0]['state'] == 'down'


def test_update_by_uuid_at_2_53(client, hosts):
    svc = hosts['cmp1']
    url = '/v2.1/os-services/%s' % svc.uuid
    resp = client.request('PUT', url, token=ADMIN, version='2.53',
                          body={'status': 'disabled',
                                'disabled_reason': 'r'})
    assert resp.status_int == 200, resp.text
    body = resp.json['service']
    assert body['id'] == svc.uuid and body['status'] == 'disabled'
    assert body['disabled_reason'] == 'r' and body['forced_down'] is False
    assert client.request('PUT', url, token=ADMIN, version='2.53',
                          body={}).status_int == 400
    assert client.request('PUT', url, token=ADMIN, version='2.53',
                          body={'status': 'enabled',
                                'disabled_reason': 'x'}).status_int == 400
    assert client.request('PUT', '/v2.1/os-services/not-a-uuid',
                          token=ADMIN, version='2.53',
                          body={'status': 'enabled'}).status_int == 400
    assert client.request('PUT', '/v2.1/os-services/disable', token=ADMIN,
                          version='2.53', body={
                              'status': 'enabled'}).status_int == 400


def test_update_refuses_other_binaries_at_2_53(client, world, hosts):
    sched = objects.Service(world.ctx, host='ctl', binary='nova-scheduler',
                            topic='scheduler', report_count=0)
    sched.create()
    resp = client.request('PUT', '/v2.1/os-services/%s' % sched.uuid,
                          token=ADMIN, version='2.53',
                          body={'status': 'disabled'})
    assert resp.status_int == 400
    assert 'Only nova-compute services can be updated' in resp.text


def test_delete_compute_service(client, world, hosts, monkeypatch):
    deleted = []
    from nova.compute import services as service_api

    class Placement:
        def delete_resource_provider(self, ctx, uuid):
            deleted.append(uuid)

        def aggregate_remove_host(self, ctx, agg, host_name=None):
            pass

    monkeypatch.setattr(service_api, '_report_client', lambda: Placement())
    world.server(host='cmp1')
    busy = hosts['cmp1']
    resp = client.request('DELETE', '/v2.1/os-services/%s' % busy.uuid,
                          token=ADMIN, version='2.53')
    assert resp.status_int == 409
    idle = hosts['cmp2']
    resp = client.request('DELETE', '/v2.1/os-services/%d' % idle.id,
                          token=ADMIN)
    assert resp.status_int == 204
    assert len(deleted) == 1
    assert [n.host for n in objects.ComputeNodeList.get_all(world.ctx)] == \
        ['cmp1']
    assert [m.host for m in objects.HostMappingList.get_all(world.ctx)] == \
        ['cmp1']
    assert client.request('DELETE', '/v2.1/os-services/%d' % idle.id,
                          token=ADMIN).status_int == 404
    assert client.request('DELETE', '/v2.1/os-services/abc',
                          token=ADMIN).status_int == 400


def test_hypervisor_statistics_search_servers(client, world, hosts):
    inst = world.server(host='cmp1')
    stats = client.request('GET', '/v2.1/os-hypervisors/statistics',
                           token=ADMIN).json['hypervisor_statistics']
    assert stats['count'] == 2 and stats['vcpus'] == 8
    assert stats['memory_mb_used'] == 1024
    assert client.request('GET', '/v2.1/os-hypervisors/statistics',
                          token=ADMIN, version='2.88').status_int == 404
    found = client.request('GET', '/v2.1/os-hypervisors/cmp/search',
                           token=ADMIN).json['hypervisors']
    assert len(found) == 2 and 'servers' not in found[0]
    assert client.request('GET', '/v2.1/os-hypervisors/cmp/search',
                          token=ADMIN, version='2.53').status_int == 404
    found = client.request('GET', '/v2.1/os-hypervisors/cmp1/servers',
                           token=ADMIN).json['hypervisors']
    assert found[0]['servers'] == [{'name': inst.name, 'uuid': inst.uuid}]
    assert client.request('GET', '/v2.1/os-hypervisors/zz/servers',
                          token=ADMIN).status_int == 404


def test_hypervisor_uptime(client, world, hosts, monkeypatch):
    from nova.compute import rpcapi

    class FakeRPC:
        def get_host_uptime(self, ctx, host):
            return ' 12:00:00 up 1 day'

    monkeypatch.setattr(rpcapi, 'ComputeAPI', FakeRPC)
    node = objects.ComputeNodeList.get_all(world.ctx)[0]
    resp = client.request('GET', '/v2.1/os-hypervisors/%d/uptime' % node.id,
                          token=ADMIN)
    assert resp.json['hypervisor']['uptime'] == ' 12:00:00 up 1 day'
    assert set(resp.json['hypervisor']) == {
        'id', 'hypervisor_hostname', 'state', 'status', 'uptime'}
    assert client.request('GET', '/v2.1/os-hypervisors/%s/uptime'
                          % node.uuid, token=ADMIN,
                          version='2.88').status_int == 404
    shown = client.request('GET', '/v2.1/os-hypervisors/%s' % node.uuid,
                           token=ADMIN, version='2.88').json['hypervisor']
    assert shown['uptime'] == ' 12:00:00 up 1 day'
    assert 'vcpus' not in shown
    detail = client.request('GET', '/v2.1/os-hypervisors/detail',
                            token=ADMIN, version='2.88').json
    assert detail['hypervisors'][0]['uptime'] == ' 12:00:00 up 1 day'

