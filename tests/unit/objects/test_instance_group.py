"""Server group (instance group) objects against a real API database."""

import uuid

import pytest

from nova import context as nova_context
from nova import exception
from nova import objects
from nova.db.main import api as main_db
from tests.unit.conductor.test_indirection import conductor  # noqa: F401


def _group(ctx, name='g1', policy='anti-affinity', project_id='p1', **kw):
    group = objects.InstanceGroup(ctx, name=name, policy=policy,
                                  project_id=project_id, user_id='u1', **kw)
    group.create()
    return group


def test_create_and_get(cells):
    group = _group(cells.context, rules={'max_server_per_host': '2'})
    assert uuid.UUID(group.uuid)
    got = objects.InstanceGroup.get_by_uuid(cells.context, group.uuid)
    assert (got.name, got.policy, got.rules, got.members) == (
        'g1', 'anti-affinity', {'max_server_per_host': '2'}, [])
    assert got.policies == ['anti-affinity']
    assert got.project_id == 'p1' and got.user_id == 'u1'
    with pytest.raises(exception.InstanceGroupNotFound):
        objects.InstanceGroup.get_by_uuid(cells.context, str(uuid.uuid4()))


def test_members_and_lookups(cells):
    group = _group(cells.context)
    a, b = str(uuid.uuid4()), str(uuid.uuid4())
    assert objects.InstanceGroup.add_members(cells.context, group.uuid,
                                             [a, b, a]) == [a, b]
    assert objects.InstanceGroup.add_members(cells.context, group.uuid,
                                             [a]) == []
    assert objects.InstanceGroup.get_by_instance_uuid(
        cells.context, b).uuid == group.uuid
    with pytest.raises(exception.InstanceGroupNotFound):
        objects.InstanceGroup.get_by_instance_uuid(cells.context,
                                                   str(uuid.uuid4()))
    got = objects.InstanceGroup.get_by_uuid(cells.context, group.uuid)
    assert got.members == [a, b]
    got.members = [b]
    got.name = 'renamed'
    got.save()
    got = objects.InstanceGroup.get_by_uuid(cells.context, group.uuid)
    assert (got.name, got.members) == ('renamed', [b])


def test_get_by_hint_takes_uuid_or_name_in_own_project(cells):
    group = _group(cells.context, name='web')
    ctx = nova_context.RequestContext(user_id='u1', project_id='p1')
    assert objects.InstanceGroup.get_by_hint(ctx, group.uuid).id == group.id
    assert objects.InstanceGroup.get_by_hint(ctx, 'web').id == group.id
    other = nova_context.RequestContext(user_id='u2', project_id='p2')
    with pytest.raises(exception.InstanceGroupNotFound):
        objects.InstanceGroup.get_by_hint(other, 'web')


def test_members_being_deleted_are_left_out(cells):
    group = _group(cells.context)
    live, dying = str(uuid.uuid4()), str(uuid.uuid4())
    objects.InstanceGroup.add_members(cells.context, group.uuid,
                                      [live, dying])
    mapping = objects.InstanceMapping(cells.context, instance_uuid=dying,
                                      project_id='p1',
                                      queued_for_delete=True)
    mapping.create()
    assert objects.InstanceGroup.get_by_uuid(
        cells.context, group.uuid).members == [live]
    listed = objects.InstanceGroupList.get_all(cells.context)
    assert listed[0].members == [live]


def test_lists_and_destroy(cells):
    g1 = _group(cells.context, 'g1')
    g2 = _group(cells.context, 'g2', policy='affinity', project_id='p2')
    assert [g.uuid for g in objects.InstanceGroupList.get_all(
        cells.context)] == [g1.uuid, g2.uuid]
    assert [g.uuid for g in objects.InstanceGroupList.get_by_project_id(
        cells.context, 'p2')] == [g2.uuid]
    g1.destroy()
    assert [g.uuid for g in objects.InstanceGroupList.get_all(
        cells.context)] == [g2.uuid]
    with pytest.raises(exception.InstanceGroupNotFound):
        g1.destroy()


def test_get_hosts_reads_the_members_cells(cells):
    group = _group(cells.context)
    cctxt = cells.context.targeted(cells.cell1.uuid)
    uuids = []
    for host in ('h1', 'h2', 'h1'):
        inst_uuid = str(uuid.uuid4())
        main_db.instance_create(cctxt, {
            'uuid': inst_uuid, 'host': host, 'project_id': 'p1',
            'user_id': 'u1', 'vm_state': 'active'})
        objects.InstanceMapping(cells.context, instance_uuid=inst_uuid,
                                project_id='p1',
                                cell_mapping=cells.cell1).create()
        uuids.append(inst_uuid)
    objects.InstanceGroup.add_members(cells.context, group.uuid, uuids)
    got = objects.InstanceGroup.get_by_uuid(cells.context, group.uuid)
    assert sorted(got.get_hosts()) == ['h1', 'h2']
    assert set(got.hosts) == {"h1", "h2"}
    assert got.get_hosts(exclude=[uuids[1]]) == ['h1']



def test_methods_run_in_the_conductor(cells, conductor):  # noqa: F811
    group = _group(cells.context, rules={'max_server_per_host': '3'})
    member = str(uuid.uuid4())
    assert objects.InstanceGroup.add_members(
        cells.context, group.uuid, [member]) == [member]
    got = objects.InstanceGroup.get_by_uuid(cells.context, group.uuid)
    assert got.members == [member]
    assert got.rules == {'max_server_per_host': '3'}
    assert got.get_hosts() == []
    with pytest.raises(exception.InstanceGroupNotFound):
        objects.InstanceGroup.get_by_uuid(cells.context, str(uuid.uuid4()))
    assert ('class', 'InstanceGroup', 'add_members') in conductor.calls
    assert ('action', 'InstanceGroup', 'get_hosts') in conductor.calls
