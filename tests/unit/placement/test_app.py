"""Version document, authentication, microversion negotiation, routing
and the error body of the placement app."""

from nova.placement import microversion as mv


def test_root_is_public_and_lists_the_version_range(client):
    resp = client.get('/', token=None)
    assert resp.status_int == 200
    version = resp.json['versions'][0]
    assert version['min_version'] == '1.0'
    assert version['max_version'] == mv.MAX_STR == '1.39'
    assert version['id'] == 'v1.0'


def test_missing_token_is_401(client):
    resp = client.get('/resource_providers', token=None)
    assert resp.status_int == 401


def test_default_version_is_minimum_and_echoed(client):
    resp = client.get('/resource_providers', version='')
    assert resp.headers['OpenStack-API-Version'] == 'placement 1.0'
    assert 'OpenStack-API-Version' in resp.headers['Vary']


def test_latest_gives_maximum(client):
    resp = client.get('/resource_providers', version='latest')
    assert resp.headers['OpenStack-API-Version'] == 'placement 1.39'


def test_out_of_range_version_is_406(client):
    resp = client.get('/resource_providers', version='1.40')
    assert resp.status_int == 406
    assert 'Unacceptable version header' in \
        resp.json['errors'][0]['detail']


def test_malformed_version_is_400(client):
    resp = client.get('/resource_providers', version='1.a')
    assert resp.status_int == 400


def test_unknown_path_is_404_with_error_body(client):
    resp = client.get('/nothing')
    assert resp.status_int == 404
    error = resp.json['errors'][0]
    assert set(error) == {'status', 'title', 'detail', 'request_id', 'code'}
    assert error['code'] == 'placement.undefined'
    assert error['request_id'] == resp.headers['X-Openstack-Request-Id']


def test_error_code_only_from_1_23(client):
    resp = client.get('/resource_providers/%s' % ('a' * 32), version='1.22')
    assert resp.status_int == 404
    assert 'code' not in resp.json['errors'][0]
    resp = client.get('/resource_providers/%s' % ('a' * 32), version='1.23')
    assert resp.json['errors'][0]['code'] == \
        'placement.resource_provider.not_found'


def test_wrong_method_is_405_with_allow(client):
    resp = client.request('PATCH', '/resource_providers')
    assert resp.status_int == 405
    assert resp.headers['Allow'] == 'GET, POST'


def test_body_must_be_json(client):
    resp = client.request('POST', '/resource_providers', raw=b'{"name"')
    assert resp.status_int == 400
    assert 'Malformed JSON' in resp.json['errors'][0]['detail']
    req_headers = {'Content-Type': 'text/plain'}
    resp = client.request('POST', '/resource_providers', headers=req_headers)
    assert resp.status_int == 415


def test_accept_other_than_json_is_406(client):
    resp = client.get('/resource_providers', headers={'Accept': 'text/xml'})
    assert resp.status_int == 406


def test_last_modified_from_1_15(client):
    resp = client.get('/resource_providers', version='1.14')
    assert 'Last-Modified' not in resp.headers
    resp = client.get('/resource_providers', version='1.15')
    assert resp.headers['Cache-Control'] == 'no-cache'
    assert 'Last-Modified' in resp.headers
