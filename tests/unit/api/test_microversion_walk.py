"""Walk every microversion from 2.1 to the maximum and check which fields
a server carries at each one.

The expectations below are written from the Compute API reference, not
from nova.api.microversions, so that a gate moved to the wrong version in
the code makes this test fail.
"""

import pytest

from nova.api import microversions as mv
from tests.unit.api.controllers.test_servers import UUID
from tests.unit.api.controllers.test_servers import compute  # noqa: F401,F811

ALL_VERSIONS = [version for version, _ in mv.HISTORY]

BASE_FIELDS = {
    'OS-DCF:diskConfig', 'OS-EXT-AZ:availability_zone',
    'OS-EXT-STS:power_state', 'OS-EXT-STS:task_state',
    'OS-EXT-STS:vm_state', 'OS-SRV-USG:launched_at',
    'OS-SRV-USG:terminated_at', 'accessIPv4', 'accessIPv6', 'addresses',
    'config_drive', 'created', 'flavor', 'hostId', 'id', 'image',
    'key_name', 'links', 'metadata', 'name',
    'os-extended-volumes:volumes_attached', 'progress', 'status',
    'tenant_id', 'updated', 'user_id',
}
ADMIN_BASE_FIELDS = {
    'OS-EXT-SRV-ATTR:host', 'OS-EXT-SRV-ATTR:hypervisor_hostname',
    'OS-EXT-SRV-ATTR:instance_name',
}
# field -> (first version, who sees it, in which views). Views: show,
# detail (list) and update (the PUT response).
GATES = {
    'OS-EXT-SRV-ATTR:reservation_id': ('2.3', 'admin', 'show detail'),
    'OS-EXT-SRV-ATTR:launch_index': ('2.3', 'admin', 'show detail'),
    'OS-EXT-SRV-ATTR:kernel_id': ('2.3', 'admin', 'show detail'),
    'OS-EXT-SRV-ATTR:ramdisk_id': ('2.3', 'admin', 'show detail'),
    'OS-EXT-SRV-ATTR:root_device_name': ('2.3', 'admin', 'show detail'),
    'OS-EXT-SRV-ATTR:user_data': ('2.3', 'admin', 'show detail'),
    'OS-EXT-SRV-ATTR:hostname': ('2.3', 'admin', 'show detail'),
    'locked': ('2.9', 'all', 'show detail update'),
    'host_status': ('2.16', 'admin', 'show detail'),
    'description': ('2.19', 'all', 'show detail update'),
    'tags': ('2.26', 'all', 'show detail update'),
    'trusted_image_certificates': ('2.63', 'all', 'show detail update'),
    'server_groups': ('2.71', 'all', 'show update'),
    'locked_reason': ('2.73', 'all', 'show detail update'),
    'pinned_availability_zone': ('2.96', 'all', 'show detail update'),
    'scheduler_hints': ('2.100', 'all', 'show detail update'),
}
# Since 2.90 every user sees the hostname.
HOSTNAME_FOR_ALL = '2.90'
# Since 2.75 the PUT response is the full server, as in show.
FULL_UPDATE = '2.75'


def _v(text):
    return mv.APIVersion(text)


def expected_fields(version, admin, view):
    version = _v(version)
    if view == 'update' and version < _v(FULL_UPDATE):
        fields = {'id', 'name', 'status', 'tenant_id', 'user_id',
                  'metadata', 'hostId', 'image', 'flavor', 'created',
                  'updated', 'addresses', 'accessIPv4', 'accessIPv6',
                  'links', 'OS-DCF:diskConfig', 'progress'}
        for name, (first, who, views) in GATES.items():
            if 'update' in views.split() and version >= _v(first) and \
                    (who == 'all' or admin):
                fields.add(name)
        return fields
    fields = set(BASE_FIELDS)
    if admin:
        fields |= ADMIN_BASE_FIELDS
    show_like = 'show' if view == 'update' else view
    for name, (first, who, views) in GATES.items():
        if show_like in views.split() and version >= _v(first) and \
                (who == 'all' or admin):
            fields.add(name)
    if version >= _v(HOSTNAME_FOR_ALL):
        fields.add('OS-EXT-SRV-ATTR:hostname')
    return fields


@pytest.mark.parametrize('version', ALL_VERSIONS)
@pytest.mark.parametrize('admin', [True, False], ids=['admin', 'member'])
def test_server_show_fields(client, compute, version, admin):  # noqa: F811
    token = 'admin:admin' if admin else 'demo:demo'
    resp = client.request('GET', '/v2.1/servers/' + UUID, token=token,
                          version=version)
    assert resp.status_int == 200
    assert resp.headers['OpenStack-API-Version'] == 'compute %s' % version
    assert set(resp.json['server']) == expected_fields(version, admin,
                                                       'show')


@pytest.mark.parametrize('version', ALL_VERSIONS)
def test_server_detail_fields(client, compute, version):  # noqa: F811
    resp = client.request('GET', '/v2.1/servers/detail',
                          token='admin:admin', version=version)
    assert resp.status_int == 200
    (server,) = resp.json['servers']
    assert set(server) == expected_fields(version, True, 'detail')


@pytest.mark.parametrize('version', ALL_VERSIONS)
def test_server_update_fields(client, compute, version):  # noqa: F811
    resp = client.request('PUT', '/v2.1/servers/' + UUID,
                          body={'server': {'name': 'renamed'}},
                          token='demo:demo', version=version)
    assert resp.status_int == 200
    assert set(resp.json['server']) == expected_fields(version, False,
                                                       'update')


@pytest.mark.parametrize('version', ALL_VERSIONS)
def test_flavor_shape(client, compute, version):  # noqa: F811
    """2.47 embeds the flavor in the server instead of linking it."""
    server = client.request('GET', '/v2.1/servers/' + UUID,
                            version=version).json['server']
    if _v(version) >= _v('2.47'):
        assert 'id' not in server['flavor']
        assert server['flavor']['original_name'] == 'm1.tiny'
    else:
        assert server['flavor']['id'] == '1'


def test_walk_covers_every_version():
    minors = [_v(v).minor for v in ALL_VERSIONS]
    assert minors == list(range(1, _v(mv.MAX_VERSION).minor + 1))


@pytest.mark.parametrize('version', ['2.70', '2.71', '2.74', '2.75',
                                     mv.MAX_VERSION])
def test_server_groups_in_show_and_update(client, compute,  # noqa: F811
                                          version):
    group = '2b2c7a43-9d53-4a3b-8d1c-7d3c5e1f0a11'
    compute.groups[UUID] = group
    show = client.request('GET', '/v2.1/servers/' + UUID,
                          version=version).json['server']
    update = client.request('PUT', '/v2.1/servers/' + UUID,
                            body={'server': {'name': 'x'}},
                            version=version).json['server']
    for body in (show, update):
        if _v(version) >= _v('2.71'):
            assert body['server_groups'] == [group]
        else:
            assert 'server_groups' not in body


def test_hostname_on_create_and_update_from_2_90(client, compute):  # noqa
    body = {'server': {'name': 'vm', 'flavorRef': '1', 'networks': 'none',
                       'imageRef': '155d900f-4e14-4e4c-a73d-069cbf4541e6',
                       'hostname': 'web-1'}}
    assert client.request('POST', '/v2.1/servers', body=body,
                          version='2.89').status_int == 400
    assert client.request('POST', '/v2.1/servers', body=body,
                          version='2.90').status_int == 202
    assert compute.calls['create']['hostname'] == 'web-1'
    body['server'].update(min_count=2, max_count=2)
    resp = client.request('POST', '/v2.1/servers', body=body,
                          version='2.90')
    assert resp.status_int == 400
    assert 'several servers' in resp.json['badRequest']['message']
    update = {'server': {'hostname': 'web-2'}}
    assert client.request('PUT', '/v2.1/servers/' + UUID, body=update,
                          version='2.89').status_int == 400
    resp = client.request('PUT', '/v2.1/servers/' + UUID, body=update,
                          version='2.90')
    assert resp.status_int == 200
    assert resp.json['server']['OS-EXT-SRV-ATTR:hostname'] == 'web-2'


def test_pinned_zone_update_from_2_104(client, compute):  # noqa: F811
    path = '/v2.1/servers/' + UUID
    pin = {'server': {'pinned_availability_zone': 'nova'}}
    assert client.request('PUT', path, body=pin,
                          version='2.103').status_int == 400
    resp = client.request('PUT', path, body=pin, version='2.104')
    assert resp.status_int == 200
    assert resp.json['server']['pinned_availability_zone'] == 'nova'
    assert compute.specs[UUID].availability_zone == 'nova'
    other = {'server': {'pinned_availability_zone': 'elsewhere'}}
    resp = client.request('PUT', path, body=other, version='2.104')
    assert resp.status_int == 400
    assert 'only be pinned to the zone it is in' in (
        resp.json['badRequest']['message'])
    unpin = {'server': {'pinned_availability_zone': None}}
    resp = client.request('PUT', path, body=unpin, version='2.104')
    assert resp.json['server']['pinned_availability_zone'] is None


def test_rxtx_factor_refused_from_2_102(client):
    body = {'flavor': {'name': 'f', 'ram': 64, 'vcpus': 1, 'disk': 1,
                       'rxtx_factor': 1.0}}
    resp = client.request('POST', '/v2.1/flavors', body=body,
                          token='admin:admin', version='2.102')
    assert resp.status_int == 400
    assert 'rxtx_factor' in resp.json['badRequest']['message']


DOWN = '0c0f9d6e-2b49-4b8e-9d0f-6f1c2a3b4d5e'


def _down_server(compute):
    from nova import objects
    from tests.unit.api.conftest import NOW
    from tests.unit.api.conftest import make_flavor
    compute.down[DOWN] = objects.Instance(
        uuid=DOWN, project_id='demo', user_id='demo', created_at=NOW,
        flavor=make_flavor(), availability_zone='nova',
        image_ref='155d900f-4e14-4e4c-a73d-069cbf4541e6')


@pytest.mark.parametrize('version', ['2.68', '2.69', mv.MAX_VERSION])
def test_servers_of_a_down_cell(client, compute, version):  # noqa: F811
    _down_server(compute)
    index = client.request('GET', '/v2.1/servers',
                           version=version).json['servers']
    detail = client.request('GET', '/v2.1/servers/detail',
                            version=version).json['servers']
    show = client.request('GET', '/v2.1/servers/' + DOWN, version=version)
    if _v(version) < _v('2.69'):
        assert [s['id'] for s in index] == [UUID]
        assert [s['id'] for s in detail] == [UUID]
        assert show.status_int == 503
        assert 'cannot be reached' in show.json['serviceUnavailable']['message']
        return
    assert index[1] == {'id': DOWN, 'status': 'UNKNOWN',
                        'links': index[1]['links']}
    assert set(detail[1]) == {'id', 'status', 'tenant_id', 'created',
                              'links'}
    assert detail[1]['status'] == 'UNKNOWN'
    server = show.json['server']
    expected = {'id', 'status', 'tenant_id', 'user_id', 'created', 'links',
                'image', 'flavor', 'OS-EXT-AZ:availability_zone',
                'OS-EXT-STS:power_state'}
    if _v(version) >= _v('2.71'):
        expected.add('server_groups')
    assert set(server) == expected
    assert server['status'] == 'UNKNOWN'
    assert server['flavor']['original_name'] == 'm1.tiny'
    assert server['OS-EXT-AZ:availability_zone'] == 'nova'


def test_pinned_zone_and_hints_come_from_the_request_spec(client,  # noqa
                                                          compute):
    compute.specs[UUID].availability_zone = 'az9'
    compute.specs[UUID].scheduler_hints = {'group': ['g1']}
    for path in ('/v2.1/servers/' + UUID, '/v2.1/servers/detail'):
        at_95 = client.request('GET', path, version='2.95').json
        at_99 = client.request('GET', path, version='2.99').json
        at_100 = client.request('GET', path, version='2.100').json
        first = (lambda body: body['server'] if 'server' in body
                 else body['servers'][0])
        assert 'pinned_availability_zone' not in first(at_95)
        assert first(at_99)['pinned_availability_zone'] == 'az9'
        assert 'scheduler_hints' not in first(at_99)
        assert first(at_100)['scheduler_hints'] == {'group': ['g1']}
