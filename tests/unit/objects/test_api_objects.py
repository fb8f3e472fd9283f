import uuid

import pytest

from nova import context
from nova import exception
from nova import objects
from tests.unit.conftest import make_flavor


def test_flavor_extra_specs_and_access(cells):
    flavor = make_flavor(cells.context, is_public=False)
    flavor.save_extra_specs(to_add={'hw:cpu_policy': 'dedicated'})
    flavor.add_access('p1')
    got = objects.Flavor.get_by_flavor_id(cells.context, '2')
    assert got.extra_specs == {'hw:cpu_policy': 'dedicated'}
    assert got.projects == ['p1']
    with pytest.raises(exception.FlavorAccessExists):
        got.add_access('p1')
    got.save_extra_specs(to_delete=['hw:cpu_policy'])
    assert objects.Flavor.get_by_flavor_id(cells.context,
                                           '2').extra_specs == {}


def test_private_flavor_listed_only_for_its_projects(cells):
    make_flavor(cells.context, name='public', flavorid='1')
    private = make_flavor(cells.context, name='private', flavorid='9',
                          is_public=False)
    private.add_access('p1')
    names = lambda project: [f.name for f in objects.FlavorList.get_all(
        cells.context, filters={'is_public': True, 'projects': [project]})]
    assert names('p1') == ['public', 'private']
    assert names('p2') == ['public']


def test_private_flavor_is_not_found_by_projects_without_access(cells):
    make_flavor(cells.context, name='public', flavorid='1')
    private = make_flavor(cells.context, name='private', flavorid='9',
                          is_public=False)
    private.add_access('p1')
    p1 = context.RequestContext(user_id='u', project_id='p1')
    p2 = context.RequestContext(user_id='u', project_id='p2')
    assert objects.Flavor.get_by_flavor_id(p1, '9').name == 'private'
    assert objects.Flavor.get_by_flavor_id(cells.context, '9').name == \
        'private'
    for lookup in (lambda: objects.Flavor.get_by_flavor_id(p2, '9'),
                   lambda: objects.Flavor.get_by_id(p2, private.id),
                   lambda: objects.Flavor.get_by_name(p2, 'private')):
        with pytest.raises(exception.FlavorNotFound):
            lookup()
    # A list is narrowed to what the context may see, whatever the
    # filters asked for.
    names = lambda ctx: [f.name for f in objects.FlavorList.get_all(
        ctx, filters={'is_public': None})]
    assert names(p2) == ['public']
    assert names(p1) == ['public', 'private']
    assert names(cells.context) == ['public', 'private']


def test_duplicate_flavor_name_is_a_conflict(cells):
    make_flavor(cells.context)
    with pytest.raises(exception.FlavorExists):
        make_flavor(cells.context, flavorid='other')


def test_boot_request_records_build_request_spec_and_mapping(cells):
    flavor = make_flavor(cells.context)
    instances, specs = [], []
    for i in range(3):
        inst = objects.Instance(cells.context, uuid=str(uuid.uuid4()),
                                project_id='p1', user_id='u1',
                                display_name='vm-%d' % i, launch_index=i,
                                vm_state='building', flavor=flavor)
        instances.append(inst)
        specs.append(objects.RequestSpec(
            instance_uuid=inst.uuid, flavor=flavor, num_instances=3,
            image=objects.ImageMeta.from_dict({'id': str(uuid.uuid4())})))
    made = objects.BuildRequestList.create_for_instances(
        cells.context, instances, specs)
    assert [br.instance.display_name for br in made] == [
        'vm-0', 'vm-1', 'vm-2']
    mapping = objects.InstanceMapping.get_by_instance_uuid(
        cells.context, instances[1].uuid)
    assert mapping.cell_mapping is None and mapping.project_id == 'p1'
    spec = objects.RequestSpec.get_by_instance_uuid(cells.context,
                                                    instances[1].uuid)
    assert spec.flavor.name == 'm1.small' and spec.num_instances == 3
    assert made[0].destroy() is True
    assert made[0].destroy() is False


def test_instance_mapping_points_at_cell(cells):
    mapping = objects.InstanceMapping(cells.context,
                                      instance_uuid=str(uuid.uuid4()),
                                      project_id='p1', cell_mapping=None)
    mapping.create()
    mapping.cell_mapping = cells.cell1
    mapping.save()
    got = objects.InstanceMapping.get_by_instance_uuid(cells.context,
                                                       mapping.instance_uuid)
    assert got.cell_mapping.uuid == cells.cell1.uuid


def test_service_heartbeat_counts_reports(cells):
    service = objects.Service(cells.context, host='h1',
                              binary='nova-compute', topic='compute')
    service.create()
    service.report_up()
    service.report_up()
    got = objects.Service.get_by_host_and_binary(cells.context, 'h1',
                                                 'nova-compute')
    assert got.report_count == 2 and got.last_seen_up is not None
    with pytest.raises(exception.ServiceBinaryExists):
        objects.Service(cells.context, host='h1', binary='nova-compute',
                        topic='compute').create()
