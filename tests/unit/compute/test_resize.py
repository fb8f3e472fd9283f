"""The compute side of a resize on one host (the fake driver, real
SQLite cell database, real placement app): prep_resize through
finish_resize, then confirm or revert; the RPC between the steps is a
loopback into the same manager."""

import uuid

import pytest

from nova import objects
from nova.states import task_states
from nova.states import vm_states
from tests.unit.compute.conftest import HOST
from tests.unit.compute.conftest import build
from tests.unit.compute.conftest import node_record
from tests.unit.compute.conftest import reload
from tests.unit.conftest import make_flavor


class Loopback:
    """The compute RPC client, delivering each cast to ``manager`` at
    once (both ends of the move are this host); ``manager`` is set once
    the manager using this client is made."""

    manager = None

    def prep_resize(self, context, instance, flavor, migration, host, node,
                    request_spec=None, clean_shutdown=True):
        self.manager.prep_resize(context, instance, flavor, migration, node,
                                 request_spec, clean_shutdown)

    def resize_instance(self, context, instance, flavor, migration,
                        clean_shutdown=True):
        self.manager.resize_instance(context, instance, flavor, migration,
                                     clean_shutdown)

    def finish_resize(self, context, instance, migration, disk_info):
        self.manager.finish_resize(context, instance, migration, disk_info)

    def confirm_resize(self, context, instance, migration, host):
        self.manager.confirm_resize(context, instance, migration)

    def revert_resize(self, context, instance, migration, host):
        self.manager.revert_resize(context, instance, migration)

    def finish_revert_resize(self, context, instance, migration, host):
        self.manager.finish_revert_resize(context, instance, migration)


@pytest.fixture
def setup(make_manager, make_instance, placement, cell_ctx, compute_conf):
    compute_conf.config(allow_resize_to_same_host=True)
    loopback = Loopback()
    manager = make_manager(reportclient=placement.client,
                           compute_rpcapi=loopback)
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
    assert instance.vm_state == vm_states.ACTIVE
    placement.client.put_allocations(cell_ctx, instance.uuid, {
        node.uuid: {'resources': {'VCPU': 1, 'MEMORY_MB': 512,
                                  'DISK_GB': 1}}}, 'p1', 'u1')
    return manager, instance, small, big, node, placement.client


def _start(ctx, instance, big, client, node):
    """What the API and the conductor do before prep_resize."""
    instance.task_state = task_states.RESIZE_PREP
    instance.save()
    migration = objects.Migration(
        ctx, instance_uuid=instance.uuid, source_compute=HOST,
        source_node=HOST, dest_compute=HOST, dest_node=HOST, dest_host=HOST,
        old_instance_type_id=instance.flavor.id,
        new_instance_type_id=big.id, status='pre-migrating',
        migration_type='resize')
    migration.create()
    assert client.move_allocations(ctx, instance.uuid, migration.uuid)
    client.put_allocations(ctx, instance.uuid, {
        node.uuid: {'resources': {'VCPU': 2, 'MEMORY_MB': 1024,
                                  'DISK_GB': 2}}}, 'p1', 'u1')
    return migration


def test_same_host_resize_then_confirm(setup, cell_ctx):
    manager, instance, small, big, node, client = setup
    migration = _start(cell_ctx, instance, big, client, node)
    manager.prep_resize(cell_ctx, instance, big, migration, HOST)
    got = reload(instance)
    assert got.vm_state == vm_states.RESIZED and got.task_state is None
    assert got.flavor.name == 'big' and got.old_flavor.name == 'small'
    assert got.vcpus == 2
    assert manager.compute.driver.get_info(got).state == 1
    mig = objects.Migration.get_by_uuid(cell_ctx, migration.uuid)
    assert mig.status == 'finished'
    # Old and new flavor both count on the node until the confirm.
    assert manager.compute.rt.get_node(HOST).vcpus_used == 3
    manager.confirm_resize(cell_ctx, got, mig)
    got = reload(instance)
    assert got.vm_state == vm_states.ACTIVE
    assert got.old_flavor is None and got.new_flavor is None
    assert objects.Migration.get_by_uuid(cell_ctx,
                                         migration.uuid).status == 'confirmed'
    assert client.get_allocations_for_consumer(cell_ctx,
                                               migration.uuid) == {}
    assert manager.compute.rt.get_node(HOST).vcpus_used == 2
    # A refresh from the database agrees.
    manager.update_available_resource(cell_ctx)
    assert manager.compute.rt.get_node(HOST).vcpus_used == 2


def test_same_host_resize_then_revert(setup, cell_ctx):
    manager, instance, small, big, node, client = setup
    migration = _start(cell_ctx, instance, big, client, node)
    manager.prep_resize(cell_ctx, instance, big, migration, HOST)
    manager.update_available_resource(cell_ctx)
    assert manager.compute.rt.get_node(HOST).vcpus_used == 3
    got = reload(instance)
    got.task_state = task_states.RESIZE_REVERTING
    got.save()
    mig = objects.Migration.get_by_uuid(cell_ctx, migration.uuid)
    manager.revert_resize(cell_ctx, got, mig)
    got = reload(instance)
    assert got.vm_state == vm_states.ACTIVE and got.task_state is None
    assert got.flavor.name == 'small' and got.vcpus == 1
    assert objects.Migration.get_by_uuid(cell_ctx,
                                         migration.uuid).status == 'reverted'
    allocs = client.get_allocations_for_consumer(cell_ctx, instance.uuid)
    assert allocs[node.uuid]['resources'] == {'VCPU': 1, 'MEMORY_MB': 512,
                                              'DISK_GB': 1}
    assert manager.compute.rt.get_node(HOST).vcpus_used == 1
    assert manager.compute.driver.get_info(got).state == 1


def test_waiting_resize_is_confirmed_after_the_window(setup, cell_ctx,
                                                      compute_conf):
    from nova.db.main import migrations as migrations_db
    import datetime
    manager, instance, small, big, node, client = setup
    migration = _start(cell_ctx, instance, big, client, node)
    manager.prep_resize(cell_ctx, instance, big, migration, HOST)
    compute_conf.config(resize_confirm_window=60)
    assert manager.confirm_waiting_resizes(cell_ctx) == 0
    old = datetime.datetime.utcnow() - datetime.timedelta(seconds=120)
    migrations_db.migration_update(cell_ctx, migration.id,
                                   {'updated_at': old})
    assert manager.confirm_waiting_resizes(cell_ctx) == 1
    assert reload(instance).vm_state == vm_states.ACTIVE
    assert objects.Migration.get_by_uuid(
        cell_ctx, migration.uuid).status == 'confirmed'


def test_failed_prep_gives_allocations_back(setup, cell_ctx, compute_conf):
    manager, instance, small, big, node, client = setup
    migration = _start(cell_ctx, instance, big, client, node)
    migration.dest_node = 'no-such-node'
    migration.save()
    compute_conf.config(allow_resize_to_same_host=False)
    with pytest.raises(Exception):
        manager.prep_resize(cell_ctx, instance, big, migration, HOST)
    got = reload(instance)
    assert got.task_state is None and got.vm_state == vm_states.ACTIVE
    assert objects.Migration.get_by_uuid(cell_ctx,
                                         migration.uuid).status == 'error'
    allocs = client.get_allocations_for_consumer(cell_ctx, instance.uuid)
    assert allocs[node.uuid]['resources']['VCPU'] == 1
    assert str(uuid.UUID(migration.uuid))


def test_confirm_of_a_deleted_instance_frees_the_migration(setup, cell_ctx):
    manager, instance, small, big, node, client = setup
    migration = _start(cell_ctx, instance, big, client, node)
    manager.prep_resize(cell_ctx, instance, big, migration, HOST)
    got = reload(instance)
    got.task_state = task_states.DELETING
    got.save()
    mig = objects.Migration.get_by_uuid(cell_ctx, migration.uuid)
    manager.confirm_resize(cell_ctx, got, mig)
    assert objects.Migration.get_by_uuid(cell_ctx,
                                         migration.uuid).status == 'confirmed'
    assert client.get_allocations_for_consumer(cell_ctx,
                                               migration.uuid) == {}
