"""nova.compute.api live migration, force complete, abort and evacuate
against real SQLite databases; the casts to the conductor and the hosts
are recorded instead of sent."""

import datetime
import uuid

import pytest

from nova.compute import api as compute_api
from nova import exception
from nova import objects
from nova import rpc
from nova.states import task_states
from nova.states import vm_states

HOST = 'lm1'
OTHER = 'lm2'


class Recorder:
    def __init__(self):
        self.calls = []

    def __getattr__(self, name):
        def record(context, *args, **kwargs):
            self.calls.append((name, args, kwargs))
        return record


@pytest.fixture
def api(cells):
    rpc.cleanup()
    rpc.init(url=rpc.IN_PROCESS_TRANSPORT_URL)
    the_api = compute_api.API()
    the_api.compute_task_api = Recorder()
    the_api.compute_rpcapi = Recorder()
    yield the_api
    rpc.cleanup()


@pytest.fixture
def cctx(cells):
    return cells.context.targeted(cells.cell1.uuid)


def _service(cctx, host, up=True, forced_down=False):
    service = objects.Service(cctx, host=host, binary='nova-compute',
                              topic='compute', report_count=0,
                              forced_down=forced_down)
    service.create()
    if up:
        service.report_up()
    node = objects.ComputeNode(
        cctx, uuid=str(uuid.uuid4()), host=host, hypervisor_hostname=host,
        hypervisor_type='fake', hypervisor_version=1000, service_id=service.id,
        vcpus=8, memory_mb=8192, local_gb=100, vcpus_used=0,
        memory_mb_used=0, local_gb_used=0, cpu_info='{}')
    node.create()
    return service


@pytest.fixture
def instance(cctx):
    _service(cctx, HOST)
    _service(cctx, OTHER)
    inst = objects.Instance(
        cctx, uuid=str(uuid.uuid4()), host=HOST, node=HOST,
        launched_on=HOST, project_id='p1', user_id='u1', display_name='vm',
        image_ref='', vcpus=1, memory_mb=512, root_gb=1, ephemeral_gb=0,
        vm_state=vm_states.ACTIVE, task_state=None, power_state=1,
        locked=False, instance_type_id=1,
        launched_at=datetime.datetime(2024, 1, 1))
    inst.create()
    return objects.Instance.get_by_uuid(cctx, inst.uuid)


def _reload(inst):
    return objects.Instance.get_by_uuid(inst._context, inst.uuid)


def test_live_migrate_sets_migrating_and_casts(api, instance, cctx):
    api.live_migrate(cctx, instance, None, None, OTHER, force=False)
    assert _reload(instance).task_state == task_states.MIGRATING
    (name, args, kwargs), = api.compute_task_api.calls
    assert name == 'live_migrate_instance'
    assert args[1] == OTHER and kwargs['block_migration'] is None


def test_live_migrate_refuses_unknown_and_same_host(api, instance, cctx):
    with pytest.raises(exception.ComputeHostNotFound):
        api.live_migrate(cctx, instance, None, None, 'nowhere')
    with pytest.raises(exception.UnableToMigrateToSelf):
        api.live_migrate(cctx, instance, None, None, HOST)
    assert _reload(instance).task_state is None
    assert api.compute_task_api.calls == []


@pytest.mark.parametrize('vm_state', [vm_states.STOPPED,
                                      vm_states.SUSPENDED])
def test_live_migrate_needs_active_or_paused(api, instance, cctx, vm_state):
    instance.vm_state = vm_state
    instance.save()
    with pytest.raises(exception.InstanceInvalidState):
        api.live_migrate(cctx, instance, None, None, None)


def _migration(cctx, instance, status, migration_type='live-migration'):
    migration = objects.Migration(
        cctx, instance_uuid=instance.uuid, migration_type=migration_type,
        status=status, source_compute=HOST, dest_compute=OTHER,
        source_node=HOST, dest_node=OTHER)
    migration.create()
    return migration


def _migrating(instance):
    instance.task_state = task_states.MIGRATING
    instance.save()


def test_force_complete_needs_a_running_migration(api, instance, cctx):
    _migrating(instance)
    queued = _migration(cctx, instance, 'preparing')
    with pytest.raises(exception.InvalidMigrationState):
        api.live_migrate_force_complete(cctx, instance, queued.id)
    queued.status = 'running'
    queued.save()
    api.live_migrate_force_complete(cctx, instance, queued.id)
    assert [c[0] for c in api.compute_rpcapi.calls] == [
        'live_migration_force_complete']


def test_abort_of_queued_migrations_only_when_supported(api, instance,
                                                        cctx):
    _migrating(instance)
    preparing = _migration(cctx, instance, 'preparing')
    with pytest.raises(exception.InvalidMigrationState):
        api.live_migrate_abort(cctx, instance, preparing.id,
                               support_abort_in_queue=False)
    api.live_migrate_abort(cctx, instance, preparing.id)
    done = _migration(cctx, instance, 'completed')
    with pytest.raises(exception.InvalidMigrationState):
        api.live_migrate_abort(cctx, instance, done.id)
    with pytest.raises(exception.MigrationNotFound):
        api.live_migrate_abort(cctx, instance, 424242)
    assert [c[0] for c in api.compute_rpcapi.calls] == [
        'live_migration_abort']


def test_evacuate_refused_while_the_source_is_up(api, instance, cctx):
    with pytest.raises(exception.ComputeServiceInUse):
        api.evacuate(cctx, instance, None)
    assert _reload(instance).task_state is None


def test_evacuate_from_a_forced_down_host(api, instance, cctx):
    service = objects.Service.get_by_host_and_binary(cctx, HOST,
                                                     'nova-compute')
    service.forced_down = True
    service.save()
    api.evacuate(cctx, instance, OTHER, admin_password='secret',
                 target_state=vm_states.STOPPED)
    assert _reload(instance).task_state == task_states.REBUILDING
    (name, args, kwargs), = api.compute_task_api.calls
    assert name == 'evacuate_instance'
    migration = args[1]
    assert migration.migration_type == 'evacuation'
    assert migration.status == 'accepted'
    assert migration.source_compute == HOST
    assert kwargs['target_state'] == vm_states.STOPPED


def test_evacuate_refuses_other_states(api, instance, cctx):
    service = objects.Service.get_by_host_and_binary(cctx, HOST,
                                                     'nova-compute')
    service.forced_down = True
    service.save()
    instance.vm_state = vm_states.PAUSED
    instance.save()
    with pytest.raises(exception.InstanceInvalidState):
        api.evacuate(cctx, instance, None)
