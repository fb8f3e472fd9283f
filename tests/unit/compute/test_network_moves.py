"""The server's ports follow its guest through the moves: resize and its
revert, evacuate, shelve offload and unshelve on a compute host (fake
driver, real cell databases), and live migration's bindings on each side
(with the collaborators faked). The network API is the fake of
fake_network.py: the tests read where it was told to bind the ports and
which VIFs the fake driver plugged."""

import types
import uuid

import pytest

from nova.compute import live_migration
from nova import exception
from nova import objects
from nova.states import task_states
from nova.states import vm_states
from tests.unit.compute.conftest import HOST
from tests.unit.compute.conftest import build
from tests.unit.compute.conftest import node_record
from tests.unit.compute.conftest import reload
from tests.unit.compute.fake_network import FakeNetworkAPI
from tests.unit.compute.test_resize import Loopback
from tests.unit.compute.test_resize import _start
from tests.unit.conftest import make_flavor


def _plugged(manager, instance):
    return manager.compute.driver._guests[instance.uuid].get('vifs')


# ----------------------------------------------------------------------
# Resize on one host (the loopback RPC of test_resize)
# ----------------------------------------------------------------------
@pytest.fixture
def resized(make_manager, make_instance, placement, cell_ctx, compute_conf):
    compute_conf.config(allow_resize_to_same_host=True)
    network = FakeNetworkAPI()
    loopback = Loopback()
    manager = make_manager(reportclient=placement.client,
                           compute_rpcapi=loopback, network_api=network)
    loopback.manager = manager
    node = node_record(cell_ctx, HOST)
    placement.add_node(cell_ctx, node.uuid, HOST)
    small = make_flavor(cell_ctx, name='small', flavorid='s', vcpus=1,
                        memory_mb=512, root_gb=1)
    big = make_flavor(cell_ctx, name='big', flavorid='b', vcpus=2,
                      memory_mb=1024, root_gb=2)
    instance = make_instance(flavor=small, vcpus=1, memory_mb=512,
                             root_gb=1, instance_type_id=small.id)
    build(manager, instance)
    instance = reload(instance)
    placement.client.put_allocations(cell_ctx, instance.uuid, {
        node.uuid: {'resources': {'VCPU': 1, 'MEMORY_MB': 512,
                                  'DISK_GB': 1}}}, 'p1', 'u1')
    migration = _start(cell_ctx, instance, big, placement.client, node)
    manager.prep_resize(cell_ctx, instance, big, migration, HOST)
    return manager, network, reload(instance), migration


def test_finish_resize_binds_the_ports_here_and_plugs_them(resized):
    manager, network, instance, _migration = resized
    assert instance.vm_state == vm_states.RESIZED
    assert ('bind_ports_to_host', HOST) in network.calls
    assert network.bound == {'port-1': HOST}
    # The VIFs the driver got are the ones just bound.
    assert _plugged(manager, instance) == ['port-1']


def test_revert_binds_the_ports_back_and_plugs_them_again(resized,
                                                          cell_ctx):
    manager, network, instance, migration = resized
    network.calls.clear()
    instance.task_state = task_states.RESIZE_REVERTING
    instance.save()
    manager.revert_resize(cell_ctx, instance,
                          objects.Migration.get_by_uuid(cell_ctx,
                                                        migration.uuid))
    got = reload(instance)
    assert got.vm_state == vm_states.ACTIVE
    assert network.calls == [('bind_ports_to_host', HOST)]
    assert _plugged(manager, got) == ['port-1']


def test_failed_finish_resize_leaves_the_ports_with_the_instance(
        make_manager, make_instance, placement, cell_ctx, compute_conf,
        monkeypatch):
    compute_conf.config(allow_resize_to_same_host=True)
    network = FakeNetworkAPI()
    loopback = Loopback()
    manager = make_manager(reportclient=placement.client,
                           compute_rpcapi=loopback, network_api=network)
    loopback.manager = manager
    node = node_record(cell_ctx, HOST)
    placement.add_node(cell_ctx, node.uuid, HOST)
    small = make_flavor(cell_ctx, name='small', flavorid='s', vcpus=1,
                        memory_mb=512, root_gb=1)
    big = make_flavor(cell_ctx, name='big', flavorid='b', vcpus=2,
                      memory_mb=1024, root_gb=2)
    instance = make_instance(flavor=small, vcpus=1, memory_mb=512,
                             root_gb=1, instance_type_id=small.id)
    build(manager, instance)
    instance = reload(instance)
    migration = _start(cell_ctx, instance, big, placement.client, node)

    def broken(*args, **kwargs):
        raise exception.NovaException('disk lost')
    monkeypatch.setattr(manager.compute.driver, 'finish_migration', broken)
    with pytest.raises(exception.NovaException):
        manager.prep_resize(cell_ctx, instance, big, migration, HOST)
    got = reload(instance)
    assert got.vm_state == vm_states.ERROR
    assert network.bound == {'port-1': got.host}


# ----------------------------------------------------------------------
# Evacuate
# ----------------------------------------------------------------------
@pytest.fixture
def network_manager(make_manager):
    network = FakeNetworkAPI()
    return make_manager(network_api=network), network


def test_evacuate_binds_the_ports_to_the_new_host_before_the_spawn(
        network_manager, make_instance, cell_ctx):
    manager, network = network_manager
    instance = make_instance(host='dead-host', node='dead-host',
                             vm_state=vm_states.ACTIVE,
                             task_state=task_states.REBUILDING)
    network.bound['port-9'] = 'dead-host'
    instance.network_info = '[{"id": "port-9", "active": true}]'
    instance.save()
    migration = objects.Migration(
        cell_ctx, instance_uuid=instance.uuid, source_compute='dead-host',
        source_node='dead-host', dest_compute=HOST, dest_node=HOST,
        dest_host=HOST, migration_type='evacuation', status='accepted')
    migration.create()
    manager.evacuate_instance(cell_ctx, instance, HOST, migration,
                              {'id': instance.image_ref}, None)
    got = reload(instance)
    assert got.host == HOST and got.vm_state == vm_states.ACTIVE
    assert network.calls == [('bind_ports_to_host', HOST)]
    assert network.bound == {'port-9': HOST}
    assert _plugged(manager, got) == ['port-9']


# ----------------------------------------------------------------------
# Shelve offload and unshelve
# ----------------------------------------------------------------------
def _offloaded(manager, make_instance):
    instance = make_instance()
    build(manager, instance)
    instance = reload(instance)
    instance.vm_state = vm_states.SHELVED
    instance.task_state = task_states.SHELVING_OFFLOADING
    instance.save()
    manager.shelve_offload_instance(instance._context, instance)
    return reload(instance)


def test_offload_unbinds_and_unshelve_binds_to_the_new_host(
        network_manager, make_instance):
    manager, network = network_manager
    instance = _offloaded(manager, make_instance)
    assert instance.vm_state == vm_states.SHELVED_OFFLOADED
    assert 'unbind_ports' in network.names()
    assert network.bound == {'port-1': None}
    network.calls.clear()
    instance.task_state = task_states.UNSHELVING
    instance.save()
    manager.unshelve_instance(instance._context, instance,
                              image={'id': instance.image_ref}, node=HOST)
    got = reload(instance)
    assert got.vm_state == vm_states.ACTIVE
    assert network.calls == [('bind_ports_to_host', HOST)]
    assert network.bound == {'port-1': HOST}
    assert _plugged(manager, got) == ['port-1']


def test_failed_unshelve_unbinds_the_ports_again(network_manager,
                                                 make_instance,
                                                 monkeypatch):
    manager, network = network_manager
    instance = _offloaded(manager, make_instance)
    network.calls.clear()
    instance.task_state = task_states.UNSHELVING
    instance.save()

    def broken(*args, **kwargs):
        raise exception.NovaException('no disk')
    monkeypatch.setattr(manager.compute.driver, 'spawn', broken)
    with pytest.raises(exception.NovaException):
        manager.unshelve_instance(instance._context, instance,
                                  image={'id': instance.image_ref},
                                  node=HOST)
    got = reload(instance)
    assert got.vm_state == vm_states.SHELVED_OFFLOADED
    assert network.names() == ['bind_ports_to_host', 'unbind_ports']
    assert network.bound == {'port-1': None}


# ----------------------------------------------------------------------
# Live migration: each side's steps, with the collaborators faked
# ----------------------------------------------------------------------
SOURCE, DEST = 'src-host', 'dest-host'


class _Instance(types.SimpleNamespace):
    def save(self, **kwargs):
        pass

    def obj_clone(self):
        return _Instance(**vars(self))


class _Log:
    """RPC client and driver of a fake host: records into ``log``."""

    def __init__(self, log, fail=()):
        self.log = log
        self.fail = set(fail)

    def __getattr__(self, name):
        def record(*args, **kwargs):
            self.log.append(name)
            if name in self.fail:
                raise exception.NovaException('%s failed' % name)
            if name == 'pre_live_migration':
                return dict(args[-1] or {})
            return None
        return record


def _host(name, network, log, fail=()):
    calls = _Log(log, fail)
    return types.SimpleNamespace(
        host=name, network_api=network, driver=calls, compute_rpcapi=calls,
        reportclient=types.SimpleNamespace(
            delete_allocation_for_instance=lambda *a: None,
            move_allocations=lambda *a: True),
        rt=types.SimpleNamespace(release=lambda *a: None),
        tell_schedulers_deleted=lambda *a: None,
        live_migrations=live_migration.LiveMigrations())


class _Network(FakeNetworkAPI):
    """Also writes its calls into the hosts' shared log."""

    def __init__(self, log, **kwargs):
        super().__init__(**kwargs)
        self.log = log

    def _record(self, name, arg=None):
        self.log.append(name)
        super()._record(name, arg)


def _run(compute, instance):
    migration = types.SimpleNamespace(uuid=str(uuid.uuid4()), status=None,
                                      save=lambda: None)
    return live_migration._Run(compute, None, instance, DEST, False,
                               migration, {})


@pytest.fixture
def instance():
    return _Instance(uuid=str(uuid.uuid4()), host=SOURCE, node=SOURCE,
                     task_state=task_states.MIGRATING, network_info=None)


@pytest.mark.parametrize('extension', [True, False])
def test_pre_live_migration_makes_inactive_bindings_with_the_extension(
        instance, extension):
    log = []
    network = _Network(log, binding_extension=extension)
    dest = _host(DEST, network, log)
    data = live_migration.pre_live_migration(dest, None, instance, {})
    assert data[live_migration.PORT_BINDINGS] is extension
    assert network.calls == ([('create_inactive_bindings', DEST)]
                             if extension else [])


def test_failed_pre_live_migration_deletes_the_bindings_it_made(instance):
    log = []
    network = _Network(log, binding_extension=True)
    dest = _host(DEST, network, log, fail=['pre_live_migration'])
    with pytest.raises(exception.NovaException):
        live_migration.pre_live_migration(dest, None, instance, {})
    assert network.calls == [('create_inactive_bindings', DEST),
                             ('delete_bindings', DEST)]


def test_switch_over_activates_the_bindings_before_the_destination_plugs(
        instance):
    log = []
    network = _Network(log, binding_extension=True)
    run = _run(_host(SOURCE, network, log), instance)
    run._post(None, instance, DEST, False,
              {live_migration.PORT_BINDINGS: True})
    assert log.index('activate_bindings') < log.index(
        'post_live_migration_at_destination')
    assert network.calls == [('activate_bindings', DEST)]
    assert 'post_live_migration' in log


def test_switch_over_without_the_extension_binds_the_ports_to_dest(
        instance):
    log = []
    network = _Network(log)
    run = _run(_host(SOURCE, network, log), instance)
    run._post(None, instance, DEST, False,
              {live_migration.PORT_BINDINGS: False})
    assert log.index('bind_ports_to_host') < log.index(
        'post_live_migration_at_destination')
    assert network.calls == [('bind_ports_to_host', DEST)]


@pytest.mark.parametrize('extension,restore', [
    (True, ('activate_bindings', SOURCE)),
    (False, ('bind_ports_to_host', SOURCE)),
])
def test_failed_take_over_gives_the_ports_back_to_the_source(
        instance, extension, restore):
    log = []
    network = _Network(log, binding_extension=extension)
    source = _host(SOURCE, network, log,
                   fail=['post_live_migration_at_destination'])
    run = _run(source, instance)
    run._post(None, instance, DEST, False,
              {live_migration.PORT_BINDINGS: extension})
    assert network.calls[-1] == restore
    assert 'rollback_live_migration_at_destination' in log
    # The guest stays on the source.
    assert 'post_live_migration' not in log


def test_rollback_before_the_switch_deletes_the_destination_bindings(
        instance):
    log = []
    network = _Network(log, binding_extension=True)
    run = _run(_host(SOURCE, network, log), instance)
    run._rollback(None, instance, DEST,
                  {live_migration.PORT_BINDINGS: True},
                  exception.LiveMigrationAborted(instance_uuid=instance.uuid))
    assert network.calls == [('delete_bindings', DEST)]


def test_rollback_without_bindings_leaves_the_ports_alone(instance):
    log = []
    network = _Network(log)
    run = _run(_host(SOURCE, network, log), instance)
    run._rollback(None, instance, DEST, {},
                  exception.NovaException('copy failed'))
    assert network.calls == []


def test_destination_plugs_the_refreshed_network_info(network_manager,
                                                      make_instance):
    manager, network = network_manager
    instance = make_instance()
    build(manager, instance)
    instance = reload(instance)
    # What the source's driver sends over: the guest, gone from here.
    record = dict(manager.compute.driver._guests[instance.uuid])
    manager.compute.driver.destroy(instance._context, instance, [])
    instance.task_state = task_states.MIGRATING
    instance.host = instance.node = SOURCE
    # The cache as the source refreshed it at the switch-over.
    instance.network_info = '[{"id": "port-7", "active": true}]'
    instance.save()
    manager.post_live_migration_at_destination(
        instance._context, instance, False,
        {'dest_node': HOST, 'fake_guest': record})
    got = reload(instance)
    assert got.host == HOST and got.task_state is None
    assert _plugged(manager, got) == ['port-7']
