"""os-availability-zone against real SQLite databases."""

import pytest

from nova import objects

ADMIN = 'admin:admin'


@pytest.fixture
def services(cells, monkeypatch):
    from nova import servicegroup
    monkeypatch.setattr(servicegroup, 'is_up', lambda s, now=None: True)
    made = {}
    for host, binary, disabled in (('cmp1', 'nova-compute', False),
                                   ('cmp2', 'nova-compute', False),
                                   ('cmp3', 'nova-compute', True),
                                   ('ctl', 'nova-scheduler', False),
                                   ('ctl', 'nova-conductor', False),
                                   ('ctl', 'nova-osapi_compute', False)):
        svc = objects.Service(cells.context, host=host, binary=binary,
                              topic=binary.split('-', 1)[1],
                              disabled=disabled)
        svc.create()
        made[(host, binary)] = svc
    agg = objects.Aggregate(cells.context, name='rack1')
    agg.availability_zone = 'az1'
    agg.create()
    agg.add_host('cmp1')
    gone = objects.Aggregate(cells.context, name='rack3')
    gone.availability_zone = 'az3'
    gone.create()
    gone.add_host('cmp3')
    return made


def test_list_hides_internal_zone(client, services):
    resp = client.request('GET', '/v2.1/os-availability-zone')
    assert resp.status_int == 200
    assert resp.json == {'availabilityZoneInfo': [
        {'zoneName': 'az1', 'zoneState': {'available': True},
         'hosts': None},
        {'zoneName': 'nova', 'zoneState': {'available': True},
         'hosts': None},
        {'zoneName': 'az3', 'zoneState': {'available': False},
         'hosts': None},
    ]}


def test_default_zone_comes_from_config(client, services, conf):
    conf.config(default_availability_zone='elsewhere')
    zones = [z['zoneName'] for z in client.request(
        'GET', '/v2.1/os-availability-zone').json['availabilityZoneInfo']]
    assert zones == ['az1', 'elsewhere', 'az3']


def test_detail_is_admin_only_and_lists_services(client, services):
    assert client.request('GET', '/v2.1/os-availability-zone/detail'
                          ).status_int == 403
    resp = client.request('GET', '/v2.1/os-availability-zone/detail',
                          token=ADMIN)
    assert resp.status_int == 200
    zones = {z['zoneName']: z for z in resp.json['availabilityZoneInfo']}
    assert sorted(zones) == ['az1', 'az3', 'internal', 'nova']
    assert zones['az3'] == {'zoneName': 'az3',
                            'zoneState': {'available': False},
                            'hosts': None}
    assert list(zones['az1']['hosts']) == ['cmp1']
    compute = zones['az1']['hosts']['cmp1']['nova-compute']
    assert compute['available'] is True and compute['active'] is True
    assert 'updated_at' in compute
    assert sorted(zones['internal']['hosts']['ctl']) == [
        'nova-conductor', 'nova-scheduler']
    assert list(zones['nova']['hosts']) == ['cmp2']
