"""os-aggregates against real SQLite databases."""

import pytest

from nova.api.controllers import aggregates as aggregates_api
from nova import objects

ADMIN = 'admin:admin'


@pytest.fixture
def placement(monkeypatch):
    calls = []
    monkeypatch.setattr(aggregates_api, 'mirror_to_placement',
                        lambda ctx, action, agg_uuid, host:
                        calls.append((action, agg_uuid, host)))
    return calls


@pytest.fixture
def computes(cells):
    for host in ('cmp1', 'cmp2'):
        objects.Service(cells.context, host=host, binary='nova-compute',
                        topic='compute').create()
    objects.Service(cells.context, host='ctl', binary='nova-scheduler',
                    topic='scheduler').create()
    return cells


def _create(client, name='agg1', zone=None, version=None):
    body = {'aggregate': {'name': name}}
    if zone is not None:
        body['aggregate']['availability_zone'] = zone
    return client.request('POST', '/v2.1/os-aggregates', body, token=ADMIN,
                          version=version)


def _action(client, agg_id, body, version=None):
    return client.request('POST', '/v2.1/os-aggregates/%s/action' % agg_id,
                          body, token=ADMIN, version=version)


def test_admin_only(client, cells):
    assert client.request('GET', '/v2.1/os-aggregates').status_int == 403
    resp = client.request('POST', '/v2.1/os-aggregates',
                          {'aggregate': {'name': 'x'}})
    assert resp.status_int == 403


def test_create_show_list_delete(client, computes):
    resp = _create(client, zone='az1')
    assert resp.status_int == 200
    agg = resp.json['aggregate']
    assert sorted(agg) == ['availability_zone', 'created_at', 'deleted',
                           'deleted_at', 'id', 'name', 'updated_at']
    assert (agg['name'], agg['availability_zone'], agg['deleted']) == (
        'agg1', 'az1', False)
    shown = client.request('GET', '/v2.1/os-aggregates/%s' % agg['id'],
                           token=ADMIN).json['aggregate']
    assert shown['hosts'] == [] and shown['metadata'] == {
        'availability_zone': 'az1'}
    assert 'uuid' not in shown
    listed = client.request('GET', '/v2.1/os-aggregates', token=ADMIN,
                            version='2.41').json['aggregates']
    assert [a['name'] for a in listed] == ['agg1']
    assert listed[0]['uuid']
    resp = client.request('DELETE', '/v2.1/os-aggregates/%s' % agg['id'],
                          token=ADMIN)
    assert resp.status_int == 200 and not resp.body
    resp = client.request('GET', '/v2.1/os-aggregates/%s' % agg['id'],
                          token=ADMIN)
    assert resp.status_int == 404
    assert 'itemNotFound' in resp.json


def test_create_validation_and_conflict(client, cells):
    assert _create(client, name='').status_int == 400
    assert _create(client, name='x' * 256).status_int == 400
    assert _create(client, zone='bad:zone').status_int == 400
    assert _create(client, zone='').status_int == 400
    assert _create(client, name='dup').status_int == 200
    resp = _create(client, name='dup')
    assert resp.status_int == 409
    assert 'conflictingRequest' in resp.json
    resp = client.request('GET', '/v2.1/os-aggregates/abc', token=ADMIN)
    assert resp.status_int == 400


def test_update_name_and_zone(client, computes):
    agg = _create(client).json['aggregate']
    _create(client, name='other')
    url = '/v2.1/os-aggregates/%s' % agg['id']
    resp = client.request('PUT', url, {'aggregate': {
        'name': ' renamed ', 'availability_zone': 'az9'}}, token=ADMIN)
    assert resp.status_int == 200
    got = resp.json['aggregate']
    assert (got['name'], got['availability_zone']) == ('renamed', 'az9')
    assert got['metadata'] == {'availability_zone': 'az9'}
    assert client.request('PUT', url, {'aggregate': {}},
                          token=ADMIN).status_int == 400
    assert client.request('PUT', url, {'aggregate': {'name': 'other'}},
                          token=ADMIN).status_int == 409
    assert client.request('PUT', '/v2.1/os-aggregates/999',
                          {'aggregate': {'name': 'z'}},
                          token=ADMIN).status_int == 404


def test_add_and_remove_host_mirror_into_placement(client, computes,
                                                   placement):
    agg = _create(client, zone='az1', version='2.41').json['aggregate']
    resp = _action(client, agg['id'], {'add_host': {'host': 'cmp1'}})
    assert resp.status_int == 200
    assert resp.json['aggregate']['hosts'] == ['cmp1']
    assert placement == [('add', agg['uuid'], 'cmp1')]
    resp = _action(client, agg['id'], {'add_host': {'host': 'cmp1'}})
    assert resp.status_int == 409
    resp = _action(client, agg['id'], {'add_host': {'host': 'nowhere'}})
    assert resp.status_int == 404
    resp = _action(client, agg['id'], {'add_host': {'host': 'ctl'}})
    assert resp.status_int == 404
    resp = _action(client, agg['id'], {'remove_host': {'host': 'cmp1'}})
    assert resp.status_int == 200
    assert resp.json['aggregate']['hosts'] == []
    assert placement[-1] == ('remove', agg['uuid'], 'cmp1')
    resp = _action(client, agg['id'], {'remove_host': {'host': 'cmp1'}})
    assert resp.status_int == 404
    resp = _action(client, 999, {'add_host': {'host': 'cmp1'}})
    assert resp.status_int == 404


def test_host_cannot_be_in_two_zones(client, computes, placement):
    a1 = _create(client, 'a1', zone='az1').json['aggregate']
    a2 = _create(client, 'a2', zone='az2').json['aggregate']
    plain = _create(client, 'plain').json['aggregate']
    assert _action(client, a1['id'],
                   {'add_host': {'host': 'cmp1'}}).status_int == 200
    resp = _action(client, a2['id'], {'add_host': {'host': 'cmp1'}})
    assert resp.status_int == 409
    assert 'az1' in resp.json['conflictingRequest']['message']
    # An aggregate without a zone takes any host.
    assert _action(client, plain['id'],
                   {'add_host': {'host': 'cmp1'}}).status_int == 200
    # ... but cannot then be given a zone the host is not in.
    resp = _action(client, plain['id'], {'set_metadata': {'metadata': {
        'availability_zone': 'az2'}}})
    assert resp.status_int == 400
    resp = client.request('PUT', '/v2.1/os-aggregates/%s' % plain['id'],
                          {'aggregate': {'availability_zone': 'az2'}},
                          token=ADMIN)
    assert resp.status_int == 400
    resp = client.request('PUT', '/v2.1/os-aggregates/%s' % plain['id'],
                          {'aggregate': {'availability_zone': 'az1'}},
                          token=ADMIN)
    assert resp.status_int == 200


def test_set_metadata(client, computes):
    agg = _create(client).json['aggregate']
    resp = _action(client, agg['id'], {'set_metadata': {'metadata': {
        'ssd': 'true', 'gpu': 'no'}}})
    assert resp.status_int == 200
    assert resp.json['aggregate']['metadata'] == {'ssd': 'true',
                                                  'gpu': 'no'}
    resp = _action(client, agg['id'], {'set_metadata': {'metadata': {
        'gpu': None}}})
    assert resp.json['aggregate']['metadata'] == {'ssd': 'true'}
    resp = _action(client, agg['id'], {'set_metadata': {'metadata': {
        'availability_zone': None}}})
    assert resp.status_int == 400
    resp = _action(client, agg['id'], {'set_metadata': {'metadata': {
        'bad key!': 'x'}}})
    assert resp.status_int == 400
    resp = _action(client, agg['id'], {'unknown': {}})
    assert resp.status_int == 400


def test_delete_refused_while_hosts_remain(client, computes, placement):
    agg = _create(client).json['aggregate']
    _action(client, agg['id'], {'add_host': {'host': 'cmp2'}})
    resp = client.request('DELETE', '/v2.1/os-aggregates/%s' % agg['id'],
                          token=ADMIN)
    assert resp.status_int == 400
    _action(client, agg['id'], {'remove_host': {'host': 'cmp2'}})
    resp = client.request('DELETE', '/v2.1/os-aggregates/%s' % agg['id'],
                          token=ADMIN)
    assert resp.status_int == 200


def test_placement_failure_does_not_fail_the_call(client, computes,
                                                  monkeypatch):
    class Broken:
        def aggregate_add_host(self, *args, **kwargs):
            raise RuntimeError('placement is down')
    monkeypatch.setattr(aggregates_api, '_report_client', lambda: Broken())
    agg = _create(client).json['aggregate']
    resp = _action(client, agg['id'], {'add_host': {'host': 'cmp1'}})
    assert resp.status_int == 200
    assert resp.json['aggregate']['hosts'] == ['cmp1']
