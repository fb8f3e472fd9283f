"""/resource_providers/{uuid}/inventories."""

from tests.unit.placement.conftest import new_uuid


def _path(rp, rc=None):
    path = '/resource_providers/%s/inventories' % rp
    return path + '/' + rc if rc else path


def test_put_all_fills_defaults_and_bumps_generation(client):
    rp = client.create_provider('cn1')
    body = client.set_inventory(rp, VCPU=8, MEMORY_MB={'total': 1024,
                                                       'reserved': 512})
    assert body['resource_provider_generation'] == 1
    vcpu = body['inventories']['VCPU']
    assert vcpu == {'total': 8, 'reserved': 0, 'min_unit': 1,
                    'max_unit': 2147483647, 'step_size': 1,
                    'allocation_ratio': 1.0}
    got = client.get(_path(rp)).json
    assert got['inventories']['MEMORY_MB']['reserved'] == 512
    assert got['resource_provider_generation'] == 1


def test_put_all_with_stale_generation_is_409(client):
    rp = client.create_provider('cn1')
    client.set_inventory(rp, VCPU=8)
    resp = client.put(_path(rp), {'resource_provider_generation': 0,
                                  'inventories': {'VCPU': {'total': 4}}})
    assert resp.status_int == 409
    assert resp.json['errors'][0]['code'] == 'placement.concurrent_update'


def test_put_all_unknown_class_is_400(client):
    rp = client.create_provider('cn1')
    resp = client.put(_path(rp), {'resource_provider_generation': 0,
                                  'inventories': {'CUSTOM_NO': {'total': 4}}})
    assert resp.status_int == 400


def test_reserved_equal_total_allowed_from_1_26(client):
    rp = client.create_provider('cn1')
    body = {'resource_provider_generation': 0,
            'inventories': {'VCPU': {'total': 4, 'reserved': 4}}}
    assert client.put(_path(rp), body, version='1.25').status_int == 400
    assert client.put(_path(rp), body, version='1.26').status_int == 200


def test_removing_used_class_is_409_inuse(client):
    rp = client.create_provider('cn1')
    client.set_inventory(rp, VCPU=8, DISK_GB=10)
    client.allocate(new_uuid(), {rp: {'VCPU': 2}})
    resp = client.put(_path(rp), {
        'resource_provider_generation': client.generation(rp),
        'inventories': {'DISK_GB': {'total': 10}}})
    assert resp.status_int == 409
    assert resp.json['errors'][0]['code'] == 'placement.inventory.inuse'
    assert client.delete(_path(rp, 'VCPU')).status_int == 409
    assert client.delete(_path(rp)).status_int == 409


def test_shrinking_below_usage_is_allowed(client):
    rp = client.create_provider('cn1')
    client.set_inventory(rp, VCPU=8)
    client.allocate(new_uuid(), {rp: {'VCPU': 6}})
    client.set_inventory(rp, VCPU=4)


def test_post_get_put_delete_one_class(client):
    rp = client.create_provider('cn1')
    resp = client.post(_path(rp), {'resource_class': 'DISK_GB', 'total': 100,
                                   'resource_provider_generation': 0})
    assert resp.status_int == 201
    assert resp.headers['Location'].endswith(_path(rp, 'DISK_GB'))
    assert resp.json['resource_provider_generation'] == 1
    resp = client.post(_path(rp), {'resource_class': 'DISK_GB', 'total': 1,
                                   'resource_provider_generation': 1})
    assert resp.status_int == 409
    got = client.get(_path(rp, 'DISK_GB')).json
    assert got['total'] == 100 and got['resource_provider_generation'] == 1
    resp = client.put(_path(rp, 'DISK_GB'), {
        'total': 50, 'resource_provider_generation': 1})
    assert resp.status_int == 200 and resp.json['total'] == 50
    assert client.put(_path(rp, 'DISK_GB'), {
        'total': 50, 'resource_provider_generation': 1}).status_int == 409
    assert client.put(_path(rp, 'VCPU'), {
        'total': 5, 'resource_provider_generation': 2}).status_int == 404
    assert client.delete(_path(rp, 'DISK_GB')).status_int == 204
    assert client.get(_path(rp, 'DISK_GB')).status_int == 404
    assert client.delete(_path(rp, 'DISK_GB')).status_int == 404


def test_delete_all_needs_1_5(client):
    rp = client.create_provider('cn1')
    client.set_inventory(rp, VCPU=8)
    assert client.delete(_path(rp), version='1.4').status_int == 405
    assert client.delete(_path(rp), version='1.5').status_int == 204
    assert client.get(_path(rp)).json['inventories'] == {}


def test_schema_rejects_bad_values(client):
    rp = client.create_provider('cn1')
    for inv in ({'total': 0}, {'total': 1, 'min_unit': 0}, {'bogus': 1},
                {'total': 1, 'allocation_ratio': -1}):
        resp = client.put(_path(rp), {'resource_provider_generation': 0,
                                      'inventories': {'VCPU': inv}})
        assert resp.status_int == 400, inv


def test_inventory_of_missing_provider_is_404(client):
    assert client.get(_path(new_uuid())).status_int == 404
