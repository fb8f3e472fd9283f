"""/allocations, /resource_providers/{uuid}/allocations and usages."""

from tests.unit.placement.conftest import new_uuid


def _provider(client, name='cn1', **inv):
    rp = client.create_provider(name)
    client.set_inventory(rp, **(inv or {'VCPU': 8, 'MEMORY_MB': 4096}))
    return rp


def test_put_get_delete(client):
    rp = _provider(client)
    consumer = new_uuid()
    client.allocate(consumer, {rp: {'VCPU': 2, 'MEMORY_MB': 512}})
    body = client.get('/allocations/%s' % consumer).json
    assert body['allocations'][rp]['resources'] == {'VCPU': 2,
                                                    'MEMORY_MB': 512}
    assert body['project_id'] == 'p' and body['user_id'] == 'u'
    assert body['consumer_generation'] == 1
    assert body['consumer_type'] == 'INSTANCE'
    assert client.delete('/allocations/%s' % consumer).status_int == 204
    assert client.get('/allocations/%s' % consumer).json == \
        {'allocations': {}}
    assert client.delete('/allocations/%s' % consumer).status_int == 404


def test_allocation_bumps_provider_generation(client):
    rp = _provider(client)
    before = client.generation(rp)
    client.allocate(new_uuid(), {rp: {'VCPU': 1}})
    assert client.generation(rp) == before + 1


def test_list_format_before_1_12(client):
    rp = _provider(client)
    consumer = new_uuid()
    body = {'allocations': [{'resource_provider': {'uuid': rp},
                             'resources': {'VCPU': 1}}]}
    assert client.put('/allocations/%s' % consumer, body,
                      version='1.0').status_int == 204
    assert client.put('/allocations/%s' % consumer, body,
                      version='1.8').status_int == 400
    body.update(project_id='p', user_id='u')
    assert client.put('/allocations/%s' % consumer, body,
                      version='1.8').status_int == 204
    got = client.get('/allocations/%s' % consumer, version='1.11').json
    assert got == {'allocations': {rp: {'generation': 3,
                                        'resources': {'VCPU': 1}}}}


def test_consumer_generation_conflicts(client):
    rp = _provider(client)
    consumer = new_uuid()
    resp = client.allocate(consumer, {rp: {'VCPU': 1}}, generation=0,
                           expect=409)
    assert resp.json['errors'][0]['code'] == 'placement.concurrent_update'
    client.allocate(consumer, {rp: {'VCPU': 1}})
    client.allocate(consumer, {rp: {'VCPU': 1}}, generation=None,
                    expect=409)
    client.allocate(consumer, {rp: {'VCPU': 2}}, generation=1)
    client.allocate(consumer, {rp: {'VCPU': 2}}, generation=1, expect=409)


def test_empty_allocations_delete_the_consumer_at_1_28(client):
    rp = _provider(client)
    consumer = new_uuid()
    client.allocate(consumer, {rp: {'VCPU': 1}})
    client.allocate(consumer, {}, generation=1)
    assert client.get('/allocations/%s' % consumer).json == \
        {'allocations': {}}


def test_capacity_exceeded_is_409(client):
    rp = _provider(client, VCPU={'total': 4, 'allocation_ratio': 2.0})
    client.allocate(new_uuid(), {rp: {'VCPU': 6}})
    resp = client.allocate(new_uuid(), {rp: {'VCPU': 3}}, expect=409)
    assert 'exceed the capacity' in resp.json['errors'][0]['detail']


def test_unit_limits_and_unknowns(client):
    rp = _provider(client, VCPU={'total': 8, 'max_unit': 2, 'step_size': 2})
    client.allocate(new_uuid(), {rp: {'VCPU': 4}}, expect=400)
    client.allocate(new_uuid(), {rp: {'VCPU': 1}}, expect=400)
    client.allocate(new_uuid(), {rp: {'MEMORY_MB': 1}}, expect=409)
    client.allocate(new_uuid(), {new_uuid(): {'VCPU': 1}}, expect=400)
    client.allocate(new_uuid(), {rp: {'CUSTOM_X': 1}}, expect=400)
    client.allocate(new_uuid(), {rp: {'VCPU': 2}})


def test_missing_consumer_type_at_1_38_is_400(client):
    rp = _provider(client)
    resp = client.put('/allocations/%s' % new_uuid(), {
        'allocations': {rp: {'resources': {'VCPU': 1}}},
        'project_id': 'p', 'user_id': 'u', 'consumer_generation': None})
    assert resp.status_int == 400


def test_post_allocations_moves_between_consumers(client):
    rp = _provider(client)
    instance, migration = new_uuid(), new_uuid()
    client.allocate(instance, {rp: {'VCPU': 2}})
    assert client.post('/allocations', {}, version='1.12').status_int == 405
    resp = client.post('/allocations', {
        instance: {'allocations': {}, 'project_id': 'p', 'user_id': 'u',
                   'consumer_generation': 1, 'consumer_type': 'INSTANCE'},
        migration: {'allocations': {rp: {'resources': {'VCPU': 2}}},
                    'project_id': 'p', 'user_id': 'u',
                    'consumer_generation': None,
                    'consumer_type': 'MIGRATION'}})
    assert resp.status_int == 204, resp.body
    assert client.get('/allocations/%s' % instance).json['allocations'] == {}
    assert client.get('/allocations/%s' % migration).json[
        'allocations'][rp]['resources'] == {'VCPU': 2}


def test_provider_allocations_and_usages(client):
    rp = _provider(client)
    c1, c2 = new_uuid(), new_uuid()
    client.allocate(c1, {rp: {'VCPU': 2}})
    client.allocate(c2, {rp: {'VCPU': 1, 'MEMORY_MB': 256}},
                    project='q', consumer_type='MIGRATION')
    body = client.get('/resource_providers/%s/allocations' % rp).json
    assert body['allocations'][c1] == {'resources': {'VCPU': 2}}
    assert body['resource_provider_generation'] == client.generation(rp)
    usages = client.get('/resource_providers/%s/usages' % rp).json
    assert usages['usages'] == {'VCPU': 3, 'MEMORY_MB': 256}


def test_project_usages(client):
    rp = _provider(client)
    client.allocate(new_uuid(), {rp: {'VCPU': 2}})
    client.allocate(new_uuid(), {rp: {'VCPU': 1}}, consumer_type='MIGRATION')
    client.allocate(new_uuid(), {rp: {'VCPU': 4}}, project='other')
    assert client.get('/usages?project_id=p', version='1.8').status_int == 404
    assert client.get('/usages', version='1.9').status_int == 400
    body = client.get('/usages?project_id=p', version='1.9').json
    assert body == {'usages': {'VCPU': 3}}
    body = client.get('/usages?project_id=p&user_id=nobody',
                      version='1.9').json
    assert body == {'usages': {}}
    body = client.get('/usages?project_id=p').json
    assert body['usages'] == {
        'INSTANCE': {'consumer_count': 1, 'VCPU': 2},
        'MIGRATION': {'consumer_count': 1, 'VCPU': 1}}
    body = client.get('/usages?project_id=p&consumer_type=all').json
    assert body['usages'] == {'all': {'consumer_count': 2, 'VCPU': 3}}
    body = client.get('/usages?project_id=p&consumer_type=MIGRATION').json
    assert body['usages'] == {'MIGRATION': {'consumer_count': 1, 'VCPU': 1}}
