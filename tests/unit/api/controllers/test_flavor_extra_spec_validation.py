"""POST /flavors/{id}/os-extra_specs and PUT .../os-extra_specs/{key}
check keys and values from microversion 2.86, over a real API database."""

import pytest

from nova import objects

ADMIN = 'admin:admin'
SPECS = '/v2.1/flavors/1/os-extra_specs'


def _stored(world):
    return objects.Flavor.get_by_flavor_id(world.ctx, '1').extra_specs


def _post(client, specs, version):
    return client.request('POST', SPECS, token=ADMIN, version=version,
                          body={'extra_specs': specs})


def _put(client, key, value, version):
    return client.request('PUT', '%s/%s' % (SPECS, key), token=ADMIN,
                          version=version, body={key: value})


@pytest.mark.parametrize('send', [_post, _put], ids=['create', 'update'])
def test_before_2_86_anything_is_stored(client, world, send):
    resp = (send(client, {'hw:cpu_policy': 'bogus'}, '2.85')
            if send is _post else send(client, 'hw:cpu_policy', 'bogus',
                                       '2.85'))
    assert resp.status_int == 200, resp.text
    assert _stored(world) == {'hw:cpu_policy': 'bogus'}


def test_from_2_86_a_bad_value_is_400_and_nothing_is_stored(client, world):
    resp = _post(client, {'hw:numa_nodes': '2', 'hw:cpu_policy': 'bogus'},
                 '2.86')
    assert resp.status_int == 400, resp.text
    assert resp.json == {'badRequest': {'code': 400, 'message': (
        "Validation failed; extra spec 'hw:cpu_policy' does not take the "
        "value 'bogus': expected one of: dedicated, shared, mixed.")}}
    resp = _put(client, 'hw:cpu_policy', 'bogus', 'latest')
    assert resp.status_int == 400, resp.text
    assert "'hw:cpu_policy'" in resp.json['badRequest']['message']
    assert _stored(world) == {}


def test_from_2_86_an_unknown_key_of_a_known_namespace_is_400(client,
                                                              world):
    for resp in (_post(client, {'hw:cpu_polcy': 'dedicated'}, '2.86'),
                 _put(client, 'trait:NOT_A_TRAIT', 'required', '2.86')):
        assert resp.status_int == 400, resp.text
        assert 'is not a known key' in resp.json['badRequest']['message']
    assert _stored(world) == {}


def test_from_2_86_good_and_foreign_specs_are_stored(client, world):
    specs = {'hw:cpu_policy': 'dedicated', 'resources1:CUSTOM_X': 2,
             'trait:HW_CPU_X86_AVX2': 'required', 'hw_rng:allowed': True,
             'acme:anything': 'goes', 'plain_key': 'value'}
    resp = _post(client, specs, '2.86')
    assert resp.status_int == 200, resp.text
    resp = _put(client, 'hw:numa_nodes', '2', '2.86')
    assert resp.status_int == 200, resp.text
    assert _stored(world) == {
        'hw:cpu_policy': 'dedicated', 'resources1:CUSTOM_X': '2',
        'trait:HW_CPU_X86_AVX2': 'required', 'hw_rng:allowed': 'True',
        'acme:anything': 'goes', 'plain_key': 'value', 'hw:numa_nodes': '2'}
