"""The compute manager on the fake driver, its objects on a real cell
database: builds, deletes, failures and the endpoints' wire signature."""

import inspect
import time
import uuid

import pytest

from nova.compute import host as compute_host
from nova.compute import manager as compute_manager
from nova.compute import rpcapi as compute_rpcapi
from nova import objects
from nova.states import power_state
from nova.states import task_states
from nova.states import vm_states

from tests.unit.compute.conftest import HOST, Recorder, build, node_record
from tests.unit.compute.conftest import reload

IMAGE = str(uuid.uuid4())
BAD_IMAGE = str(uuid.uuid4())


def _wait_for(predicate, timeout=10):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    return predicate()


def test_endpoints_accept_the_rpcapi_arguments():
    assert compute_manager.ComputeManager.target.version == \
        compute_rpcapi.ComputeAPI.VERSION
    for name, method in inspect.getmembers(compute_rpcapi.ComputeAPI,
                                           inspect.isfunction):
        if name.startswith('_'):
            continue
        sent = set(inspect.signature(method).parameters) - {'self', 'host'}
        endpoint = getattr(compute_manager.ComputeManager, name)
        accepted = set(inspect.signature(endpoint).parameters) - {'self'}
        if accepted == {'args', 'kwargs'}:
            # Wrapped by oslo.messaging's expected_exceptions, which hides
            # the signature; the RPC tests of that endpoint cover it.
            continue
        assert sent <= accepted, name


def test_build_sets_active_and_running(manager, make_instance, ctx):
    inst = make_instance(image_ref=IMAGE)
    build(manager, inst)
    got = reload(inst)
    assert got.vm_state == vm_states.ACTIVE
    assert got.task_state is None
    assert got.power_state == power_state.RUNNING
    assert got.launched_at is not None
    assert got.fault is None
    assert manager.compute.driver.instance_exists(inst)
    node = node_record(ctx, HOST)
    assert node.vcpus_used == 2
    assert node.running_vms == 1
    assert node.current_workload == 0


def test_build_hands_the_decoded_personality_to_the_driver(
        manager, make_instance):
    inst = make_instance(image_ref=IMAGE)
    # As the RPC message carries them: JSON lists, contents base64.
    files = [['/etc/motd', 'aGVsbG8='], ['/etc/empty', '']]
    manager.build_and_run_instance(
        inst._context, inst, {'id': IMAGE}, request_spec=None,
        filter_properties={}, injected_files=files, node=inst.node)
    assert manager.compute.builder.wait(timeout=30)
    assert reload(inst).vm_state == vm_states.ACTIVE
    assert manager.compute.driver._guests[inst.uuid]['injected_files'] == [
        {'path': '/etc/motd', 'contents': 'aGVsbG8='},
        {'path': '/etc/empty', 'contents': ''}]


def test_build_with_a_config_drive_gives_the_guest_one(
        manager, make_instance):
    inst = make_instance(image_ref=IMAGE, config_drive='True',
                         user_data='I2Nsb3VkLWNvbmZpZwo=')
    build(manager, inst)
    assert reload(inst).config_drive == 'True'
    assert inst.uuid in manager.compute.driver.config_drives


def test_forced_config_drive_is_shown_on_the_server(manager, make_instance,
                                                    compute_conf):
    compute_conf.config(force_config_drive=True)
    inst = make_instance(image_ref=IMAGE, config_drive='')
    build(manager, inst)
    assert reload(inst).config_drive == 'True'
    assert inst.uuid in manager.compute.driver.config_drives


def test_mandatory_image_config_drive_is_shown_on_the_server(manager,
                                                             make_instance):
    inst = make_instance(image_ref=IMAGE, config_drive='')
    build(manager, inst, image={'id': IMAGE, 'properties': {
        'img_config_drive': 'mandatory'}})
    assert reload(inst).config_drive == 'True'


def test_no_config_drive_unless_required(manager, make_instance):
    inst = make_instance(image_ref=IMAGE, config_drive='')
    build(manager, inst)
    assert reload(inst).config_drive == ''
    assert manager.compute.driver.config_drives == {}


def test_build_returns_before_the_guest_is_spawned(manager, make_instance,
                                                   compute_conf):
    compute_conf.config(spawn_delay=0.5, group='fake')
    inst = make_instance(image_ref=IMAGE)
    started = time.monotonic()
    build(manager, inst, wait=False)
    assert time.monotonic() - started < 0.3
    assert _wait_for(lambda: reload(inst).task_state ==
                     task_states.SPAWNING)
    assert manager.compute.builder.wait(timeout=10)
    assert reload(inst).vm_state == vm_states.ACTIVE


def test_claim_visible_to_scheduler_while_spawning(make_manager,
                                                   make_instance, ctx,
                                                   compute_conf):
    compute_conf.config(spawn_delay=2, group='fake')
    mgr = make_manager(save_delay=0.2)
    inst = make_instance(image_ref=IMAGE, memory_mb=4096)
    build(mgr, inst, wait=False)
    assert _wait_for(lambda: node_record(ctx, HOST).memory_mb_used ==
                     4096 + 512, timeout=1.5)
    assert reload(inst).task_state == task_states.SPAWNING
    assert mgr.compute.builder.wait(timeout=10)


def test_spawn_failure_records_fault_and_error(manager, make_instance,
                                               compute_conf):
    compute_conf.config(fail_spawn_images=[BAD_IMAGE], group='fake')
    inst = make_instance(image_ref=BAD_IMAGE)
    build(manager, inst)
    got = reload(inst)
    assert got.vm_state == vm_states.ERROR
    assert got.task_state is None
    assert got.fault is not None
    assert 'fail_spawn_images' in got.fault.message
    assert got.fault.host == HOST


def test_spawn_failure_leaves_no_guest_and_frees_claim(manager,
                                                       make_instance, ctx,
                                                       compute_conf):
    compute_conf.config(fail_spawn_images=[BAD_IMAGE], group='fake')
    inst = make_instance(image_ref=BAD_IMAGE)
    build(manager, inst)
    assert not manager.compute.driver.instance_exists(inst)
    node = node_record(ctx, HOST)
    assert node.vcpus_used == 0 and node.running_vms == 0
    # The periodic refresh agrees: a failed build holds nothing.
    manager.update_available_resource()
    assert node_record(ctx, HOST).running_vms == 0


def test_build_on_unknown_node_fails_with_fault(manager, make_instance):
    inst = make_instance(image_ref=IMAGE, node='no-such-node')
    build(manager, inst)
    got = reload(inst)
    assert got.vm_state == vm_states.ERROR
    assert 'no-such-node' in got.fault.message


def test_build_of_instance_deleted_before_start_does_nothing(manager,
                                                             make_instance):
    inst = make_instance(image_ref=IMAGE)
    objects.Instance.get_by_uuid(inst._context, inst.uuid).destroy()
    build(manager, inst)
    assert not manager.compute.driver.instance_exists(inst)
    assert manager.compute.rt.tracked_instance_uuids() == set()


def test_delete_during_build_leaves_no_guest(manager, make_instance, ctx,
                                             compute_conf):
    compute_conf.config(spawn_delay=0.5, group='fake')
    inst = make_instance(image_ref=IMAGE)
    build(manager, inst, wait=False)
    assert _wait_for(lambda: manager.compute.builder.is_spawning(inst.uuid))
    # What the compute API does before it casts the delete.
    api_copy = objects.Instance.get_by_uuid(inst._context, inst.uuid)
    api_copy.task_state = task_states.DELETING
    api_copy.save()
    manager.terminate_instance(inst._context, api_copy)
    assert manager.compute.builder.wait(timeout=10)
    assert not manager.compute.driver.instance_exists(inst)
    got = reload(inst, read_deleted='yes')
    assert got.deleted
    assert got.vm_state == vm_states.DELETED
    assert got.fault is None
    assert node_record(ctx, HOST).running_vms == 0
    assert manager.compute.rt.tracked_instance_uuids() == set()


def test_deletes_at_every_stage_of_builds_leave_nothing(make_manager,
                                                       make_instance,
                                                       compute_conf):
    compute_conf.config(spawn_delay=0.3, group='fake')
    compute_conf.config(build_workers=1, group='compute')
    mgr = make_manager()
    spawning, finished, queued = [make_instance(image_ref=IMAGE)
                                  for _ in range(3)]
    for inst in (spawning, finished, queued):
        build(mgr, inst, wait=False)
    assert _wait_for(lambda: mgr.compute.builder.is_spawning(spawning.uuid))
    mgr.terminate_instance(queued._context, queued)
    mgr.terminate_instance(spawning._context, spawning)
    assert _wait_for(lambda: reload(finished).vm_state == vm_states.ACTIVE)
    mgr.terminate_instance(finished._context, finished)
    assert mgr.compute.builder.wait(timeout=10)
    assert mgr.compute.driver.list_instance_uuids() == []
    assert mgr.compute.rt.tracked_instance_uuids() == set()
    for inst in (spawning, finished, queued):
        got = reload(inst, read_deleted='yes')
        assert got.deleted and got.fault is None


def test_terminate_destroys_guest_and_record(manager, make_instance, ctx):
    inst = make_instance(image_ref=IMAGE)
    build(manager, inst)
    manager.terminate_instance(inst._context, reload(inst))
    assert not manager.compute.driver.instance_exists(inst)
    got = reload(inst, read_deleted='yes')
    assert got.deleted and got.terminated_at is not None
    assert node_record(ctx, HOST).running_vms == 0


def test_terminate_without_guest_still_deletes(manager, make_instance):
    inst = make_instance(vm_state=vm_states.ERROR, task_state=None)
    manager.terminate_instance(inst._context, inst)
    assert reload(inst, read_deleted='yes').deleted


def test_stop_start_and_reboot(manager, make_instance):
    inst = make_instance(image_ref=IMAGE)
    build(manager, inst)
    inst = reload(inst)
    manager.stop_instance(inst._context, inst)
    got = reload(inst)
    assert (got.vm_state, got.task_state, got.power_state) == (
        vm_states.STOPPED, None, power_state.SHUTDOWN)
    assert manager.get_instance_power_state(
        inst._context, inst) == power_state.SHUTDOWN
    manager.start_instance(inst._context, got)
    got = reload(inst)
    assert (got.vm_state, got.power_state) == (vm_states.ACTIVE,
                                               power_state.RUNNING)
    got.task_state = task_states.REBOOTING_HARD
    got.save()
    manager.reboot_instance(inst._context, got, 'HARD')
    got = reload(inst)
    assert (got.vm_state, got.task_state, got.power_state) == (
        vm_states.ACTIVE, None, power_state.RUNNING)


def test_stop_without_guest_records_fault_and_clears_task(manager,
                                                          make_instance):
    inst = make_instance(vm_state=vm_states.ACTIVE,
                         task_state=task_states.POWERING_OFF)
    manager.stop_instance(inst._context, inst)
    got = reload(inst)
    assert got.task_state is None
    assert got.vm_state == vm_states.ACTIVE
    assert got.fault is not None


def test_power_state_of_missing_guest_is_nostate(manager, make_instance):
    inst = make_instance()
    assert manager.get_instance_power_state(
        inst._context, inst) == power_state.NOSTATE


def test_sync_power_states_stops_instance_whose_guest_shut_down(
        manager, make_instance):
    inst = make_instance(image_ref=IMAGE)
    build(manager, inst)
    manager.compute.driver.simulate_power_state(inst, power_state.SHUTDOWN)
    assert manager.sync_power_states() == 1
    got = reload(inst)
    assert got.power_state == power_state.SHUTDOWN
    assert got.vm_state == vm_states.STOPPED
    assert manager.sync_power_states() == 0


def test_periodic_tasks(make_manager, compute_conf):
    compute_conf.config(resource_update_interval=30,
                        sync_power_state_interval=300, group='compute')
    compute_conf.config(instance_sync_interval=120, group='scheduler')
    mgr = make_manager(start=False)
    assert mgr.periodic_tasks() == [(mgr.update_available_resource, 30),
                                    (mgr.sync_scheduler_instance_info, 120),
                                    (mgr.sync_power_states, 300)]
    compute_conf.config(sync_power_state_interval=-1, group='compute')
    compute_conf.config(instance_sync_interval=-1, group='scheduler')
    assert mgr.periodic_tasks() == [(mgr.update_available_resource, 30)]


def test_cleanup_host_waits_for_running_builds(make_manager, make_instance,
                                               compute_conf):
    compute_conf.config(spawn_delay=0.5, group='fake')
    mgr = make_manager()
    inst = make_instance(image_ref=IMAGE)
    build(mgr, inst, wait=False)
    mgr.cleanup_host()
    assert reload(inst).vm_state == vm_states.ACTIVE


# ----------------------------------------------------------------------
# Restart: the fake driver keeps its guests on disk.
# ----------------------------------------------------------------------

def test_restart_reconciles_deleted_instance_guest(make_manager,
                                                   make_instance):
    first = make_manager()
    inst = make_instance(image_ref=IMAGE)
    build(first, inst)
    first.cleanup_host()
    # Deleted by the API while the host was down.
    reload(inst).destroy()
    second = make_manager()
    assert not second.compute.driver.instance_exists(inst)


def test_restart_destroys_guest_of_unknown_instance(make_manager, ctx):
    first = make_manager()
    stray = objects.Instance(ctx, uuid=str(uuid.uuid4()), node=HOST,
                             vcpus=1, memory_mb=64, root_gb=1, id=999)
    first.compute.driver.spawn(ctx, stray, {}, [], None, None)
    first.cleanup_host()
    second = make_manager()
    assert second.compute.driver.list_instance_uuids() == []


def test_restart_leaves_guest_of_instance_on_other_host(make_manager,
                                                        make_instance):
    first = make_manager()
    inst = make_instance(image_ref=IMAGE)
    build(first, inst)
    first.cleanup_host()
    moved = reload(inst)
    moved.host = 'compute2'
    moved.save()
    second = make_manager()
    assert second.compute.driver.instance_exists(inst)


def test_restart_updates_power_state_from_driver(make_manager,
                                                 make_instance):
    first = make_manager()
    inst = make_instance(image_ref=IMAGE)
    build(first, inst)
    first.compute.driver.simulate_power_state(inst, power_state.SHUTDOWN)
    first.cleanup_host()
    make_manager()
    assert reload(inst).power_state == power_state.SHUTDOWN


def test_restart_fails_interrupted_build_with_fault(make_manager,
                                                    make_instance, ctx):
    scheduled = make_instance(task_state=task_states.SCHEDULING)
    spawning = make_instance(task_state=task_states.SPAWNING)
    mgr = make_manager()
    for inst in (scheduled, spawning):
        got = reload(inst)
        assert got.vm_state == vm_states.ERROR
        assert got.task_state is None
        assert 'restarted during the build' in got.fault.message
    assert node_record(ctx, HOST).running_vms == 0
    # A build message that was still queued does nothing now.
    build(mgr, scheduled)
    assert reload(scheduled).vm_state == vm_states.ERROR
    assert not mgr.compute.driver.instance_exists(scheduled)


def test_restart_finishes_interrupted_delete(make_manager, make_instance):
    first = make_manager()
    inst = make_instance(image_ref=IMAGE)
    build(first, inst)
    first.cleanup_host()
    deleting = reload(inst)
    deleting.task_state = task_states.DELETING
    deleting.save()
    second = make_manager()
    assert not second.compute.driver.instance_exists(inst)
    assert reload(inst, read_deleted='yes').deleted


def test_restart_clears_interrupted_power_action(make_manager,
                                                 make_instance):
    first = make_manager()
    inst = make_instance(image_ref=IMAGE)
    build(first, inst)
    first.compute.driver.power_off(inst)
    first.cleanup_host()
    stuck = reload(inst)
    stuck.task_state = task_states.POWERING_OFF
    stuck.save()
    make_manager()
    got = reload(inst)
    assert (got.vm_state, got.task_state, got.power_state) == (
        vm_states.STOPPED, None, power_state.SHUTDOWN)


def test_restart_keeps_node_uuid_and_counts_running_guests(make_manager,
                                                           make_instance,
                                                           ctx):
    first = make_manager()
    inst = make_instance(image_ref=IMAGE)
    build(first, inst)
    node_uuid = node_record(ctx, HOST).uuid
    first.cleanup_host()
    make_manager()
    node = node_record(ctx, HOST)
    assert node.uuid == node_uuid
    assert node.running_vms == 1


@pytest.mark.parametrize('node_count', [1, 3])
def test_init_host_creates_a_record_per_node(make_manager, compute_conf,
                                             ctx, node_count):
    compute_conf.config(node_count=node_count, group='fake')
    mgr = make_manager()
    records = objects.ComputeNodeList.get_all_by_host(ctx, HOST)
    assert sorted(r.hypervisor_hostname for r in records) == sorted(
        mgr.compute.driver.get_available_nodes())


def test_compute_host_uses_the_collaborators_given(make_manager):
    rpc = Recorder()
    mgr = make_manager(start=False, compute_rpcapi=rpc)
    compute = mgr.compute
    assert compute.compute_rpcapi is rpc
    assert compute.host == HOST
    # Placement is reached through one client, the tracker's included.
    assert compute.rt.reporter.client is compute.reportclient
    assert compute.builder.compute is compute


def test_compute_host_refuses_unknown_collaborators(compute_conf):
    with pytest.raises(TypeError, match='no_such_client'):
        compute_host.ComputeHost.create(no_such_client=object())
