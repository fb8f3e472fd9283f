import datetime
import uuid

import pytest

from nova.db.main import migrations as migrations_db
from nova import exception
from nova import objects
from tests.unit.conftest import make_flavor


def _instance(ctx, flavor):
    inst = objects.Instance(ctx, uuid=str(uuid.uuid4()), project_id='p1',
                            user_id='u1', vm_state='active', flavor=flavor)
    inst.create()
    return inst


def _migration(ctx, inst, **kwargs):
    values = dict(instance_uuid=inst.uuid, source_compute='h1',
                  source_node='n1', dest_compute='h2', dest_node='n2',
                  status='pre-migrating', migration_type='resize',
                  old_instance_type_id=1, new_instance_type_id=2)
    values.update(kwargs)
    mig = objects.Migration(ctx, **values)
    mig.create()
    return mig


def test_create_fills_uuid_and_owner(cells):
    inst = _instance(cells.context, make_flavor(cells.context))
    mig = _migration(cells.context, inst)
    assert uuid.UUID(mig.uuid) and mig.id
    assert mig.hidden is False and mig.cross_cell_move is False
    assert mig.is_resize and not mig.is_same_host
    got = objects.Migration.get_by_uuid(cells.context, mig.uuid)
    assert got.id == mig.id and got.status == 'pre-migrating'
    assert objects.Migration.get_by_id_and_instance(
        cells.context, mig.id, inst.uuid).uuid == mig.uuid


def test_unknown_type_refused(cells):
    inst = _instance(cells.context, make_flavor(cells.context))
    with pytest.raises(exception.ObjectActionError):
        _migration(cells.context, inst, migration_type='teleport')


def test_save_and_status_lookup(cells):
    inst = _instance(cells.context, make_flavor(cells.context))
    mig = _migration(cells.context, inst)
    mig.status = 'finished'
    mig.save()
    got = objects.Migration.get_by_instance_and_status(
        cells.context, inst.uuid, 'finished')
    assert got.id == mig.id
    with pytest.raises(exception.MigrationNotFoundByStatus):
        objects.Migration.get_by_instance_and_status(
            cells.context, inst.uuid, 'migrating')
    with pytest.raises(exception.MigrationNotFoundForInstance):
        objects.Migration.get_by_id_and_instance(cells.context, mig.id,
                                                 str(uuid.uuid4()))


def test_in_progress_queries(cells):
    inst = _instance(cells.context, make_flavor(cells.context))
    done = _migration(cells.context, inst, status='confirmed')
    live = _migration(cells.context, inst, status='running',
                      migration_type='live-migration')
    in_progress = objects.MigrationList.get_in_progress_by_instance(
        cells.context, inst.uuid)
    assert [m.id for m in in_progress] == [live.id]
    assert not objects.MigrationList.get_in_progress_by_instance(
        cells.context, inst.uuid, 'resize')
    on_node = objects.MigrationList.get_in_progress_by_host_and_node(
        cells.context, 'h2', 'n2')
    assert [m.id for m in on_node] == [live.id]
    assert done.id not in [m.id for m in on_node]


def test_unconfirmed_after_window(cells):
    inst = _instance(cells.context, make_flavor(cells.context))
    mig = _migration(cells.context, inst, status='finished')
    assert not objects.MigrationList.get_unconfirmed_by_dest_compute(
        cells.context, 60, 'h2')
    old = datetime.datetime.utcnow() - datetime.timedelta(seconds=120)
    migrations_db.migration_update(cells.context, mig.id,
                                   {'updated_at': old})
    got = objects.MigrationList.get_unconfirmed_by_dest_compute(
        cells.context, 60, 'h2')
    assert [m.id for m in got] == [mig.id]


def test_filters_and_paging(cells):
    inst = _instance(cells.context, make_flavor(cells.context))
    migs = [_migration(cells.context, inst, source_compute='h%d' % i,
                       status='finished' if i % 2 else 'error')
            for i in range(5)]
    every = objects.MigrationList.get_by_filters(cells.context, {})
    assert [m.id for m in every] == [m.id for m in reversed(migs)]
    page = objects.MigrationList.get_by_filters(cells.context, {}, limit=2)
    assert [m.id for m in page] == [migs[4].id, migs[3].id]
    nxt = objects.MigrationList.get_by_filters(
        cells.context, {}, limit=2, marker=page[-1].uuid)
    assert [m.id for m in nxt] == [migs[2].id, migs[1].id]
    assert len(objects.MigrationList.get_by_filters(
        cells.context, {'status': 'error'})) == 3
    assert len(objects.MigrationList.get_by_filters(
        cells.context, {'host': 'h2'})) == 5
    assert [m.id for m in objects.MigrationList.get_by_filters(
        cells.context, {'source_compute': 'h1'})] == [migs[1].id]
    with pytest.raises(exception.MarkerNotFound):
        objects.MigrationList.get_by_filters(cells.context, {},
                                             marker=str(uuid.uuid4()))


def test_instance_keeps_old_and_new_flavor(cells):
    small = make_flavor(cells.context)
    big = make_flavor(cells.context, name='m1.big', flavorid='3',
                      memory_mb=4096)
    inst = _instance(cells.context, small)
    assert inst.old_flavor is None and inst.new_flavor is None
    inst.old_flavor = small
    inst.new_flavor = big
    inst.task_state = 'resize_prep'
    inst.save()
    got = objects.Instance.get_by_uuid(cells.context, inst.uuid)
    assert got.old_flavor.name == 'm1.small'
    assert got.new_flavor.name == 'm1.big'
    assert got.task_state == 'resize_prep'
    got.old_flavor = None
    got.new_flavor = None
    got.save()
    got = objects.Instance.get_by_uuid(cells.context, inst.uuid)
    assert got.old_flavor is None and got.new_flavor is None
