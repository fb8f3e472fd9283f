import pytest

from nova import exception
from nova import objects
from tests.unit.api.conftest import make_flavor


@pytest.fixture
def flavors(monkeypatch):
    store = {'1': make_flavor('1', 'm1.tiny', description='tiny',
                              extra_specs={'hw:cpu_policy': 'shared'}),
             '2': make_flavor('2', 'm1.small', db_id=2, memory_mb=2048,
                              is_public=False, projects=['p1'])}
    calls = {}

    def get_by_flavor_id(cls, ctx, flavorid):
        if flavorid not in store:
            raise exception.FlavorNotFound(flavor_id=flavorid)
        return store[flavorid]

    def get_all(cls, ctx, inactive=False, filters=None, sort_key='flavorid',
                sort_dir='asc', limit=None, marker=None):
        calls['get_all'] = dict(filters=filters, sort_key=sort_key,
                                sort_dir=sort_dir, limit=limit,
                                marker=marker)
        found = sorted(store.values(), key=lambda f: f.flavorid)
        return found[:limit] if limit else found

    def create(self):
        calls['create'] = self
        store[self.flavorid] = self

    def save_extra_specs(self, to_add=None, to_delete=None):
        specs = dict(self.extra_specs)
        specs.update(to_add or {})
        for key in to_delete or []:
            specs.pop(key)
        self.extra_specs = specs

    def add_access(self, project_id):
        if self.is_public:
            raise exception.FlavorNotPublic()
        self.projects = list(self.projects) + [project_id]

    monkeypatch.setattr(objects.Flavor, 'get_by_flavor_id',
                        classmethod(get_by_flavor_id))
    monkeypatch.setattr(objects.FlavorList, 'get_all', classmethod(get_all))
    monkeypatch.setattr(objects.Flavor, 'create', create)
    monkeypatch.setattr(objects.Flavor, 'destroy',
                        lambda self: store.pop(self.flavorid))
    monkeypatch.setattr(objects.Flavor, 'save', lambda self: None)
    monkeypatch.setattr(objects.Flavor, 'save_extra_specs', save_extra_specs)
    monkeypatch.setattr(objects.Flavor, 'add_access', add_access)
    return store, calls


def test_list_summary_links(client, flavors):
    resp = client.request('GET', '/v2.1/flavors')
    assert resp.status_int == 200
    first = resp.json['flavors'][0]
    assert set(first) == {'id', 'name', 'links'}
    assert first['links'] == [
        {'rel': 'self', 'href': 'http://localhost/v2.1/flavors/1'},
        {'rel': 'bookmark', 'href': 'http://localhost/flavors/1'}]


def test_non_admin_sees_public_and_own(client, flavors):
    _, calls = flavors
    client.request('GET', '/v2.1/flavors/detail?is_public=false')
    assert calls['get_all']['filters']['is_public'] is True
    assert calls['get_all']['filters']['projects'] == ['demo']


def test_admin_is_public_none_lists_all(client, flavors):
    _, calls = flavors
    client.request('GET', '/v2.1/flavors?is_public=none', token='admin:a')
    assert calls['get_all']['filters']['is_public'] is None


def test_paging_link_when_page_full(client, flavors):
    resp = client.request('GET', '/v2.1/flavors/detail?limit=1')
    assert resp.json['flavors_links'][0]['rel'] == 'next'
    assert 'marker=1' in resp.json['flavors_links'][0]['href']
    assert '/v2.1/flavors/detail?' in resp.json['flavors_links'][0]['href']


def test_bad_query_is_400(client, flavors):
    assert client.request('GET', '/v2.1/flavors?limit=x').status_int == 400
    assert client.request('GET',
                          '/v2.1/flavors?sort_dir=up').status_int == 400
    assert client.request('GET', '/v2.1/flavors?minRam=a').status_int == 400


def test_unknown_query_is_400_from_2_75(client, flavors):
    assert client.request('GET', '/v2.1/flavors?foo=1').status_int == 200
    assert client.request('GET', '/v2.1/flavors?foo=1',
                          version='2.75').status_int == 400


def test_detail_fields_by_version(client, flavors):
    old = client.request('GET', '/v2.1/flavors/1').json['flavor']
    assert old['swap'] == ''
    assert old['OS-FLV-EXT-DATA:ephemeral'] == 0
    assert old['os-flavor-access:is_public'] is True
    assert 'description' not in old and 'extra_specs' not in old
    new = client.request('GET', '/v2.1/flavors/1',
                         version='2.75').json['flavor']
    assert new['swap'] == 0
    assert new['description'] == 'tiny'
    assert new['extra_specs'] == {'hw:cpu_policy': 'shared'}


def test_show_unknown_is_404(client, flavors):
    resp = client.request('GET', '/v2.1/flavors/zzz')
    assert resp.status_int == 404
    assert resp.json['itemNotFound']['message'] == (
        'Flavor zzz could not be found.')


def test_create_needs_admin(client, flavors):
    body = {'flavor': {'name': 'f', 'ram': 1, 'vcpus': 1, 'disk': 0}}
    assert client.request('POST', '/v2.1/flavors',
                          body=body).status_int == 403


def test_create_generates_id(client, flavors):
    body = {'flavor': {'name': 'f', 'ram': 64, 'vcpus': 1, 'disk': 0,
                       'id': None, 'description': 'd'}}
    resp = client.request('POST', '/v2.1/flavors', body=body,
                          token='admin:admin', version='2.55')
    assert resp.status_int == 200, resp.text
    flavor = resp.json['flavor']
    assert len(flavor['id']) == 36
    assert flavor['description'] == 'd'
    assert flavor['rxtx_factor'] == 1.0


def test_create_takes_a_numeric_id_and_string_sizes(client, flavors):
    body = {'flavor': {'name': 'f', 'ram': '1024', 'vcpus': 1, 'disk': 10,
                       'id': 1445271576, 'os-flavor-access:is_public': 'True'}}
    resp = client.request('POST', '/v2.1/flavors', body=body,
                          token='admin:admin')
    assert resp.status_int == 200, resp.text
    assert resp.json['flavor']['id'] == '1445271576'
    assert resp.json['flavor']['ram'] == 1024


def test_create_description_rejected_before_2_55(client, flavors):
    body = {'flavor': {'name': 'f', 'ram': 64, 'vcpus': 1, 'disk': 0,
                       'description': 'd'}}
    resp = client.request('POST', '/v2.1/flavors', body=body,
                          token='admin:admin')
    assert resp.status_int == 400
    assert 'Additional properties' in resp.json['badRequest']['message']


def test_malformed_json_is_400(client, flavors):
    resp = client.request('POST', '/v2.1/flavors', body=b'{nope',
                          token='admin:admin')
    assert resp.status_int == 400
    assert resp.json['badRequest']['message'] == 'Malformed request body'


def test_delete_is_202(client, flavors):
    store, _ = flavors
    resp = client.request('DELETE', '/v2.1/flavors/1', token='admin:admin')
    assert resp.status_int == 202
    assert '1' not in store


def test_update_description_only_from_2_55(client, flavors):
    body = {'flavor': {'description': 'new'}}
    assert client.request('PUT', '/v2.1/flavors/1', body=body,
                          token='admin:admin').status_int == 404
    resp = client.request('PUT', '/v2.1/flavors/1', body=body,
                          token='admin:admin', version='2.55')
    assert resp.json['flavor']['description'] == 'new'


def test_access_list_and_add(client, flavors):
    resp = client.request('GET', '/v2.1/flavors/2/os-flavor-access',
                          token='admin:admin')
    assert resp.json == {'flavor_access': [
        {'flavor_id': '2', 'tenant_id': 'p1'}]}
    resp = client.request('POST', '/v2.1/flavors/2/action',
                          body={'addTenantAccess': {'tenant': 'p2'}},
                          token='admin:admin')
    assert {'flavor_id': '2', 'tenant_id': 'p2'} in (
        resp.json['flavor_access'])
    resp = client.request('GET', '/v2.1/flavors/1/os-flavor-access',
                          token='admin:admin')
    assert resp.status_int == 404
    resp = client.request('POST', '/v2.1/flavors/1/action',
                          body={'addTenantAccess': {'tenant': 'p2'}},
                          token='admin:admin')
    assert resp.status_int == 409


def test_extra_specs_crud(client, flavors):
    base = '/v2.1/flavors/1/os-extra_specs'
    assert client.request('GET', base).json == {
        'extra_specs': {'hw:cpu_policy': 'shared'}}
    resp = client.request('POST', base, token='admin:admin',
                          body={'extra_specs': {'a': 1}})
    assert resp.json == {'extra_specs': {'a': '1'}}
    assert client.request('GET', base + '/a').json == {'a': '1'}
    resp = client.request('PUT', base + '/a', token='admin:admin',
                          body={'b': '2'})
    assert resp.status_int == 400
    resp = client.request('PUT', base + '/a', token='admin:admin',
                          body={'a': '3'})
    assert resp.json == {'a': '3'}
    # Upstream answers an extra spec delete with an empty 200.
    resp = client.request('DELETE', base + '/a', token='admin:admin',
                          headers={'Accept': 'application/json'})
    assert resp.status_int == 200 and resp.body == b''
    assert client.request('GET', base + '/a').status_int == 404
