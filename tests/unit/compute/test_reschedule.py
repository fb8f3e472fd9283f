"""A failed build goes back to the conductor with the alternates, or ends
in ERROR naming every host tried when none is left."""

import uuid

from nova import objects
from nova.states import task_states
from nova.states import vm_states

from tests.unit.compute.conftest import HOST, reload

BAD_IMAGE = str(uuid.uuid4())


def _selection(host):
    return objects.Selection(service_host=host, nodename=host,
                             compute_node_uuid=str(uuid.uuid4()),
                             cell_uuid=str(uuid.uuid4()),
                             allocation_request=None,
                             allocation_request_version=None)


def _build(manager, instance, host_list, filter_properties=None):
    manager.build_and_run_instance(
        instance._context, instance, {'id': instance.image_ref},
        request_spec=None, filter_properties=filter_properties or {},
        node=instance.node, host_list=host_list)
    assert manager.compute.builder.wait(timeout=30)


def test_failure_with_alternates_is_handed_back_to_the_conductor(
        manager, make_instance, compute_conf):
    compute_conf.config(fail_spawn_images=[BAD_IMAGE], group='fake')
    inst = make_instance(image_ref=BAD_IMAGE)
    alternates = [_selection('other1'), _selection('other2')]
    _build(manager, inst, [_selection(HOST)] + alternates)
    [(name, args, kwargs)] = manager.compute.compute_task_api.calls
    assert name == 'build_instances'
    # instance, image, request_spec, filter_properties, ..., host_list
    assert [s.service_host for s in args[-1]] == ['other1', 'other2']
    retry = args[3]['retry']
    assert retry['num_attempts'] == 2
    assert retry['hosts'] == [[HOST, HOST]]
    assert 'fail_spawn_images' in retry['exc_reason']
    got = reload(inst)
    assert got.vm_state == vm_states.BUILDING
    assert got.task_state == task_states.SCHEDULING
    assert got.host is None and got.fault is None
    assert not manager.compute.driver.instance_exists(inst)


def test_failure_on_the_last_host_records_every_host_tried(
        manager, make_instance, compute_conf):
    compute_conf.config(fail_spawn_images=[BAD_IMAGE], group='fake')
    inst = make_instance(image_ref=BAD_IMAGE)
    retry = {'num_attempts': 2, 'hosts': [['first', 'first']],
             'exc_reason': 'boom'}
    _build(manager, inst, [_selection(HOST)], {'retry': retry})
    assert manager.compute.compute_task_api.calls == []
    got = reload(inst)
    assert got.vm_state == vm_states.ERROR
    assert 'Exceeded maximum number of retries' in got.fault.message
    assert 'every host tried (2: first, %s)' % HOST in got.fault.message


def test_success_is_told_to_the_schedulers(manager, make_instance):
    inst = make_instance()
    _build(manager, inst, [_selection(HOST)])
    assert reload(inst).vm_state == vm_states.ACTIVE
    [(name, args, _kw)] = manager.compute.scheduler_api.calls
    assert name == 'update_instance_info'
    assert args[0] == HOST and [i.uuid for i in args[1]] == [inst.uuid]


def test_no_reschedule_when_the_conductor_pin_predates_it(
        manager, make_instance, compute_conf):
    """Conductors pinned below build_instances (1.1) cannot reschedule:
    the build fails here, with its own error, instead of waiting in
    SCHEDULING for a reschedule that was never sent."""
    from nova.conductor import rpcapi as conductor_rpcapi
    compute_conf.config(conductor='1.0', group='upgrade_levels')
    manager.compute.compute_task_api = conductor_rpcapi.ComputeTaskAPI()
    compute_conf.config(fail_spawn_images=[BAD_IMAGE], group='fake')
    inst = make_instance(image_ref=BAD_IMAGE)
    _build(manager, inst, [_selection(HOST), _selection('other1')])
    got = reload(inst)
    assert got.vm_state == vm_states.ERROR
    assert got.task_state is None
    assert got.host == HOST
    assert 'fail_spawn_images' in got.fault.message
