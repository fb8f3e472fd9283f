"""POST /reshaper and the schema functions of nova.placement.db."""

from nova.placement.db import migration
from tests.unit.placement.conftest import new_uuid


def test_db_version_is_head_after_sync(placement_url, tmp_path):
    assert migration.db_version(placement_url) == migration.head_revision()
    fresh = 'sqlite:///%s' % (tmp_path / 'fresh.sqlite')
    assert migration.db_version(fresh) is None


def test_reshape_moves_inventory_and_allocations_to_a_child(client):
    root = client.create_provider('cn1')
    client.set_inventory(root, VCPU=8, VGPU=4)
    consumer = new_uuid()
    client.allocate(consumer, {root: {'VCPU': 1, 'VGPU': 1}})
    child = client.create_provider('cn1-gpu0', parent=root)
    body = {
        'inventories': {
            root: {'resource_provider_generation': client.generation(root),
                   'inventories': {'VCPU': {'total': 8}}},
            child: {'resource_provider_generation': client.generation(child),
                    'inventories': {'VGPU': {'total': 4}}}},
        'allocations': {
            consumer: {'allocations': {root: {'resources': {'VCPU': 1}},
                                       child: {'resources': {'VGPU': 1}}},
                       'project_id': 'p', 'user_id': 'u',
                       'consumer_generation': 1,
                       'consumer_type': 'INSTANCE'}}}
    assert client.post('/reshaper', body, version='1.29').status_int == 404
    resp = client.post('/reshaper', body)
    assert resp.status_int == 204, resp.body
    allocs = client.get('/allocations/%s' % consumer).json['allocations']
    assert allocs[child]['resources'] == {'VGPU': 1}
    assert allocs[root]['resources'] == {'VCPU': 1}
    invs = client.get('/resource_providers/%s/inventories' % root).json
    assert list(invs['inventories']) == ['VCPU']


def test_reshape_with_stale_generation_changes_nothing(client):
    root = client.create_provider('cn1')
    client.set_inventory(root, VCPU=8)
    resp = client.post('/reshaper', {
        'inventories': {root: {'resource_provider_generation': 0,
                               'inventories': {}}},
        'allocations': {}})
    assert resp.status_int == 409
    invs = client.get('/resource_providers/%s/inventories' % root).json
    assert list(invs['inventories']) == ['VCPU']
