"""The basic actions of nova.compute.api against real SQLite databases:
allowed source states (409 otherwise), task_state set before the cast,
locks, and the instance action recorded; only the casts to the compute
host are recorded instead of sent."""

import uuid

import pytest

from nova.compute import api as compute_api
from nova import context as nova_context
from nova import exception
from nova import objects
from nova import rpc
from nova.states import task_states
from nova.states import vm_states
from tests.unit.compute.conftest import Recorder
from tests.unit.conftest import make_flavor


@pytest.fixture
def api(cells, conf, tmp_path):
    conf.config(local_dir=str(tmp_path / 'images'), group='image')
    compute_api._CELLS._cells = None
    rpc.cleanup()
    rpc.init(url=rpc.IN_PROCESS_TRANSPORT_URL)
    the_api = compute_api.API()
    the_api.compute_rpcapi = Recorder()
    yield the_api
    rpc.cleanup()


def _ctx(project='p1', admin=False, request_id=None):
    ctx = nova_context.RequestContext(
        user_id='u-' + project, project_id=project, is_admin=admin,
        roles=['admin'] if admin else ['member'])
    if request_id:
        ctx.request_id = request_id
    return ctx


@pytest.fixture
def server(cells):
    """server(**fields) -> the instance as the compute API loads it."""
    cell_ctx = cells.context.targeted(cells.cell1.uuid)
    flavor = make_flavor(cells.context)

    def _make(**fields):
        values = dict(uuid=str(uuid.uuid4()), project_id='p1', user_id='u1',
                      host='c1', node='c1', vm_state=vm_states.ACTIVE,
                      task_state=None, power_state=1, flavor=flavor,
                      launched_at=objects.Instance.fields[
                          'launched_at'].coerce(None, 'launched_at',
                                                '2024-01-01T00:00:00Z'),
                      image_ref='img', locked=False, system_metadata={})
        values.update(fields)
        inst = objects.Instance(cell_ctx, **values)
        inst.create()
        objects.InstanceMapping(
            cells.context, instance_uuid=inst.uuid, cell_mapping=cells.cell1,
            project_id=inst.project_id, user_id=inst.user_id,
            queued_for_delete=False).create()
        return inst
    return _make


def _reload(api, inst):
    return api.get(_ctx(admin=True), inst.uuid)


def _actions(inst):
    return [a.action for a in objects.InstanceActionList.get_by_instance_uuid(
        inst._context, inst.uuid)]


@pytest.mark.parametrize('method,args,vm_state,task_state,cast', [
    ('stop', (), vm_states.ACTIVE, task_states.POWERING_OFF,
     'stop_instance'),
    ('start', (), vm_states.STOPPED, task_states.POWERING_ON,
     'start_instance'),
    ('pause', (), vm_states.ACTIVE, task_states.PAUSING, 'pause_instance'),
    ('unpause', (), vm_states.PAUSED, task_states.UNPAUSING,
     'unpause_instance'),
    ('suspend', (), vm_states.ACTIVE, task_states.SUSPENDING,
     'suspend_instance'),
    ('resume', (), vm_states.SUSPENDED, task_states.RESUMING,
     'resume_instance'),
    ('rescue', (), vm_states.STOPPED, task_states.RESCUING,
     'rescue_instance'),
    ('unrescue', (), vm_states.RESCUED, task_states.UNRESCUING,
     'unrescue_instance'),
    ('reboot', ('SOFT',), vm_states.ACTIVE, task_states.REBOOTING,
     'reboot_instance'),
    ('reboot', ('HARD',), vm_states.ERROR, task_states.REBOOTING_HARD,
     'reboot_instance'),
    ('set_admin_password', ('pw',), vm_states.ACTIVE,
     task_states.UPDATING_PASSWORD, 'set_admin_password'),
])
def test_action_sets_task_records_action_and_casts(api, server, method, args,
                                                   vm_state, task_state,
                                                   cast):
    inst = server(vm_state=vm_state)
    getattr(api, method)(_ctx(request_id='req-%s' % method), inst, *args)
    assert _reload(api, inst).task_state == task_state
    assert api.compute_rpcapi.names() == [cast]
    action = objects.InstanceAction.get_by_request_id(
        inst._context, inst.uuid, 'req-%s' % method)
    assert action is not None and action.user_id == 'u-p1'


@pytest.mark.parametrize('method,args,vm_state', [
    ('stop', (), vm_states.STOPPED),
    ('start', (), vm_states.ACTIVE),
    ('pause', (), vm_states.PAUSED),
    ('unpause', (), vm_states.ACTIVE),
    ('suspend', (), vm_states.PAUSED),
    ('resume', (), vm_states.ACTIVE),
    ('rescue', (), vm_states.RESCUED),
    ('unrescue', (), vm_states.ACTIVE),
    ('reboot', ('SOFT',), vm_states.STOPPED),
    ('reboot', ('HARD',), vm_states.RESCUED),
    ('trigger_crash_dump', (), vm_states.STOPPED),
    ('set_admin_password', ('pw',), vm_states.STOPPED),
])
def test_action_from_wrong_state_is_refused(api, server, method, args,
                                            vm_state):
    inst = server(vm_state=vm_state)
    with pytest.raises(exception.InstanceInvalidState) as info:
        getattr(api, method)(_ctx(), inst, *args)
    assert info.value.code == 409
    assert api.compute_rpcapi.names() == []
    assert _actions(inst) == []


def test_action_while_another_runs_is_refused(api, server):
    inst = server(task_state=task_states.POWERING_OFF)
    with pytest.raises(exception.InstanceInvalidState):
        api.pause(_ctx(), inst)
    # A hard reboot may take over a soft one; a soft one may not.
    rebooting = server(task_state=task_states.REBOOTING)
    with pytest.raises(exception.InstanceInvalidState):
        api.reboot(_ctx(), rebooting, 'SOFT')
    api.reboot(_ctx(), rebooting, 'HARD')
    assert _reload(api, rebooting).task_state == task_states.REBOOTING_HARD


def test_action_without_host_is_refused(api, server):
    inst = server(host=None)
    with pytest.raises(exception.InstanceNotReady):
        api.stop(_ctx(), inst)


def test_locked_server_refuses_owner_but_not_admin(api, server):
    inst = server()
    api.lock(_ctx(), inst, reason='hands off')
    inst = _reload(api, inst)
    assert inst.locked and inst.locked_by == 'owner'
    assert inst.system_metadata['locked_reason'] == 'hands off'
    with pytest.raises(exception.InstanceIsLocked):
        api.stop(_ctx(), inst)
    api.stop(_ctx(admin=True, project='admin'), inst)
    assert api.compute_rpcapi.names() == ['stop_instance']


def test_admin_lock_is_not_the_owners_to_lift(api, server):
    inst = server()
    api.lock(_ctx(admin=True, project='admin'), inst)
    inst = _reload(api, inst)
    assert inst.locked_by == 'admin'
    assert not api.is_expected_locked_by(_ctx(), inst)
    assert api.is_expected_locked_by(_ctx(admin=True, project='admin'),
                                     inst)
    api.unlock(_ctx(admin=True, project='admin'), inst)
    inst = _reload(api, inst)
    assert not inst.locked and inst.locked_by is None
    assert 'locked_reason' not in inst.system_metadata
    assert _actions(inst) == ['unlock', 'lock']


def test_owner_locking_twice_changes_nothing(api, server):
    inst = server()
    api.lock(_ctx(), inst, reason='first')
    inst = _reload(api, inst)
    api.lock(_ctx(), inst, reason='second')
    assert _reload(api, inst).system_metadata['locked_reason'] == 'first'
    assert _actions(inst) == ['lock']


def test_reset_state_clears_task(api, server):
    inst = server(task_state=task_states.POWERING_OFF)
    api.reset_state(_ctx(admin=True, project='admin'), inst,
                    vm_states.ERROR)
    inst = _reload(api, inst)
    assert (inst.vm_state, inst.task_state) == (vm_states.ERROR, None)
    assert _actions(inst) == ['resetState']


def test_console_output_is_a_call_with_the_tail(api, server):
    inst = server(vm_state=vm_states.STOPPED)
    api.get_console_output(_ctx(), inst, tail_length=5)
    name, _args, kwargs = api.compute_rpcapi.calls[0]
    assert name == 'get_console_output' and kwargs['tail_length'] == 5
    deleting = server(task_state=task_states.DELETING)
    with pytest.raises(exception.InstanceInvalidState):
        api.get_console_output(_ctx(), deleting)
