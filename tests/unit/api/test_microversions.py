import pytest

from nova.api import microversions as mv


def _limits(client, headers):
    return client.request('GET', '/v2.1/limits', headers=headers)


@pytest.fixture(autouse=True)
def _no_servers(monkeypatch):
    from nova.compute import api
    monkeypatch.setattr(api.API, '__init__', lambda self: None)
    monkeypatch.setattr(api.API, 'get_all',
                        lambda self, ctx, search_opts=None, **kw: [])
    from nova import quota
    monkeypatch.setattr(quota.objects.Quotas, 'get_limits_and_usage',
                        lambda ctx, *a, **kw: {'limits': {}, 'project': {},
                                               'user': {}})


def test_default_is_minimum_and_headers_present(client):
    resp = _limits(client, {})
    assert resp.status_int == 200
    assert resp.headers['OpenStack-API-Version'] == 'compute 2.1'
    assert resp.headers['X-OpenStack-Nova-API-Version'] == '2.1'
    assert 'OpenStack-API-Version' in resp.headers['Vary']


def test_standard_and_legacy_headers(client):
    resp = _limits(client, {'OpenStack-API-Version': 'compute 2.36'})
    assert resp.headers['OpenStack-API-Version'] == 'compute 2.36'
    resp = _limits(client, {'X-OpenStack-Nova-API-Version': '2.19'})
    assert resp.headers['X-OpenStack-Nova-API-Version'] == '2.19'


def test_latest_is_maximum(client):
    resp = _limits(client, {'OpenStack-API-Version': 'compute latest'})
    assert resp.headers['OpenStack-API-Version'] == (
        'compute %s' % mv.MAX_VERSION)


def test_out_of_range_is_406(client):
    resp = _limits(client, {'OpenStack-API-Version': 'compute 2.999'})
    assert resp.status_int == 406
    assert resp.json['computeFault']['code'] == 406
    assert 'maximum is %s' % mv.MAX_VERSION in (
        resp.json['computeFault']['message'])
    assert _limits(client, {'OpenStack-API-Version':
                            'compute 3.0'}).status_int == 406


def test_malformed_is_400(client):
    resp = _limits(client, {'OpenStack-API-Version': 'compute 2.a'})
    assert resp.status_int == 400
    assert 'badRequest' in resp.json


def test_version_comparisons():
    assert mv.APIVersion('2.10') > '2.9'
    assert mv.APIVersion('2.100') >= mv.MV_SCHEDULER_HINTS
    with pytest.raises(mv.InvalidVersion):
        mv.APIVersion('2.01')


def test_limits_drop_fields_by_version(client):
    old = _limits(client, {}).json['limits']['absolute']
    assert 'maxSecurityGroups' in old and 'maxPersonality' in old
    new = _limits(client, {'OpenStack-API-Version': 'compute 2.57'})
    absolute = new.json['limits']['absolute']
    for gone in ('maxSecurityGroups', 'maxImageMeta', 'maxPersonality',
                 'maxTotalFloatingIps'):
        assert gone not in absolute
    assert absolute['maxTotalInstances'] == 10
    assert absolute['totalInstancesUsed'] == 0
    assert new.json['limits']['rate'] == []
