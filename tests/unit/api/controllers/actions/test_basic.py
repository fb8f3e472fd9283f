"""POST /servers/{id}/action for the basic actions and the
os-instance-actions resource, through the WSGI application, on the real
compute API and SQLite cell databases; only the RPC to the compute host
is recorded instead of sent."""

import uuid

import pytest

from nova.api.controllers import servers
from nova.compute import api as compute_api
from nova.compute import events
from nova import context as nova_context
from nova import exception
from nova import objects
from nova import rpc
from nova.states import vm_states
from tests.unit.compute.conftest import Recorder
from tests.unit.conftest import make_flavor

MEMBER = 'demo:demo'
ADMIN = 'admin:admin'
OTHER = 'other:other'


@pytest.fixture
def api(cells, conf, tmp_path, monkeypatch):
    conf.config(local_dir=str(tmp_path / 'images'), group='image')
    compute_api._CELLS._cells = None
    rpc.cleanup()
    rpc.init(url=rpc.IN_PROCESS_TRANSPORT_URL)
    the_api = compute_api.API()
    the_api.compute_rpcapi = Recorder()
    the_api.compute_rpcapi.get_console_output = \
        lambda ctx, inst, tail_length=None: 'line1\x07\nline2\n'
    monkeypatch.setattr(servers, 'compute_api', lambda: the_api)
    yield the_api
    rpc.cleanup()


@pytest.fixture
def server(cells, api):
    cell_ctx = cells.context.targeted(cells.cell1.uuid)
    flavor = make_flavor(cells.context)

    def _make(**fields):
        values = dict(uuid=str(uuid.uuid4()), project_id='demo',
                      user_id='demo', host='c1', node='c1',
                      vm_state=vm_states.ACTIVE, task_state=None,
                      power_state=1, flavor=flavor, image_ref='img',
                      locked=False, system_metadata={}, metadata={})
        values.update(fields)
        inst = objects.Instance(cell_ctx, **values)
        inst.launched_at = inst.created_at = objects.Instance.fields[
            'launched_at'].coerce(inst, 'launched_at', '2024-01-01T00:00:00Z')
        inst.create()
        objects.InstanceMapping(
            cells.context, instance_uuid=inst.uuid, cell_mapping=cells.cell1,
            project_id=inst.project_id, user_id=inst.user_id,
            queued_for_delete=False).create()
        return inst
    return _make


def _act(client, server_id, body, token=MEMBER, version=None):
    return client.request('POST', '/v2.1/servers/%s/action' % server_id,
                          body=body, token=token, version=version)


def _state(cells, inst):
    return objects.Instance.get_by_uuid(
        cells.context.targeted(cells.cell1.uuid), inst.uuid)


def test_stop_answers_202_and_casts(client, server, api, cells):
    inst = server()
    resp = _act(client, inst.uuid, {'os-stop': None})
    assert resp.status_int == 202 and resp.body == b''
    assert api.compute_rpcapi.names() == ['stop_instance']
    assert _state(cells, inst).task_state == 'powering-off'


def test_wrong_state_is_409_with_conflict_body(client, server):
    inst = server(vm_state=vm_states.STOPPED)
    resp = _act(client, inst.uuid, {'pause': None})
    assert resp.status_int == 409
    assert 'conflictingRequest' in resp.json_body_or_none


def test_other_projects_server_is_404(client, server):
    inst = server()
    assert _act(client, inst.uuid, {'os-stop': None},
                token=OTHER).status_int == 404
    assert client.request(
        'GET', '/v2.1/servers/%s/os-instance-actions' % inst.uuid,
        token=OTHER).status_int == 404


@pytest.mark.parametrize('body', [
    {'reboot': {}},
    {'reboot': {'type': 'WARM'}},
    {'os-resetState': {'state': 'stopped'}},
    {'changePassword': {}},
    {'changePassword': {'adminPass': 1}},
    {'rescue': {'rescue_image_ref': 'not-a-uuid'}},
    {'os-getConsoleOutput': {'length': 'many'}},
    {'os-stop': None, 'os-start': None},
])
def test_malformed_bodies_are_400(client, server, body):
    inst = server()
    assert _act(client, inst.uuid, body, token=ADMIN).status_int == 400


def test_rescue_returns_password_unless_disabled(client, server, conf):
    inst = server()
    resp = _act(client, inst.uuid, {'rescue': {'adminPass': 'pw-1'}})
    assert resp.status_int == 200
    assert resp.json_body_or_none == {'adminPass': 'pw-1'}
    conf.config(enable_instance_password=False, group='api')
    other = server()
    resp = _act(client, other.uuid, {'rescue': None})
    assert resp.status_int == 200 and resp.json_body_or_none == {}


def test_lock_reason_needs_273(client, server, cells):
    inst = server()
    body = {'lock': {'locked_reason': 'why'}}
    assert _act(client, inst.uuid, body, version='2.72').status_int == 202
    assert 'locked_reason' not in _state(cells, inst).system_metadata
    other = server()
    assert _act(client, other.uuid, body, version='2.73').status_int == 202
    assert _state(cells, other).system_metadata['locked_reason'] == 'why'
    assert _act(client, other.uuid, {'lock': {'locked_reason': ''}},
                version='2.73').status_int == 400


def test_owner_cannot_lift_admin_lock(client, server, cells):
    inst = server()
    assert _act(client, inst.uuid, {'lock': None},
                token=ADMIN).status_int == 202
    assert _act(client, inst.uuid, {'os-stop': None}).status_int == 409
    assert _act(client, inst.uuid, {'unlock': None}).status_int == 403
    assert _act(client, inst.uuid, {'unlock': None},
                token=ADMIN).status_int == 202
    assert not _state(cells, inst).locked


def test_reset_state_is_admin_only(client, server, cells):
    inst = server()
    body = {'os-resetState': {'state': 'error'}}
    assert _act(client, inst.uuid, body).status_int == 403
    assert _act(client, inst.uuid, body, token=ADMIN).status_int == 202
    assert _state(cells, inst).vm_state == 'error'


def test_crash_dump_exists_from_217(client, server, api):
    inst = server()
    assert _act(client, inst.uuid, {'trigger_crash_dump': None},
                version='2.16').status_int == 404
    assert _act(client, inst.uuid, {'trigger_crash_dump': None},
                version='2.17').status_int == 202
    assert api.compute_rpcapi.names() == ['trigger_crash_dump']


def test_crash_dump_value_must_be_null(client, server, api):
    inst = server()
    assert _act(client, inst.uuid, {'trigger_crash_dump': {}},
                version='2.17').status_int == 400
    assert api.compute_rpcapi.names() == []


@pytest.mark.parametrize('value', [None, {}, {'force': True}, 'x'])
def test_argument_less_actions_take_any_value(client, server, api, value):
    # Upstream does not read these values; Tempest sends {}.
    inst = server()
    assert _act(client, inst.uuid, {'pause': value}).status_int == 202
    assert _act(client, inst.uuid, {'lock': value}).status_int == 202
    assert api.compute_rpcapi.names() == ['pause_instance']


@pytest.mark.parametrize('name', [
    'os-stop', 'os-start', 'pause', 'unpause', 'suspend', 'resume',
    'unlock', 'unrescue', 'confirmResize', 'revertResize', 'shelve',
    'shelveOffload', 'restore', 'forceDelete'])
def test_argument_less_action_schemas_accept_null_and_empty_object(name):
    from nova.api.controllers import actions  # noqa: F401 (registers)
    from nova.api.controllers import server_actions
    from nova.api import validation
    schema = server_actions.ACTIONS[name].schema
    for value in (None, {}):
        validation.check({name: value}, schema)


def test_console_output_strips_control_characters(client, server):
    inst = server()
    resp = _act(client, inst.uuid, {'os-getConsoleOutput': {'length': -1}})
    assert resp.status_int == 200
    assert resp.json_body_or_none == {'output': 'line1\nline2\n'}
    assert _act(client, inst.uuid, {'os-getConsoleOutput': {
        'length': -2}}).status_int == 400


def test_change_password_is_202(client, server, api):
    inst = server()
    resp = _act(client, inst.uuid, {'changePassword': {'adminPass': 'x'}})
    assert resp.status_int == 202
    assert api.compute_rpcapi.names() == ['set_admin_password']


@pytest.mark.parametrize('error, status, text', [
    (exception.QemuGuestAgentNotEnabled(), 409,
     'QEMU guest agent is not enabled'),
    (exception.SetAdminPasswdNotSupported(), 409, 'not supported'),
    (NotImplementedError(), 501, 'Unable to set password on instance'),
])
def test_change_password_the_guest_cannot_take(client, server, api, error,
                                               status, text):
    def refuse(ctx, inst, password):
        raise error
    api.compute_rpcapi.set_admin_password = refuse
    inst = server()
    resp = _act(client, inst.uuid, {'changePassword': {'adminPass': 'x'}})
    assert resp.status_int == status
    assert text in resp.text


# os-instance-actions

def _record(cells, inst, action, request_id, event=None, fail=False):
    ctx = nova_context.RequestContext(user_id='demo', project_id='demo',
                                      request_id=request_id)
    ctx = ctx.targeted(cells.cell1.uuid)
    events.record_action_start(ctx, inst, action)
    if event:
        try:
            with events.instance_event(ctx, inst, event, 'c1'):
                if fail:
                    raise ValueError('broken')
        except ValueError:
            pass


def _list(client, inst, token=MEMBER, version='2.84', query=''):
    return client.request(
        'GET', '/v2.1/servers/%s/os-instance-actions%s' % (inst.uuid, query),
        token=token, version=version)


def _show(client, inst, request_id, token=MEMBER, version='2.84'):
    return client.request(
        'GET', '/v2.1/servers/%s/os-instance-actions/%s'
        % (inst.uuid, request_id), token=token, version=version)


def test_list_fields_by_version(client, server, cells):
    inst = server()
    _record(cells, inst, 'stop', 'req-a')
    old = _list(client, inst, version='2.57').json_body_or_none
    assert set(old['instanceActions'][0]) == {
        'action', 'instance_uuid', 'request_id', 'user_id', 'project_id',
        'start_time', 'message'}
    new = _list(client, inst, version='2.58').json_body_or_none
    assert 'updated_at' in new['instanceActions'][0]
    # Before 2.58 unknown parameters are ignored; from 2.58 they are 400.
    assert _list(client, inst, version='2.57',
                 query='?bogus=1').status_int == 200
    assert _list(client, inst, version='2.58',
                 query='?bogus=1').status_int == 400
    assert _list(client, inst, version='2.58',
                 query='?changes-before=2020-01-01T00:00:00Z'
                 ).status_int == 400
    assert _list(client, inst, version='2.66',
                 query='?changes-before=2999-01-01T00:00:00Z'
                 ).status_int == 200


def test_paging_links_and_bad_marker(client, server, cells):
    inst = server()
    for i in range(3):
        _record(cells, inst, 'reboot', 'req-%d' % i)
    page = _list(client, inst, query='?limit=2').json_body_or_none
    assert [a['request_id'] for a in page['instanceActions']] == [
        'req-2', 'req-1']
    assert 'marker=req-1' in page['links'][0]['href']
    rest = _list(client, inst, query='?marker=req-1').json_body_or_none
    assert [a['request_id'] for a in rest['instanceActions']] == ['req-0']
    assert 'links' not in rest
    assert _list(client, inst, query='?marker=nope').status_int == 400


def test_event_visibility_by_role_and_version(client, server, cells):
    inst = server()
    _record(cells, inst, 'pause', 'req-e', event='compute_pause_instance',
            fail=True)
    member_250 = _show(client, inst, 'req-e', version='2.50')
    assert 'events' not in member_250.json_body_or_none['instanceAction']
    admin_250 = _show(client, inst, 'req-e', token=ADMIN, version='2.50')
    evt = admin_250.json_body_or_none['instanceAction']['events'][0]
    assert set(evt) == {'event', 'start_time', 'finish_time', 'result',
                        'traceback'}
    assert evt['result'] == 'Error' and 'ValueError' in evt['traceback']
    member_262 = _show(client, inst, 'req-e', version='2.62')
    evt = member_262.json_body_or_none['instanceAction']['events'][0]
    assert set(evt) == {'event', 'start_time', 'finish_time', 'result',
                        'hostId'}
    admin_284 = _show(client, inst, 'req-e', token=ADMIN, version='2.84')
    evt = admin_284.json_body_or_none['instanceAction']['events'][0]
    assert evt['host'] == 'c1' and evt['details'] == 'ValueError'
    action = admin_284.json_body_or_none['instanceAction']
    assert action['message'] == 'Error' and action['action'] == 'pause'
    assert _show(client, inst, 'req-missing').status_int == 404


def test_deleted_server_actions_from_221(client, server, cells):
    inst = server()
    _record(cells, inst, 'delete', 'req-d')
    inst.destroy()
    assert _list(client, inst, version='2.20').status_int == 404
    resp = _list(client, inst, version='2.21')
    assert resp.status_int == 200
    assert resp.json_body_or_none['instanceActions'][0]['action'] == \
        'delete'
    assert _show(client, inst, 'req-d', version='2.21').status_int == 200


@pytest.mark.parametrize('body', [{'migrate': None},
                                  {'resize': {'flavorRef': '1'}}])
def test_move_without_a_host_is_400_saying_so_once(client, server, api,
                                                    monkeypatch, body):
    inst = server()

    def no_host(ctx, instance, **kwargs):
        raise exception.NoValidHost(reason='Placement found nothing.')
    monkeypatch.setattr(api, 'resize', no_host)
    resp = _act(client, inst.uuid, body, token=ADMIN)
    assert resp.status_int == 400
    assert resp.json_body_or_none['badRequest']['message'] == \
        'No valid host was found. Placement found nothing.'


@pytest.mark.parametrize('body,wanted', [
    ({'resize': {'flavorRef': '3', 'OS-DCF:diskConfig': 'AUTO'}}, True),
    ({'resize': {'flavorRef': '3', 'OS-DCF:diskConfig': 'MANUAL'}}, False),
    ({'resize': {'flavorRef': '3'}}, None),
    ({'migrate': None}, None),
])
def test_move_passes_disk_config(client, server, api, monkeypatch, body,
                                 wanted):
    inst = server()
    calls = []
    monkeypatch.setattr(api, 'resize', lambda ctx, instance, **kwargs:
                        calls.append(kwargs))
    resp = _act(client, inst.uuid, body, token=ADMIN)
    assert resp.status_int == 202, resp.text
    assert calls[0]['auto_disk_config'] is wanted


@pytest.fixture
def resizable(cells, api, server):
    """A server of flavor 2 that may be resized to flavor 3, the
    conductor recorded instead of called."""
    make_flavor(cells.context, name='m1.large', flavorid='3', root_gb=40)
    api.compute_task_api = Recorder()
    return server


def test_resize_to_auto_is_shown_by_the_server(client, resizable, cells):
    inst = resizable(auto_disk_config=False)
    resp = _act(client, inst.uuid, {'resize': {
        'flavorRef': '3', 'OS-DCF:diskConfig': 'AUTO'}})
    assert resp.status_int == 202, resp.text
    assert _state(cells, inst).auto_disk_config is True
    server = client.request('GET', '/v2.1/servers/' + inst.uuid)
    assert server.json_body_or_none['server']['OS-DCF:diskConfig'] == 'AUTO'


def test_resize_to_auto_refused_by_the_servers_image_is_400(
        client, resizable, cells, api):
    inst = resizable(system_metadata={'image_auto_disk_config': 'disabled'})
    resp = _act(client, inst.uuid, {'resize': {
        'flavorRef': '3', 'OS-DCF:diskConfig': 'AUTO'}})
    assert resp.status_int == 400
    assert resp.json_body_or_none['badRequest']['message'] == (
        'Requested image img has automatic disk resize disabled.')
    assert _state(cells, inst).task_state is None
    assert api.compute_task_api.calls == []
