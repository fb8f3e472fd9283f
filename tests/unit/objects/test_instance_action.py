import datetime
import uuid

import pytest

from nova.compute import events
from nova import context as nova_context
from nova import exception
from nova import objects
from tests.unit.conftest import make_flavor


def _instance(ctx):
    inst = objects.Instance(ctx, uuid=str(uuid.uuid4()), project_id='p1',
                            user_id='u1', display_name='vm',
                            vm_state='active',
                            flavor=make_flavor(ctx, flavorid=str(
                                uuid.uuid4())[:8], name=str(uuid.uuid4())))
    inst.create()
    return inst


def _ctx(request_id):
    return nova_context.RequestContext(user_id='u1', project_id='p1',
                                       request_id=request_id)


def test_action_then_events_success_and_error(cells):
    inst = _instance(cells.context)
    ctx = _ctx('req-1')
    action = events.record_action_start(ctx, inst, 'stop')
    assert action.request_id == 'req-1' and action.action == 'stop'
    assert action.project_id == 'p1' and action.start_time is not None
    with events.instance_event(ctx, inst, 'compute_stop_instance', 'h1'):
        pass
    with pytest.raises(ValueError):
        with events.instance_event(ctx, inst, 'compute_other', 'h1'):
            raise ValueError('boom')
    got = objects.InstanceAction.get_by_request_id(cells.context, inst.uuid,
                                                   'req-1')
    assert got.message == 'Error'
    evs = objects.InstanceActionEventList.get_by_action(cells.context,
                                                        got.id)
    by_name = {e.event: e for e in evs}
    assert by_name['compute_stop_instance'].result == 'Success'
    assert by_name['compute_stop_instance'].host == 'h1'
    assert by_name['compute_stop_instance'].finish_time is not None
    assert by_name['compute_other'].result == 'Error'
    assert 'ValueError' in by_name['compute_other'].traceback
    assert by_name['compute_other'].details == 'ValueError'


def test_event_without_action_never_raises(cells):
    inst = _instance(cells.context)
    with events.instance_event(_ctx('req-none'), inst, 'compute_x', 'h'):
        pass
    assert not objects.InstanceActionList.get_by_instance_uuid(
        cells.context, inst.uuid)


def test_list_newest_first_with_marker_limit_and_changes_since(cells):
    inst = _instance(cells.context)
    for i in range(4):
        events.record_action_start(_ctx('req-%d' % i), inst, 'reboot')
    actions = objects.InstanceActionList.get_by_instance_uuid(
        cells.context, inst.uuid)
    assert [a.request_id for a in actions] == [
        'req-3', 'req-2', 'req-1', 'req-0']
    page = objects.InstanceActionList.get_by_instance_uuid(
        cells.context, inst.uuid, limit=2, marker='req-3')
    assert [a.request_id for a in page] == ['req-2', 'req-1']
    with pytest.raises(exception.MarkerNotFound):
        objects.InstanceActionList.get_by_instance_uuid(
            cells.context, inst.uuid, marker='req-missing')
    future = datetime.datetime.now(datetime.timezone.utc) + \
        datetime.timedelta(hours=1)
    assert not objects.InstanceActionList.get_by_instance_uuid(
        cells.context, inst.uuid, filters={'changes-since': future})
    assert len(objects.InstanceActionList.get_by_instance_uuid(
        cells.context, inst.uuid, filters={'changes-before': future})) == 4


def test_action_finish_sets_finish_time(cells):
    inst = _instance(cells.context)
    ctx = _ctx('req-f')
    events.record_action_start(ctx, inst, 'lock')
    events.record_action_finish(ctx, inst)
    got = objects.InstanceAction.get_by_request_id(cells.context, inst.uuid,
                                                   'req-f')
    assert got.finish_time is not None


def test_time_filters_given_as_strings_after_rpc(cells):
    inst = _instance(cells.context)
    events.record_action_start(_ctx('req-s'), inst, 'pause')
    act = objects.InstanceActionList.get_by_instance_uuid(
        cells.context, inst.uuid)[0]
    since = act.updated_at.strftime('%Y-%m-%dT%H:%M:%S.%f')
    assert len(objects.InstanceActionList.get_by_instance_uuid(
        cells.context, inst.uuid, filters={'changes-since': since})) == 1
    assert not objects.InstanceActionList.get_by_instance_uuid(
        cells.context, inst.uuid,
        filters={'changes-since': '2999-01-01T00:00:00Z'})
