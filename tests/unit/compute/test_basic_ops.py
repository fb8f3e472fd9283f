"""The compute side of the basic actions on the fake driver, objects on a
real cell database: each action moves the instance to its resting state
and power state and records its instance action event."""

import uuid

import pytest

from nova.compute import basic_ops
from nova.compute import events
from nova import exception
from nova import objects
from nova.states import power_state
from nova.states import task_states
from nova.states import vm_states
from tests.unit.compute.conftest import build, reload


@pytest.fixture
def active(manager, make_instance):
    inst = make_instance(image_ref=str(uuid.uuid4()))
    build(manager, inst)
    inst = reload(inst)
    assert inst.vm_state == vm_states.ACTIVE
    return inst


def _accept(inst, action, task_state, request_id=None):
    """What the compute API does before it casts."""
    ctx = inst._context.targeted(inst._context.cell_uuid)
    ctx.request_id = request_id or 'req-%s' % uuid.uuid4().hex
    inst.task_state = task_state
    inst.save()
    events.record_action_start(ctx, inst, action)
    return ctx


def _events(ctx, inst):
    act = objects.InstanceAction.get_by_request_id(ctx, inst.uuid,
                                                   ctx.request_id)
    return {e.event: e for e in
            objects.InstanceActionEventList.get_by_action(ctx, act.id)}


@pytest.mark.parametrize('steps', [
    [('pause', task_states.PAUSING, vm_states.PAUSED, power_state.PAUSED,
      'compute_pause_instance'),
     ('unpause', task_states.UNPAUSING, vm_states.ACTIVE,
      power_state.RUNNING, 'compute_unpause_instance')],
    [('suspend', task_states.SUSPENDING, vm_states.SUSPENDED,
      power_state.SUSPENDED, 'compute_suspend_instance'),
     ('resume', task_states.RESUMING, vm_states.ACTIVE,
      power_state.RUNNING, 'compute_resume_instance')],
    [('stop', task_states.POWERING_OFF, vm_states.STOPPED,
      power_state.SHUTDOWN, 'compute_stop_instance'),
     ('start', task_states.POWERING_ON, vm_states.ACTIVE,
      power_state.RUNNING, 'compute_start_instance')],
    [('rescue', task_states.RESCUING, vm_states.RESCUED,
      power_state.RUNNING, 'compute_rescue_instance'),
     ('unrescue', task_states.UNRESCUING, vm_states.ACTIVE,
      power_state.RUNNING, 'compute_unrescue_instance')],
])
def test_action_pairs_move_states_and_record_events(manager, active, steps):
    inst = active
    for action, task, vm_state, power, event in steps:
        ctx = _accept(inst, action, task)
        getattr(manager, '%s_instance' % action)(ctx, inst)
        inst = reload(inst)
        assert (inst.vm_state, inst.task_state, inst.power_state) == (
            vm_state, None, power)
        got = _events(ctx, inst)[event]
        assert got.result == 'Success' and got.host == manager.compute.host
        assert got.finish_time is not None


def test_hard_reboot_from_paused_runs_again(manager, active):
    ctx = _accept(active, 'pause', task_states.PAUSING)
    manager.pause_instance(ctx, active)
    inst = reload(active)
    ctx = _accept(inst, 'reboot', task_states.REBOOTING_HARD)
    manager.reboot_instance(ctx, inst, 'HARD')
    inst = reload(inst)
    assert (inst.vm_state, inst.power_state) == (vm_states.ACTIVE,
                                                 power_state.RUNNING)
    assert 'compute_reboot_instance' in _events(ctx, inst)


def test_driver_failure_records_fault_and_error_event(manager, active,
                                                      monkeypatch):
    def broken(instance):
        raise RuntimeError('hypervisor said no')
    monkeypatch.setattr(manager.compute.driver, 'pause', broken)
    ctx = _accept(active, 'pause', task_states.PAUSING)
    manager.pause_instance(ctx, active)
    inst = reload(active)
    assert (inst.vm_state, inst.task_state) == (vm_states.ACTIVE, None)
    assert 'hypervisor said no' in inst.fault.message
    evt = _events(ctx, inst)['compute_pause_instance']
    assert evt.result == 'Error' and 'RuntimeError' in evt.traceback
    act = objects.InstanceAction.get_by_request_id(ctx, inst.uuid,
                                                   ctx.request_id)
    assert act.message == 'Error'


def test_stale_cast_does_not_run(manager, active):
    """A cast for an action whose task_state was since replaced (say by a
    delete) leaves the instance alone."""
    inst = active
    inst.task_state = task_states.DELETING
    inst.save()
    manager.pause_instance(inst._context, inst)
    inst = reload(inst)
    assert inst.vm_state == vm_states.ACTIVE
    assert manager.compute.driver.get_info(inst).state == power_state.RUNNING


def test_password_console_and_crash_dump(manager, active):
    ctx = _accept(active, 'changePassword', task_states.UPDATING_PASSWORD)
    manager.set_admin_password(ctx, active, 'pw')
    assert reload(active).task_state is None
    assert _events(ctx, active)['compute_set_admin_password'].result == \
        'Success'
    ctx = _accept(active, 'trigger_crash_dump', None)
    manager.trigger_crash_dump(ctx, active)
    output = manager.get_console_output(ctx, active)
    assert 'admin password changed' in output and 'NMI' in output
    assert manager.get_console_output(ctx, active, tail_length=1) == \
        output.split('\n')[-1]
    assert manager.get_console_output(ctx, active, tail_length=0) == ''


def test_password_on_stopped_guest_fails_and_clears_task(manager, active):
    ctx = _accept(active, 'stop', task_states.POWERING_OFF)
    manager.stop_instance(ctx, active)
    inst = reload(active)
    ctx = _accept(inst, 'changePassword', task_states.UPDATING_PASSWORD)
    # (basic_ops directly: the endpoint wraps the error for the RPC
    # dispatcher, which sends it back to the caller.)
    with pytest.raises(exception.InstancePasswordSetFailed):
        basic_ops.set_admin_password(manager.compute, ctx, inst, 'pw')
    assert reload(inst).task_state is None
    assert _events(ctx, inst)['compute_set_admin_password'].result == \
        'Error'


def test_password_without_guest_agent_clears_task(manager, active,
                                                  monkeypatch):
    def refuse(instance, new_pass):
        raise exception.QemuGuestAgentNotEnabled()
    monkeypatch.setattr(manager.compute.driver, 'set_admin_password', refuse)
    ctx = _accept(active, 'changePassword', task_states.UPDATING_PASSWORD)
    with pytest.raises(exception.QemuGuestAgentNotEnabled):
        basic_ops.set_admin_password(manager.compute, ctx, active, 'pw')
    assert reload(active).task_state is None


def test_password_reaches_the_guest(manager, active):
    ctx = _accept(active, 'changePassword', task_states.UPDATING_PASSWORD)
    manager.set_admin_password(ctx, active, 'n3w-pass')
    record = manager.compute.driver._guests[active.uuid]
    assert record['admin_password'] == 'n3w-pass'


def test_console_of_missing_guest_is_not_available(manager, make_instance):
    inst = make_instance()
    with pytest.raises(exception.ConsoleNotAvailable):
        basic_ops.get_console_output(manager.compute, inst._context, inst)


def test_build_records_event_on_create_action(manager, make_instance):
    inst = make_instance(image_ref=str(uuid.uuid4()))
    ctx = inst._context.targeted(inst._context.cell_uuid)
    ctx.request_id = 'req-create'
    events.record_action_start(ctx, inst, 'create')
    build(manager, objects.Instance.get_by_uuid(ctx, inst.uuid))
    evt = _events(ctx, inst)['compute__do_build_and_run_instance']
    assert evt.result == 'Success'
