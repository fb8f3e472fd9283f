"""The resource tracker against the fake driver and a real cell database."""

import os
import time
import uuid

import pytest
import sqlalchemy as sa

from nova.compute import resource_tracker
from nova.db.main import models as main_models
from nova import objects
from nova.states import vm_states
from nova.virt import fake

from tests.unit.compute.conftest import HOST


@pytest.fixture
def make_rt(compute_conf, service_ref):
    def _make(node_count=1, save_delay=0):
        compute_conf.config(node_count=node_count, group='fake')
        driver = fake.FakeDriver()
        driver.init_host(HOST)
        rt = resource_tracker.ResourceTracker(HOST, driver,
                                              save_delay=save_delay)
        rt.service_ref = service_ref
        return rt
    return _make


@pytest.fixture
def count_calls(monkeypatch):
    """count_calls(cls, name) -> list that gets the args of every call."""
    def _spy(cls, name):
        original = getattr(cls, name)
        calls = []

        def spy(*args, **kwargs):
            calls.append(args)
            return original(*args, **kwargs)
        monkeypatch.setattr(cls, name, spy)
        return calls
    return _spy


def _nodes(ctx):
    return {n.hypervisor_hostname: n
            for n in objects.ComputeNodeList.get_all_by_host(ctx, HOST)}


def test_node_created_with_capacity_and_reserved_memory(make_rt, ctx,
                                                        compute_conf,
                                                        service_ref):
    compute_conf.config(reserved_host_memory_mb=512, group='compute')
    rt = make_rt()
    rt.update_available_resource(ctx)
    node = _nodes(ctx)[HOST]
    assert node.vcpus == 32
    assert node.memory_mb == 131072
    assert node.local_gb == 2048
    assert node.vcpus_used == 0
    assert node.memory_mb_used == 512
    assert node.free_ram_mb == 131072 - 512
    assert node.local_gb_used == 0
    assert node.free_disk_gb == 2048
    assert node.running_vms == 0
    assert node.hypervisor_type == 'fake'
    assert node.hypervisor_version == fake.HYPERVISOR_VERSION
    assert node.service_id == service_ref.id
    assert node.cpu_allocation_ratio == 16.0
    assert node.ram_allocation_ratio == 1.5
    assert node.disk_allocation_ratio == 1.0
    assert node.uuid


def test_node_uuids_stable_across_restarts(make_rt, ctx):
    make_rt(node_count=3).update_available_resource(ctx)
    before = {name: n.uuid for name, n in _nodes(ctx).items()}
    make_rt(node_count=3).update_available_resource(ctx)
    after = {name: n.uuid for name, n in _nodes(ctx).items()}
    assert before == after
    assert len(set(after.values())) == 3


def test_usage_counts_instances_per_node(make_rt, ctx, make_instance):
    names = fake.node_names(HOST, 2)
    make_instance(node=names[0], vm_state=vm_states.ACTIVE, task_state=None,
                  vcpus=2, memory_mb=1024, root_gb=10, ephemeral_gb=5)
    make_instance(node=names[0], vm_state=vm_states.STOPPED,
                  task_state=None, vcpus=1, memory_mb=256, root_gb=1)
    make_instance(node=names[1], vcpus=4, memory_mb=4096, root_gb=20)
    make_instance(host='other-host', node=names[1], vcpus=8)
    rt = make_rt(node_count=2)
    rt.update_available_resource(ctx)
    nodes = _nodes(ctx)
    first, second = nodes[names[0]], nodes[names[1]]
    assert (first.vcpus_used, first.memory_mb_used, first.local_gb_used,
            first.running_vms) == (3, 1280 + 512, 16, 2)
    assert first.current_workload == 0
    assert (second.vcpus_used, second.memory_mb_used, second.local_gb_used,
            second.running_vms) == (4, 4096 + 512, 20, 1)
    # The building one is work in progress.
    assert second.current_workload == 1


def test_failed_build_without_guest_holds_nothing(make_rt, ctx,
                                                  make_instance):
    make_instance(vm_state=vm_states.ERROR, task_state=None)
    rt = make_rt()
    rt.update_available_resource(ctx)
    node = _nodes(ctx)[HOST]
    assert node.running_vms == 0
    assert node.vcpus_used == 0


def test_error_instance_with_guest_still_counts(make_rt, ctx,
                                                make_instance):
    inst = make_instance(vm_state=vm_states.ERROR, task_state=None)
    rt = make_rt()
    rt.driver.spawn(ctx, inst, {}, [], None, None)
    rt.update_available_resource(ctx)
    assert _nodes(ctx)[HOST].running_vms == 1


def test_deleted_instance_not_counted(make_rt, ctx, make_instance):
    make_instance().destroy()
    rt = make_rt()
    rt.update_available_resource(ctx)
    assert _nodes(ctx)[HOST].running_vms == 0


def test_claim_and_release_change_the_node_at_once(make_rt, ctx,
                                                   make_instance):
    rt = make_rt()
    rt.update_available_resource(ctx)
    inst = make_instance(vcpus=3, memory_mb=2048, root_gb=7)
    assert rt.instance_claim(inst) == HOST
    node = _nodes(ctx)[HOST]
    assert (node.vcpus_used, node.memory_mb_used, node.local_gb_used,
            node.running_vms) == (3, 2048 + 512, 7, 1)
    rt.release(inst)
    node = _nodes(ctx)[HOST]
    assert (node.vcpus_used, node.memory_mb_used, node.running_vms) == (
        0, 512, 0)


def test_claims_published_within_a_second_in_one_write(make_rt, ctx,
                                                       make_instance,
                                                       count_calls):
    rt = make_rt(save_delay=0.3)
    rt.update_available_resource(ctx)
    saves = count_calls(objects.ComputeNodeList, 'save_all')
    for _ in range(5):
        rt.instance_claim(make_instance(vcpus=1))
    assert _nodes(ctx)[HOST].vcpus_used == 0
    deadline = time.monotonic() + 1.0
    while time.monotonic() < deadline and \
            _nodes(ctx)[HOST].vcpus_used != 5:
        time.sleep(0.05)
    assert _nodes(ctx)[HOST].vcpus_used == 5
    assert len(saves) == 1


def test_claim_on_unknown_node_refused(make_rt, ctx, make_instance):
    from nova import exception
    rt = make_rt()
    rt.update_available_resource(ctx)
    with pytest.raises(exception.ComputeHostNotFoundByNode):
        rt.instance_claim(make_instance(node='elsewhere'))


def test_refresh_writes_only_changed_nodes(make_rt, ctx, make_instance,
                                           count_calls):
    rt = make_rt(node_count=4)
    rt.update_available_resource(ctx)
    saves = count_calls(objects.ComputeNodeList, 'save_all')
    rt.update_available_resource(ctx)
    assert saves == []
    make_instance(node=fake.node_names(HOST, 4)[2])
    rt.update_available_resource(ctx)
    assert len(saves) == 1
    sent = saves[0][1]
    assert len(sent) == 1
    changed = sent[0].obj_what_changed()
    assert 'vcpus_used' in changed and 'memory_mb' not in changed


def test_node_no_longer_exposed_is_deleted(make_rt, ctx):
    make_rt(node_count=3).update_available_resource(ctx)
    make_rt(node_count=2).update_available_resource(ctx)
    assert sorted(_nodes(ctx)) == fake.node_names(HOST, 2)


def _insert_node_rows(cells, names):
    """Existing records of a host that ran before (made in one INSERT so
    the test does not spend its time creating them)."""
    engine = sa.create_engine(cells.cell1_url)
    try:
        with engine.begin() as conn:
            conn.execute(sa.insert(main_models.ComputeNode), [
                dict(uuid=str(uuid.uuid4()), host=HOST,
                     hypervisor_hostname=name, vcpus=1, memory_mb=1,
                     local_gb=1, vcpus_used=0, memory_mb_used=0,
                     local_gb_used=0, deleted=0) for name in names])
    finally:
        engine.dispose()


def test_ten_thousand_nodes_reported_in_one_save(make_rt, ctx, cells,
                                                 make_instance,
                                                 count_calls):
    names = fake.node_names(HOST, 10000)
    _insert_node_rows(cells, names)
    make_instance(node=names[9999], vcpus=4)
    saves = count_calls(objects.ComputeNodeList, 'save_all')
    instance_queries = count_calls(objects.InstanceList, 'get_by_host')
    creates = count_calls(objects.ComputeNode, 'create')
    rt = make_rt(node_count=10000)
    started = time.monotonic()
    rt.update_available_resource(ctx)
    elapsed = time.monotonic() - started
    assert len(saves) == 1
    assert len(saves[0][1]) == 10000
    assert len(instance_queries) == 1
    assert creates == []
    nodes = _nodes(ctx)
    assert nodes[names[0]].vcpus == 32
    assert nodes[names[9999]].vcpus_used == 4
    assert nodes[names[9999]].running_vms == 1
    assert elapsed < 30


def _forget_records(cells):
    """The host's node records are gone from the cell database, as after a
    first start whose record never reached this deployment's database."""
    engine = sa.create_engine(cells.cell1_url)
    try:
        with engine.begin() as conn:
            conn.execute(sa.delete(main_models.ComputeNode))
    finally:
        engine.dispose()


def test_lost_records_are_created_again_with_the_same_uuids(make_rt, ctx,
                                                            cells):
    rt = make_rt(node_count=2)
    rt.update_available_resource(ctx)
    before = {name: n.uuid for name, n in _nodes(ctx).items()}
    identity = os.path.join(rt.driver.state_dir, 'compute_id')
    assert open(identity).read() == ''.join(
        '%s %s\n' % (before[name], name) for name in sorted(before))
    _forget_records(cells)
    assert _nodes(ctx) == {}
    make_rt(node_count=2).update_available_resource(ctx)
    assert {name: n.uuid for name, n in _nodes(ctx).items()} == before


def test_deleted_record_is_revived_with_its_uuid(make_rt, ctx):
    # The compute service was deleted (its nodes soft-deleted), then the
    # compute started again.
    make_rt().update_available_resource(ctx)
    node = _nodes(ctx)[HOST]
    node.destroy()
    assert _nodes(ctx) == {}
    make_rt().update_available_resource(ctx)
    again = _nodes(ctx)[HOST]
    assert again.uuid == node.uuid
    assert again.vcpus == 32


def test_provider_of_a_lost_record_stays_the_nodes(make_rt, ctx, cells,
                                                   placement):
    """The node reached placement but its record was lost: the record made
    again has the provider's uuid, so the node keeps its inventory
    (instead of placement refusing a second provider of that name)."""
    make_rt().update_available_resource(ctx)
    first = _nodes(ctx)[HOST].uuid
    assert placement.client.get_provider(ctx, first)['name'] == HOST
    _forget_records(cells)
    rt = make_rt()
    rt.update_available_resource(ctx)
    node = _nodes(ctx)[HOST]
    assert node.uuid == first
    resp = placement.client.get(
        '/resource_providers/%s/inventories' % node.uuid, '1.0', ctx)
    assert resp.json()['inventories']['VCPU']['total'] == 32
