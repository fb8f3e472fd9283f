from nova.api import microversions as mv


def test_root_lists_both_versions_without_auth(client):
    resp = client.request('GET', '/', token=None)
    assert resp.status_int == 200
    versions = {v['id']: v for v in resp.json['versions']}
    assert versions['v2.1']['version'] == mv.MAX_VERSION
    assert versions['v2.1']['min_version'] == '2.1'
    assert versions['v2.1']['status'] == 'CURRENT'
    assert versions['v2.1']['links'] == [
        {'rel': 'self', 'href': 'http://localhost/v2.1/'}]
    assert versions['v2.0']['version'] == ''
    assert versions['v2.0']['status'] == 'SUPPORTED'


def test_v21_document_has_media_types(client):
    resp = client.request('GET', '/v2.1/', token=None)
    assert resp.status_int == 200
    doc = resp.json['version']
    assert doc['id'] == 'v2.1'
    assert doc['media-types'] == [{
        'base': 'application/json',
        'type': 'application/vnd.openstack.compute+json;version=2.1'}]
    assert {link['rel'] for link in doc['links']} == {'self', 'describedby'}


def test_v21_without_slash_redirects(client):
    resp = client.request('GET', '/v2.1', token=None)
    assert resp.status_int == 302
    assert resp.headers['Location'] == 'http://localhost/v2.1/'


def test_v2_document(client):
    resp = client.request('GET', '/v2/', token=None)
    assert resp.json['version']['id'] == 'v2.0'


def test_history_lists_every_version_once():
    versions = [v for v, _ in mv.HISTORY]
    assert len(versions) == len(set(versions))
    assert versions == ['2.%d' % i for i in range(1, len(versions) + 1)]
