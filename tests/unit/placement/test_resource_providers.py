"""/resource_providers: CRUD, trees and list filters."""

from tests.unit.placement.conftest import new_uuid


def test_create_before_1_20_returns_201_and_location(client):
    resp = client.post('/resource_providers', {'name': 'cn1'},
                       version='1.19')
    assert resp.status_int == 201
    assert resp.body == b''
    assert '/resource_providers/' in resp.headers['Location']


def test_create_at_1_20_returns_the_provider(client):
    rp_uuid = new_uuid()
    resp = client.post('/resource_providers',
                       {'name': 'cn1', 'uuid': rp_uuid}, version='1.20')
    assert resp.status_int == 200
    assert resp.json['uuid'] == rp_uuid
    assert resp.json['generation'] == 0


def test_duplicate_name_is_409_duplicate_name(client):
    client.create_provider('cn1')
    resp = client.post('/resource_providers', {'name': 'cn1'})
    assert resp.status_int == 409
    assert resp.json['errors'][0]['code'] == 'placement.duplicate_name'


def test_duplicate_uuid_is_409(client):
    rp = client.create_provider('cn1')
    resp = client.post('/resource_providers', {'name': 'cn2', 'uuid': rp})
    assert resp.status_int == 409


def test_links_grow_with_the_version(client):
    rp = client.create_provider('cn1')
    rels = lambda v: [link['rel'] for link in client.get(
        '/resource_providers/%s' % rp, version=v).json['links']]
    assert rels('1.0') == ['self', 'inventories', 'usages']
    assert rels('1.6') == ['self', 'inventories', 'usages', 'aggregates',
                           'traits']
    assert rels('1.11')[-1] == 'allocations'
    body = client.get('/resource_providers/%s' % rp, version='1.13').json
    assert 'root_provider_uuid' not in body
    body = client.get('/resource_providers/%s' % rp, version='1.14').json
    assert body['root_provider_uuid'] == rp
    assert body['parent_provider_uuid'] is None


def test_show_missing_is_404(client):
    resp = client.get('/resource_providers/%s' % new_uuid())
    assert resp.status_int == 404
    assert resp.json['errors'][0]['code'] == \
        'placement.resource_provider.not_found'


def test_rename(client):
    rp = client.create_provider('cn1')
    resp = client.put('/resource_providers/%s' % rp, {'name': 'cn9'})
    assert resp.status_int == 200
    assert resp.json['name'] == 'cn9'


def test_rename_to_existing_name_is_409(client):
    client.create_provider('cn1')
    rp = client.create_provider('cn2')
    resp = client.put('/resource_providers/%s' % rp, {'name': 'cn1'})
    assert resp.status_int == 409


def test_child_gets_the_root_of_its_parent(client):
    root = client.create_provider('root')
    mid = client.create_provider('mid', parent=root)
    leaf = client.create_provider('leaf', parent=mid)
    body = client.get('/resource_providers/%s' % leaf).json
    assert body['parent_provider_uuid'] == mid
    assert body['root_provider_uuid'] == root


def test_create_with_unknown_parent_is_400(client):
    resp = client.post('/resource_providers',
                       {'name': 'x', 'parent_provider_uuid': new_uuid()})
    assert resp.status_int == 400


def test_reparenting_needs_1_37(client):
    a = client.create_provider('a')
    b = client.create_provider('b')
    child = client.create_provider('child', parent=a)
    resp = client.put('/resource_providers/%s' % child,
                      {'name': 'child', 'parent_provider_uuid': b},
                      version='1.36')
    assert resp.status_int == 400
    resp = client.put('/resource_providers/%s' % child,
                      {'name': 'child', 'parent_provider_uuid': b},
                      version='1.37')
    assert resp.status_int == 200
    assert resp.json['root_provider_uuid'] == b
    resp = client.put('/resource_providers/%s' % child,
                      {'name': 'child', 'parent_provider_uuid': None},
                      version='1.37')
    assert resp.status_int == 200
    assert resp.json['root_provider_uuid'] == child


def test_adopting_a_root_moves_its_subtree(client):
    a = client.create_provider('a')
    b = client.create_provider('b')
    b_child = client.create_provider('b-child', parent=b)
    resp = client.put('/resource_providers/%s' % b,
                      {'name': 'b', 'parent_provider_uuid': a},
                      version='1.14')
    assert resp.status_int == 200
    body = client.get('/resource_providers/%s' % b_child).json
    assert body['root_provider_uuid'] == a


def test_loop_in_tree_is_400(client):
    a = client.create_provider('a')
    b = client.create_provider('b', parent=a)
    resp = client.put('/resource_providers/%s' % a,
                      {'name': 'a', 'parent_provider_uuid': b})
    assert resp.status_int == 400


def test_delete(client):
    rp = client.create_provider('cn1')
    assert client.delete('/resource_providers/%s' % rp).status_int == 204
    assert client.get('/resource_providers/%s' % rp).status_int == 404
    assert client.delete('/resource_providers/%s' % rp).status_int == 404


def test_delete_parent_is_409(client):
    root = client.create_provider('root')
    client.create_provider('child', parent=root)
    resp = client.delete('/resource_providers/%s' % root)
    assert resp.status_int == 409
    assert resp.json['errors'][0]['code'] == \
        'placement.resource_provider.cannot_delete_parent'


def test_delete_with_allocations_is_409(client):
    rp = client.create_provider('cn1')
    client.set_inventory(rp, VCPU=4)
    client.allocate(new_uuid(), {rp: {'VCPU': 1}})
    resp = client.delete('/resource_providers/%s' % rp)
    assert resp.status_int == 409
    assert resp.json['errors'][0]['code'] == \
        'placement.resource_provider.inuse'


def _names(resp):
    assert resp.status_int == 200, resp.body
    return sorted(rp['name'] for rp in resp.json['resource_providers'])


def test_list_filters(client):
    a = client.create_provider('a')
    b = client.create_provider('b')
    c = client.create_provider('c', parent=b)
    client.set_inventory(a, VCPU=8)
    client.set_inventory(b, VCPU=2)
    client.set_traits(a, 'HW_CPU_X86_AVX2')
    agg = new_uuid()
    client.set_aggregates(b, agg)
    assert _names(client.get('/resource_providers')) == ['a', 'b', 'c']
    assert _names(client.get('/resource_providers?name=b')) == ['b']
    assert _names(client.get('/resource_providers?uuid=%s' % a)) == ['a']
    assert _names(client.get(
        '/resource_providers?resources=VCPU:4')) == ['a']
    assert _names(client.get(
        '/resource_providers?required=HW_CPU_X86_AVX2')) == ['a']
    assert _names(client.get(
        '/resource_providers?required=!HW_CPU_X86_AVX2')) == ['b', 'c']
    assert _names(client.get(
        '/resource_providers?member_of=%s' % agg)) == ['b']
    assert _names(client.get(
        '/resource_providers?member_of=in:%s,%s' % (agg, new_uuid()))) == \
        ['b']
    assert _names(client.get(
        '/resource_providers?member_of=!%s' % agg)) == ['a', 'c']
    assert _names(client.get(
        '/resource_providers?in_tree=%s' % c)) == ['b', 'c']


def test_list_filter_versions(client):
    assert client.get('/resource_providers?member_of=%s' % new_uuid(),
                      version='1.2').status_int == 400
    assert client.get('/resource_providers?resources=VCPU:1',
                      version='1.3').status_int == 400
    assert client.get('/resource_providers?required=HW_CPU_X86_AVX2',
                      version='1.17').status_int == 400
    resp = client.get('/resource_providers?required=in:HW_CPU_X86_AVX2,'
                      'HW_CPU_X86_SSE', version='1.39')
    assert resp.status_int == 200


def test_list_bad_values(client):
    assert client.get('/resource_providers?resources=VCPU').status_int == 400
    resp = client.get('/resource_providers?resources=CUSTOM_NOPE:1')
    assert resp.status_int == 400
    assert client.get('/resource_providers?member_of=x').status_int == 400
    assert client.get(
        '/resource_providers?required=CUSTOM_NOPE').status_int == 400
    assert client.get('/resource_providers?foo=1').status_int == 400
