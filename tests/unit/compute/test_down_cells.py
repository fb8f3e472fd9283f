"""Servers of a cell whose database cannot be reached (microversion 2.69):
the compute API against real SQLite cells plus one cell whose database
file cannot be opened."""

import uuid

import pytest

from nova import context as nova_context
from nova import exception
from nova import objects
from tests.unit.compute.test_api import api  # noqa: F401 (fixture)
from tests.unit.conftest import make_flavor


@pytest.fixture
def down_cell(cells):
    cell = objects.CellMapping(
        cells.context, uuid=str(uuid.uuid4()), name='cell-down',
        transport_url='fake:/',
        database_connection='sqlite:////nonexistent/dir/cell.sqlite')
    cell.create()
    return cell


def _ctx(project='p1'):
    return nova_context.RequestContext(user_id='u1', project_id=project,
                                       roles=['member', 'reader'])


def _server_in(cells, cell, project='p1'):
    """A server mapped to ``cell`` with its request spec; its instance row
    is only written when the cell is the reachable cell1."""
    flavor = objects.Flavor.get_by_flavor_id(cells.context, '2')
    server_uuid = str(uuid.uuid4())
    if cell.uuid == cells.cell1.uuid:
        objects.Instance(cells.context, uuid=server_uuid, project_id=project,
                         user_id='u1', display_name='up', vm_state='active',
                         flavor=flavor).create()
    objects.InstanceMapping(cells.context, instance_uuid=server_uuid,
                            project_id=project, user_id='u1',
                            cell_mapping=cell).create()
    objects.RequestSpec(
        cells.context, instance_uuid=server_uuid, project_id=project,
        user_id='u1', flavor=flavor, availability_zone='az1',
        image=objects.ImageMeta.from_dict({'id': str(uuid.uuid4())})
    ).create()
    return server_uuid


def test_listing_skips_or_shows_partial_servers_of_a_down_cell(
        api, cells, down_cell, conf):  # noqa: F811
    make_flavor(cells.context)
    up = _server_in(cells, cells.cell1)
    down = _server_in(cells, down_cell)
    _server_in(cells, down_cell, project='p2')
    ctx = _ctx()

    # Before 2.69: the servers of the down cell are left out...
    assert [i.uuid for i in api.get_all(ctx)] == [up]
    # ... or the listing fails when the operator prefers that.
    conf.config(list_records_by_skipping_down_cells=False, group='api')
    with pytest.raises(exception.CellUnavailable):
        api.get_all(ctx)

    # From 2.69: a partial record, of the caller's project only.
    listed = api.get_all(ctx, cell_down_support=True)
    assert [i.uuid for i in listed] == [up, down]
    partial = listed[1]
    assert not partial.obj_attr_is_set('vm_state')
    assert partial.project_id == 'p1' and partial.user_id == 'u1'
    assert partial.created_at is not None


def test_show_of_a_server_in_a_down_cell(api, cells, down_cell):  # noqa
    make_flavor(cells.context)
    down = _server_in(cells, down_cell)
    ctx = _ctx()
    with pytest.raises(exception.CellUnavailable):
        api.get(ctx, down)
    partial = api.get(ctx, down, cell_down_support=True)
    assert partial.uuid == down
    assert partial.flavor.name == 'm1.small'
    assert partial.availability_zone == 'az1'
    assert partial.image_ref
    # Another project still cannot see it.
    with pytest.raises(exception.InstanceNotFound):
        api.get(_ctx('p2'), down, cell_down_support=True)
