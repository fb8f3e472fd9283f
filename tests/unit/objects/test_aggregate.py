"""Aggregate objects against a real API database."""

import pytest

from nova import exception
from nova import objects
from tests.unit.conductor.test_indirection import conductor  # noqa: F401


def _aggregate(ctx, name='agg1', zone=None, hosts=(), **metadata):
    agg = objects.Aggregate(ctx, name=name)
    if zone:
        agg.availability_zone = zone
    if metadata:
        agg.metadata = dict(agg.metadata if agg.obj_attr_is_set('metadata')
                            else {}, **metadata)
    agg.create()
    for host in hosts:
        agg.add_host(host)
    return agg


def test_create_gives_uuid_and_az_from_metadata(cells):
    agg = _aggregate(cells.context, zone='az1')
    assert agg.id and agg.uuid
    assert agg.availability_zone == 'az1'
    assert agg.metadata == {'availability_zone': 'az1'}
    assert agg.hosts == []
    assert agg.deleted is False
    got = objects.Aggregate.get_by_uuid(cells.context, agg.uuid)
    assert got.id == agg.id and got.availability_zone == 'az1'


def test_name_is_unique_among_live_aggregates(cells):
    agg = _aggregate(cells.context)
    with pytest.raises(exception.AggregateNameExists):
        _aggregate(cells.context)
    agg.destroy()
    with pytest.raises(exception.AggregateNotFound):
        objects.Aggregate.get_by_id(cells.context, agg.id)
    again = _aggregate(cells.context)
    assert again.id != agg.id


def test_hosts_add_and_delete(cells):
    agg = _aggregate(cells.context, hosts=['h1', 'h2'])
    assert agg.hosts == ['h1', 'h2']
    with pytest.raises(exception.AggregateHostExists):
        agg.add_host('h1')
    agg.delete_host('h1')
    assert objects.Aggregate.get_by_id(cells.context,
                                       agg.id).hosts == ['h2']
    with pytest.raises(exception.AggregateHostNotFound):
        agg.delete_host('h1')


def test_update_metadata_none_deletes(cells):
    agg = _aggregate(cells.context, a='1', b='2')
    agg.update_metadata({'a': None, 'b': '3', 'c': '4', 'missing': None})
    assert agg.metadata == {'b': '3', 'c': '4'}
    assert agg.updated_at is not None


def test_save_renames_and_moves_zone(cells):
    agg = _aggregate(cells.context, zone='az1', x='y')
    other = _aggregate(cells.context, name='taken')
    agg.name = 'renamed'
    agg.availability_zone = 'az2'
    agg.save()
    got = objects.Aggregate.get_by_id(cells.context, agg.id)
    assert got.name == 'renamed'
    assert got.metadata == {'availability_zone': 'az2', 'x': 'y'}
    got.availability_zone = None
    got.save()
    assert objects.Aggregate.get_by_id(cells.context,
                                       agg.id).availability_zone is None
    got.name = other.name
    with pytest.raises(exception.AggregateNameExists):
        got.save()


def test_list_queries(cells):
    ctx = cells.context
    a1 = _aggregate(ctx, 'a1', zone='az1', hosts=['h1'], ssd='true')
    a2 = _aggregate(ctx, 'a2', hosts=['h1', 'h2'], ssd='false')
    a3 = _aggregate(ctx, 'a3', zone='az2', hosts=['h3'])
    ids = lambda aggs: [a.id for a in aggs]
    assert ids(objects.AggregateList.get_all(ctx)) == [a1.id, a2.id, a3.id]
    assert ids(objects.AggregateList.get_by_host(ctx, 'h1')) == [a1.id,
                                                                 a2.id]
    assert ids(objects.AggregateList.get_by_host(
        ctx, 'h1', key='availability_zone')) == [a1.id]
    assert ids(objects.AggregateList.get_by_metadata_key(
        ctx, 'availability_zone')) == [a1.id, a3.id]
    assert ids(objects.AggregateList.get_by_metadata_key(
        ctx, 'availability_zone', hosts=['h3', 'h2'])) == [a3.id]
    assert ids(objects.AggregateList.get_by_metadata(
        ctx, key='ssd', value='true')) == [a1.id]
    assert ids(objects.AggregateList.get_by_metadata(
        ctx, value='false')) == [a2.id]
    a3.delete_host('h3')
    a3.destroy()
    assert ids(objects.AggregateList.get_all(ctx)) == [a1.id, a2.id]


def test_round_trip_through_primitive(cells):
    agg = _aggregate(cells.context, zone='az1', hosts=['h1'])
    copy = objects.Aggregate.obj_from_primitive(agg.obj_to_primitive())
    assert copy.availability_zone == 'az1'
    assert copy.hosts == ['h1']



def test_methods_run_in_the_conductor(cells, conductor):  # noqa: F811
    agg = _aggregate(cells.context, zone='az1')
    agg.add_host('h1')
    agg.update_metadata({'k': 'v'})
    assert agg.hosts == ['h1']
    assert agg.metadata == {'availability_zone': 'az1', 'k': 'v'}
    got = objects.AggregateList.get_by_host(cells.context, 'h1')
    assert [a.availability_zone for a in got] == ['az1']
    with pytest.raises(exception.AggregateHostExists):
        agg.add_host('h1')
    assert ('action', 'Aggregate', 'add_host') in conductor.calls
    assert ('class', 'AggregateList', 'get_by_host') in conductor.calls
