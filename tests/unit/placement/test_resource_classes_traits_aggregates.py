"""/resource_classes, /traits, provider traits and aggregates."""

from tests.unit.placement.conftest import new_uuid


def test_standard_classes_are_listed(client):
    names = [rc['name'] for rc in
             client.get('/resource_classes').json['resource_classes']]
    assert names[:3] == ['VCPU', 'MEMORY_MB', 'DISK_GB']


def test_custom_class_lifecycle(client):
    resp = client.post('/resource_classes', {'name': 'CUSTOM_GOLD'})
    assert resp.status_int == 201
    assert client.post('/resource_classes',
                       {'name': 'CUSTOM_GOLD'}).status_int == 409
    assert client.post('/resource_classes',
                       {'name': 'GOLD'}).status_int == 400
    body = client.get('/resource_classes/CUSTOM_GOLD').json
    assert body['name'] == 'CUSTOM_GOLD'
    assert client.delete('/resource_classes/CUSTOM_GOLD').status_int == 204
    assert client.get('/resource_classes/CUSTOM_GOLD').status_int == 404


def test_put_resource_class_1_7_creates_or_confirms(client):
    assert client.put('/resource_classes/CUSTOM_A').status_int == 201
    assert client.put('/resource_classes/CUSTOM_A').status_int == 204
    assert client.put('/resource_classes/VCPU').status_int == 400


def test_put_resource_class_before_1_7_renames(client):
    client.put('/resource_classes/CUSTOM_A')
    resp = client.put('/resource_classes/CUSTOM_A', {'name': 'CUSTOM_B'},
                      version='1.6')
    assert resp.status_int == 200 and resp.json['name'] == 'CUSTOM_B'
    assert client.put('/resource_classes/VCPU', {'name': 'CUSTOM_C'},
                      version='1.6').status_int == 400


def test_standard_or_used_class_cannot_be_deleted(client):
    assert client.delete('/resource_classes/VCPU').status_int == 400
    client.put('/resource_classes/CUSTOM_A')
    rp = client.create_provider('cn1')
    client.set_inventory(rp, CUSTOM_A=4)
    assert client.delete('/resource_classes/CUSTOM_A').status_int == 409


def test_resource_classes_need_1_2_for_custom(client):
    assert client.post('/resource_classes', {'name': 'CUSTOM_A'},
                       version='1.1').status_int == 404


def test_traits_lifecycle_and_filters(client):
    assert client.get('/traits', version='1.5').status_int == 404
    assert client.put('/traits/CUSTOM_T').status_int == 201
    assert client.put('/traits/CUSTOM_T').status_int == 204
    assert client.put('/traits/NOT_CUSTOM').status_int == 400
    assert client.get('/traits/CUSTOM_T').status_int == 204
    assert client.get('/traits/CUSTOM_NONE').status_int == 404
    traits = client.get('/traits?name=startswith:CUSTOM').json['traits']
    assert traits == ['CUSTOM_T']
    traits = client.get('/traits?name=in:CUSTOM_T,HW_CPU_X86_AVX2'
                        ).json['traits']
    assert traits == ['CUSTOM_T', 'HW_CPU_X86_AVX2']
    assert 'HW_CPU_X86_AVX2' in client.get('/traits').json['traits']
    assert client.get('/traits?name=bogus').status_int == 400
    rp = client.create_provider('cn1')
    client.set_traits(rp, 'CUSTOM_T')
    assert client.get('/traits?associated=true').json['traits'] == \
        ['CUSTOM_T']
    assert 'CUSTOM_T' not in client.get(
        '/traits?associated=false').json['traits']
    assert client.delete('/traits/CUSTOM_T').status_int == 409
    assert client.delete('/traits/HW_CPU_X86_AVX2').status_int == 400


def test_provider_traits(client):
    rp = client.create_provider('cn1')
    path = '/resource_providers/%s/traits' % rp
    assert client.get(path).json == {'traits': [],
                                     'resource_provider_generation': 0}
    resp = client.put(path, {'traits': ['HW_CPU_X86_AVX2'],
                             'resource_provider_generation': 0})
    assert resp.status_int == 200
    assert resp.json['resource_provider_generation'] == 1
    resp = client.put(path, {'traits': ['HW_CPU_X86_AVX'],
                             'resource_provider_generation': 0})
    assert resp.status_int == 409
    resp = client.put(path, {'traits': ['CUSTOM_MISSING'],
                             'resource_provider_generation': 1})
    assert resp.status_int == 400
    assert client.delete(path).status_int == 204
    assert client.get(path).json['traits'] == []


def test_provider_aggregates_old_and_new_format(client):
    rp = client.create_provider('cn1')
    path = '/resource_providers/%s/aggregates' % rp
    agg1, agg2 = sorted([new_uuid(), new_uuid()])
    assert client.get(path, version='1.0').status_int == 404
    resp = client.put(path, [agg1], version='1.1')
    assert resp.status_int == 200
    assert resp.json == {'aggregates': [agg1]}
    resp = client.put(path, {'aggregates': [agg1, agg2],
                             'resource_provider_generation': 0},
                      version='1.19')
    assert resp.status_int == 200
    assert resp.json['resource_provider_generation'] == 1
    resp = client.put(path, {'aggregates': [],
                             'resource_provider_generation': 0},
                      version='1.19')
    assert resp.status_int == 409
    body = client.get(path, version='1.19').json
    assert sorted(body['aggregates']) == [agg1, agg2]
    assert body['resource_provider_generation'] == 1
