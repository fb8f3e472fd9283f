import uuid

from oslo_versionedobjects import base as ovo_base
import pytest

from nova import exception
from nova import objects
from tests.unit.conftest import make_flavor


def _instance(ctx, flavor, **kwargs):
    values = dict(uuid=str(uuid.uuid4()), project_id='p1', user_id='u1',
                  display_name='vm', vm_state='building', flavor=flavor,
                  metadata={'role': 'web'})
    values.update(kwargs)
    inst = objects.Instance(ctx, **values)
    inst.create()
    return inst


def test_instance_round_trips_metadata_and_flavor(cells):
    flavor = make_flavor(cells.context)
    inst = _instance(cells.context, flavor)
    got = objects.Instance.get_by_uuid(cells.context, inst.uuid)
    assert got.metadata == {'role': 'web'}
    assert got.flavor.name == 'm1.small'
    assert got.flavor.memory_mb == 2048


def test_in_place_metadata_edit_is_saved(cells):
    inst = _instance(cells.context, make_flavor(cells.context))
    inst.metadata['tier'] = 'gold'
    assert 'metadata' in inst.obj_what_changed()
    inst.save()
    got = objects.Instance.get_by_uuid(cells.context, inst.uuid)
    assert got.metadata == {'role': 'web', 'tier': 'gold'}


def test_save_refuses_unexpected_state(cells):
    inst = _instance(cells.context, make_flavor(cells.context),
                     vm_state='active')
    inst.vm_state = 'stopped'
    with pytest.raises(exception.InstanceInvalidState):
        inst.save(expected_vm_state=['building'])
    got = objects.Instance.get_by_uuid(cells.context, inst.uuid)
    assert got.vm_state == 'active'


def test_destroy_soft_deletes(cells):
    inst = _instance(cells.context, make_flavor(cells.context))
    inst.destroy()
    with pytest.raises(exception.InstanceNotFound):
        objects.Instance.get_by_uuid(cells.context, inst.uuid)
    deleted_ctx = cells.context.elevated(read_deleted='yes')
    got = objects.Instance.get_by_uuid(deleted_ctx, inst.uuid)
    assert got.deleted and got.vm_state == 'deleted'


def test_list_across_cells_pages_in_one_order(cells):
    flavor = make_flavor(cells.context)
    ctx0 = cells.context.targeted(cells.cell0.uuid)
    ctx1 = cells.context.targeted(cells.cell1.uuid)
    made = [_instance(ctx0 if i % 2 else ctx1, flavor,
                      display_name='vm%02d' % i) for i in range(7)]
    cell_uuids = [cells.cell0.uuid, cells.cell1.uuid]
    pages, marker = [], None
    while True:
        page = objects.InstanceList.get_across_cells(
            cells.context, cell_uuids, {}, sort_keys=['display_name'],
            sort_dirs=['asc'], limit=3, marker=marker)
        if not page:
            break
        pages.append([i.display_name for i in page])
        marker = page[-1].uuid
    assert pages == [['vm00', 'vm01', 'vm02'], ['vm03', 'vm04', 'vm05'],
                     ['vm06']]
    assert len(made) == 7


def test_list_filters_by_project_and_name_regex(cells):
    flavor = make_flavor(cells.context)
    _instance(cells.context, flavor, display_name='web-1')
    _instance(cells.context, flavor, display_name='db-1')
    _instance(cells.context, flavor, display_name='web-2', project_id='p2')
    found = objects.InstanceList.get_across_cells(
        cells.context, [cells.cell1.uuid],
        {'project_id': 'p1', 'display_name': '^web'})
    assert [i.display_name for i in found] == ['web-1']


def test_unknown_marker_is_an_error(cells):
    with pytest.raises(exception.MarkerNotFound):
        objects.InstanceList.get_across_cells(
            cells.context, [cells.cell1.uuid], {}, marker=str(uuid.uuid4()))


def test_latest_fault_is_loaded_for_errored_instances(cells):
    inst = _instance(cells.context, make_flavor(cells.context),
                     vm_state='error')
    for message in ('first', 'second'):
        objects.InstanceFault.from_exception(
            cells.context, inst.uuid,
            exception.NoValidHost(reason=message)).create()
    found = objects.InstanceList.get_across_cells(
        cells.context, [cells.cell1.uuid], {}, expected_attrs=['fault'])
    assert 'second' in found[0].fault.message


def test_instance_sent_over_rpc_keeps_its_change_tracking(cells):
    from nova.objects import base as obj_base
    inst = _instance(cells.context, make_flavor(cells.context))
    serializer = obj_base.NovaObjectSerializer()

    received = serializer.deserialize_entity(
        cells.context, serializer.serialize_entity(cells.context, inst))
    # Nothing was changed by the sender, so saving the copy must not
    # rewrite the metadata (another request may have changed it since).
    assert received.obj_what_changed() == set()
    assert received.metadata == {'role': 'web'}
    assert received.flavor.name == 'm1.small'

    inst.metadata['tier'] = 'gold'
    inst.display_name = 'renamed'
    received = serializer.deserialize_entity(
        cells.context, serializer.serialize_entity(cells.context, inst))
    assert received.obj_what_changed() == {'metadata', 'display_name'}
    received.save()
    got = objects.Instance.get_by_uuid(cells.context, inst.uuid)
    assert got.metadata == {'role': 'web', 'tier': 'gold'}
    assert got.display_name == 'renamed'


def test_fast_serialization_matches_the_library(cells):
    from oslo_versionedobjects import base as ovo_base
    from nova.objects import base as obj_base
    inst = _instance(cells.context, make_flavor(cells.context),
                     access_ip_v4='10.0.0.5')
    inst = objects.Instance.get_by_uuid(cells.context, inst.uuid,
                                        expected_attrs=['fault'])
    inst.display_name = 'changed'
    ours = inst.obj_to_primitive()
    library = ovo_base.VersionedObject.obj_to_primitive(inst)
    library['nova_object.data']['flavor'] = ours['nova_object.data'][
        'flavor']  # nested: compared on its own below
    assert ours == library
    assert inst.flavor.obj_to_primitive() == \
        ovo_base.VersionedObject.obj_to_primitive(inst.flavor)
    back = obj_base.NovaObject.obj_from_primitive(ours)
    again = ovo_base.VersionedObject.obj_from_primitive.__func__(
        obj_base.NovaObject, library)
    for name in inst.fields:
        if inst.obj_attr_is_set(name) and name != 'flavor':
            assert getattr(back, name) == getattr(again, name), name


@pytest.mark.parametrize('value', [True, False])
def test_auto_disk_config_is_stored_and_saved(cells, value):
    inst = _instance(cells.context, make_flavor(cells.context),
                     auto_disk_config=value)
    got = objects.Instance.get_by_uuid(cells.context, inst.uuid)
    assert got.auto_disk_config is value
    got.auto_disk_config = not value
    got.save()
    again = objects.Instance.get_by_uuid(cells.context, inst.uuid)
    assert again.auto_disk_config is (not value)


def test_auto_disk_config_never_set_reads_false(cells):
    # The column is NULL: a server recorded before it existed (MANUAL).
    inst = _instance(cells.context, make_flavor(cells.context))
    got = objects.Instance.get_by_uuid(cells.context, inst.uuid)
    assert got.auto_disk_config is False


def test_auto_disk_config_is_left_out_for_instance_1_1(cells):
    inst = _instance(cells.context, make_flavor(cells.context),
                     auto_disk_config=True)
    # As the conductor backports it for a service that knows 1.1.
    manifest = dict(ovo_base.obj_tree_get_versions('Instance'),
                    Instance='1.1')
    data = inst.obj_to_primitive(
        target_version='1.1', version_manifest=manifest)['nova_object.data']
    assert 'auto_disk_config' not in data
    assert 'network_info' in data
    data = inst.obj_to_primitive()['nova_object.data']
    assert data['auto_disk_config'] is True


def test_list_sorts_by_auto_disk_config(cells):
    # A sort key the server list accepts (sort_key=auto_disk_config).
    flavor = make_flavor(cells.context)
    for name, value in (('a', True), ('b', False), ('c', True)):
        _instance(cells.context, flavor, display_name=name,
                  auto_disk_config=value)
    found = objects.InstanceList.get_across_cells(
        cells.context, [cells.cell1.uuid], {},
        sort_keys=['auto_disk_config', 'display_name'],
        sort_dirs=['desc', 'asc'])
    assert [i.display_name for i in found] == ['a', 'c', 'b']
