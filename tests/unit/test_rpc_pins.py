"""[upgrade_levels] pins on the RPC clients of nova-compute, nova-scheduler
and nova-conductor.

Every public method of each client is called under no pin and under each
pin from 1.0 to 1.2, over oslo.messaging's fake transport with its send
recorded: the message must carry the version the method arrived in (the
tables below, from the version histories of the rpcapi modules), or, when
the pin is older than that, the client must raise RPCVersionPinned naming
the method, the version and the pin, and send nothing. The cap check of
oslo.messaging itself runs on every recorded send.
"""

import inspect
import types

import pytest

from nova.compute import rpcapi as compute_rpcapi
from nova.conductor import rpcapi as conductor_rpcapi
from nova import context as nova_context
from nova import exception
from nova import rpc
from nova.scheduler import rpcapi as scheduler_rpcapi

# method -> the API version it arrived in.
COMPUTE = {
    'build_and_run_instance': '1.0',
    'terminate_instance': '1.0',
    'stop_instance': '1.0',
    'start_instance': '1.0',
    'reboot_instance': '1.0',
    'get_instance_power_state': '1.0',
    'pause_instance': '1.1',
    'unpause_instance': '1.1',
    'suspend_instance': '1.1',
    'resume_instance': '1.1',
    'rescue_instance': '1.1',
    'unrescue_instance': '1.1',
    'trigger_crash_dump': '1.1',
    'set_admin_password': '1.1',
    'get_console_output': '1.1',
    'snapshot_instance': '1.1',
    'backup_instance': '1.1',
    'rebuild_in_place': '1.1',
    'shelve_instance': '1.1',
    'shelve_offload_instance': '1.1',
    'unshelve_instance': '1.1',
    'soft_delete_instance': '1.1',
    'restore_instance': '1.1',
    'check_can_live_migrate_destination': '1.1',
    'check_can_live_migrate_source': '1.1',
    'live_migration': '1.1',
    'pre_live_migration': '1.1',
    'post_live_migration_at_destination': '1.1',
    'rollback_live_migration_at_destination': '1.1',
    'live_migration_force_complete': '1.1',
    'live_migration_abort': '1.1',
    'evacuate_instance': '1.1',
    'prep_resize': '1.1',
    'resize_instance': '1.1',
    'finish_resize': '1.1',
    'confirm_resize': '1.1',
    'revert_resize': '1.1',
    'finish_revert_resize': '1.1',
    'get_diagnostics': '1.1',
    'get_instance_diagnostics': '1.1',
    'get_host_uptime': '1.1',
    'external_instance_event': '1.1',
    'get_console': '1.1',
    'attach_interface': '1.2',
    'detach_interface': '1.2',
}

SCHEDULER = {
    'select_destinations': '1.0',
}
# Dropped, not refused, under a pin older than 1.1.
SCHEDULER_FANOUT = {
    'update_instance_info': '1.1',
    'delete_instance_info': '1.1',
    'sync_instance_info': '1.1',
}

CONDUCTOR = {
    'ping': '1.0',
    'object_class_action_versions': '1.0',
    'object_action': '1.0',
    'object_backport_versions': '1.0',
}

COMPUTE_TASK = {
    'schedule_and_build_instances': '1.0',
    'build_instances': '1.1',
    'unshelve_instance': '1.2',
    'migrate_server': '1.2',
    'live_migrate_instance': '1.2',
    'evacuate_instance': '1.2',
}

PINS = [None, '1.0', '1.1', '1.2']

INSTANCE = types.SimpleNamespace(host='inst-host', uuid='u-1')
MIGRATION = types.SimpleNamespace(source_compute='src-host',
                                  dest_compute='dest-host')


def _allows(pin, version):
    if pin is None:
        return True
    return tuple(map(int, version.split('.'))) <= tuple(
        map(int, pin.split('.')))


def _arguments(method):
    """Keyword arguments for every parameter of a client method."""
    kwargs = {}
    for name in list(inspect.signature(method).parameters)[1:]:
        if name == 'instance':
            kwargs[name] = INSTANCE
        elif name == 'migration':
            kwargs[name] = MIGRATION
        elif name == 'host':
            kwargs[name] = 'arg-host'
        elif name == 'timeout':
            kwargs[name] = None
        else:
            kwargs[name] = 'v-' + name
    return kwargs


def _public_methods(client):
    return {name for name, _m in inspect.getmembers(
        client, inspect.ismethod) if not name.startswith('_')}


class Sent:
    """What reached the transport: (target, message) per send."""

    def __init__(self):
        self.messages = []

    def __call__(self, target, ctxt, message, **kwargs):
        self.messages.append((target, message))
        return 'reply'


@pytest.fixture
def sent(conf, monkeypatch):
    rpc.cleanup()
    rpc.init(url=rpc.IN_PROCESS_TRANSPORT_URL)
    recorder = Sent()
    monkeypatch.setattr(rpc.TRANSPORT, '_send', recorder)
    yield recorder
    rpc.cleanup()


@pytest.fixture
def ctx():
    return nova_context.get_admin_context()


def _pin(conf, topic, value):
    conf.config(group='upgrade_levels', **{topic: value})


def _check(client, method_name, version, pin, sent, ctx):
    method = getattr(client, method_name)
    kwargs = _arguments(method)
    if not _allows(pin, version):
        with pytest.raises(exception.RPCVersionPinned) as caught:
            method(ctx, **kwargs)
        message = caught.value.format_message()
        assert method_name in message
        assert 'needs version %s' % version in message
        assert 'pins it to %s' % pin in message
        assert caught.value.code == 409
        assert sent.messages == []
        return None
    method(ctx, **kwargs)
    assert len(sent.messages) == 1, method_name
    target, message = sent.messages.pop()
    assert message['method'] == method_name
    assert message['version'] == version
    # Every argument of the client method reaches the server unchanged.
    for name, value in kwargs.items():
        if name in ('host', 'timeout') and name not in message['args']:
            continue
        assert message['args'][name] == value, (method_name, name)
    return target


def test_tables_cover_every_method(sent):
    assert _public_methods(compute_rpcapi.ComputeAPI()) == set(COMPUTE)
    assert _public_methods(scheduler_rpcapi.SchedulerAPI()) == (
        set(SCHEDULER) | set(SCHEDULER_FANOUT))
    assert _public_methods(conductor_rpcapi.ConductorAPI()) == set(
        CONDUCTOR)
    assert _public_methods(conductor_rpcapi.ComputeTaskAPI()) == set(
        COMPUTE_TASK)


@pytest.mark.parametrize('pin', PINS)
@pytest.mark.parametrize('method_name', sorted(COMPUTE))
def test_compute(conf, sent, ctx, pin, method_name):
    _pin(conf, 'compute', pin)
    client = compute_rpcapi.ComputeAPI()
    target = _check(client, method_name, COMPUTE[method_name], pin, sent,
                    ctx)
    if target is not None:
        assert target.topic == 'compute'
        assert target.server in ('inst-host', 'arg-host', 'src-host',
                                 'dest-host')


@pytest.mark.parametrize('pin', PINS)
@pytest.mark.parametrize('method_name', sorted(SCHEDULER))
def test_scheduler(conf, sent, ctx, pin, method_name):
    _pin(conf, 'scheduler', pin)
    client = scheduler_rpcapi.SchedulerAPI()
    target = _check(client, method_name, SCHEDULER[method_name], pin, sent,
                    ctx)
    if target is not None:
        assert target.topic == 'scheduler'
        assert not target.fanout


@pytest.mark.parametrize('pin', PINS)
@pytest.mark.parametrize('method_name', sorted(SCHEDULER_FANOUT))
def test_scheduler_fanout(conf, sent, ctx, pin, method_name):
    _pin(conf, 'scheduler', pin)
    client = scheduler_rpcapi.SchedulerAPI()
    method = getattr(client, method_name)
    method(ctx, **_arguments(method))
    if not _allows(pin, SCHEDULER_FANOUT[method_name]):
        assert sent.messages == []
        return
    [(target, message)] = sent.messages
    assert target.fanout
    assert message['method'] == method_name
    assert message['version'] == '1.1'


@pytest.mark.parametrize('pin', PINS)
@pytest.mark.parametrize('method_name', sorted(CONDUCTOR))
def test_conductor(conf, sent, ctx, pin, method_name):
    _pin(conf, 'conductor', pin)
    client = conductor_rpcapi.ConductorAPI()
    target = _check(client, method_name, CONDUCTOR[method_name], pin, sent,
                    ctx)
    if target is not None:
        assert target.topic == 'conductor'
        assert target.namespace is None


@pytest.mark.parametrize('pin', PINS)
@pytest.mark.parametrize('method_name', sorted(COMPUTE_TASK))
def test_compute_task(conf, sent, ctx, pin, method_name):
    _pin(conf, 'conductor', pin)
    client = conductor_rpcapi.ComputeTaskAPI()
    target = _check(client, method_name, COMPUTE_TASK[method_name], pin,
                    sent, ctx)
    if target is not None:
        assert target.topic == 'conductor'
        assert target.namespace == 'compute_task'


@pytest.mark.parametrize('value', ['auto', 'zed', ' ', ''])
def test_unresolved_pins_leave_the_client_uncapped(conf, sent, ctx, value,
                                                  caplog):
    _pin(conf, 'compute', value)
    client = compute_rpcapi.ComputeAPI()
    assert client.client.version_cap is None
    warned = [r.getMessage() for r in caplog.records
              if r.name == 'nova.rpc']
    if value.strip():
        assert len(warned) == 1 and 'not capped' in warned[0]
    else:
        assert warned == []
    client.pause_instance(ctx, INSTANCE)
    [(_target, message)] = sent.messages
    assert message['version'] == '1.1'


def test_a_pin_of_another_major_version_refuses_every_method(conf, sent,
                                                              ctx):
    _pin(conf, 'compute', '2.0')
    client = compute_rpcapi.ComputeAPI()
    with pytest.raises(exception.RPCVersionPinned):
        client.stop_instance(ctx, INSTANCE)
    assert sent.messages == []


def _newest(table):
    return max(table.values(), key=lambda v: tuple(map(int, v.split('.'))))


def test_clients_and_servers_agree_on_the_newest_version():
    from nova.compute import manager as compute_manager
    from nova.conductor import manager as conductor_manager
    from nova.scheduler import manager as scheduler_manager
    assert compute_rpcapi.ComputeAPI.VERSION == _newest(COMPUTE) == (
        compute_manager.ComputeManager.target.version)
    assert scheduler_rpcapi.SchedulerAPI.VERSION == _newest(
        dict(SCHEDULER, **SCHEDULER_FANOUT)) == (
        scheduler_manager.SchedulerManager.target.version)
    assert conductor_rpcapi.ConductorAPI.VERSION == _newest(CONDUCTOR) == (
        conductor_manager.ConductorManager.target.version)
    assert conductor_rpcapi.ComputeTaskAPI.VERSION == _newest(
        COMPUTE_TASK) == conductor_manager.ComputeTaskManager.target.version


def test_every_client_method_has_a_server_endpoint():
    from nova.compute import manager as compute_manager
    from nova.conductor import manager as conductor_manager
    from nova.scheduler import manager as scheduler_manager
    for table, manager in (
            (COMPUTE, compute_manager.ComputeManager),
            (dict(SCHEDULER, **SCHEDULER_FANOUT),
             scheduler_manager.SchedulerManager),
            (CONDUCTOR, conductor_manager.ConductorManager),
            (COMPUTE_TASK, conductor_manager.ComputeTaskManager)):
        missing = [name for name in table if not hasattr(manager, name)]
        assert missing == [], manager.__name__
