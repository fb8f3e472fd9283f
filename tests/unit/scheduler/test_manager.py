"""select_destinations against the real placement application (served on
loopback) and real SQLite cell databases."""

import collections
import contextlib
import datetime
import types
import uuid

import oslo_messaging as messaging
import pytest

from nova import exception
from nova import objects
from nova.scheduler import manager as scheduler_manager
from tests.unit.conftest import make_flavor


@pytest.fixture
def sched(cells, placement, conf):
    conf.config(host_cache_min_refresh=0, group='scheduler')
    return scheduler_manager.SchedulerManager(placement=placement.client)


def _host(cells, placement, name, vcpus=4, memory_mb=8192, local_gb=100,
          up=True, disabled=False, traits=()):
    ctx = cells.context.targeted(cells.cell1.uuid)
    service = objects.Service(ctx, host=name, binary='nova-compute',
                              topic='compute', disabled=disabled)
    service.create()
    if up:
        service.report_up()
    else:
        service.last_seen_up = datetime.datetime(2020, 1, 1)
        service.save()
    node = objects.ComputeNode(
        ctx, uuid=str(uuid.uuid4()), host=name, hypervisor_hostname=name,
        vcpus=vcpus, memory_mb=memory_mb, local_gb=local_gb, vcpus_used=0,
        memory_mb_used=0, local_gb_used=0, cpu_allocation_ratio=1.0,
        ram_allocation_ratio=1.0, disk_allocation_ratio=1.0,
        service_id=service.id)
    node.create()
    placement.add_node(cells.context, node.uuid, name, vcpus=vcpus,
                       memory_mb=memory_mb, disk_gb=local_gb, traits=traits)
    return node


def _spec(flavor, count=1, **kwargs):
    return objects.RequestSpec(instance_uuid=str(uuid.uuid4()),
                               project_id='p1', user_id='u1',
                               flavor=flavor, num_instances=count,
                               availability_zone=None, **kwargs)


@contextlib.contextmanager
def _no_valid_host():
    """The endpoint raises NoValidHost as an expected exception: wrapped
    for the RPC server, which then returns it to the caller without
    logging it as a failure."""
    info = types.SimpleNamespace(value=None)
    with pytest.raises(messaging.ExpectedException) as raised:
        yield info
    info.value = raised.value.exc_info[1]
    assert isinstance(info.value, exception.NoValidHost), info.value


def _uuids(n):
    return [str(uuid.uuid4()) for _ in range(n)]


def test_claims_the_chosen_node_and_returns_alternates(cells, placement,
                                                       sched):
    nodes = {n.uuid: n for n in (_host(cells, placement, 'c1'),
                                 _host(cells, placement, 'c2'))}
    flavor = make_flavor(cells.context, vcpus=2, memory_mb=1024, root_gb=5)
    [instance] = _uuids(1)
    [hosts] = sched.select_destinations(cells.context, _spec(flavor),
                                        [instance], return_alternates=True)
    chosen, alternate = hosts
    assert {chosen.compute_node_uuid, alternate.compute_node_uuid} == \
        set(nodes)
    assert chosen.cell_uuid == cells.cell1.uuid
    allocations = placement.client.get_allocations_for_consumer(
        cells.context, instance)
    assert allocations[chosen.compute_node_uuid]['resources'] == {
        'VCPU': 2, 'MEMORY_MB': 1024, 'DISK_GB': 5}
    # The alternate carries the request that claims it on a reschedule.
    assert list(alternate.get_allocation_request()['allocations']) == [
        alternate.compute_node_uuid]


def test_consecutive_requests_spread_by_free_memory(cells, placement, sched):
    for name in ('c1', 'c2', 'c3'):
        _host(cells, placement, name)
    flavor = make_flavor(cells.context, memory_mb=1024, root_gb=1)
    picks = [sched.select_destinations(cells.context, _spec(flavor),
                                       _uuids(1))[0][0].service_host
             for _ in range(6)]
    assert collections.Counter(picks) == {'c1': 2, 'c2': 2, 'c3': 2}


def test_multi_create_fails_whole_and_frees_earlier_claims(cells,
                                                          placement, sched):
    _host(cells, placement, 'c1', vcpus=1)
    flavor = make_flavor(cells.context, vcpus=1, memory_mb=512, root_gb=1)
    uuids = _uuids(2)
    with _no_valid_host() as info:
        sched.select_destinations(cells.context, _spec(flavor, 2), uuids)
    # Placement offered the node for the request; the first instance's
    # claim filled it, so placement refused the second's.
    message = info.value.format_message()
    assert 'earlier instances of this request (instance 2 of 2)' in \
        message, message
    for instance in uuids:
        assert placement.client.get_allocations_for_consumer(
            cells.context, instance) == {}


def test_novalidhost_when_no_node_has_the_capacity(cells, placement, sched):
    _host(cells, placement, 'c1', memory_mb=2048)
    flavor = make_flavor(cells.context, memory_mb=4096, root_gb=1)
    with _no_valid_host() as info:
        sched.select_destinations(cells.context, _spec(flavor), _uuids(1))
    message = info.value.format_message()
    assert 'Placement found no compute node with enough free resources ' \
        'for DISK_GB=1, MEMORY_MB=4096, VCPU=1' in message, message


def test_novalidhost_when_capacity_exists_without_the_trait(cells,
                                                            placement,
                                                            sched):
    _host(cells, placement, 'c1')
    _host(cells, placement, 'c2', traits=['CUSTOM_GOLD'])
    placement.client.put('/traits/CUSTOM_SILVER', None, '1.6')
    flavor = make_flavor(cells.context, memory_mb=512, root_gb=1)
    flavor.extra_specs = {'trait:CUSTOM_SILVER': 'required'}
    with _no_valid_host() as info:
        sched.select_destinations(cells.context, _spec(flavor), _uuids(1))
    message = info.value.format_message()
    assert 'Placement found 2 compute node(s) with enough free resources, ' \
        'but none that also matches the traits' in message, message
    assert 'required traits CUSTOM_SILVER' in message


def test_required_trait_selects_the_node_with_it(cells, placement, sched):
    _host(cells, placement, 'c1')
    gold = _host(cells, placement, 'c2', traits=['CUSTOM_GOLD'])
    flavor = make_flavor(cells.context, memory_mb=512, root_gb=1)
    flavor.extra_specs = {'trait:CUSTOM_GOLD': 'required'}
    for _ in range(3):
        [hosts] = sched.select_destinations(cells.context, _spec(flavor),
                                            _uuids(1))
        assert hosts[0].compute_node_uuid == gold.uuid


def test_novalidhost_names_the_filters_that_removed_hosts(cells, placement,
                                                          sched):
    _host(cells, placement, 'c1', up=False)
    _host(cells, placement, 'c2', disabled=True)
    flavor = make_flavor(cells.context, memory_mb=512, root_gb=1)
    with _no_valid_host() as info:
        sched.select_destinations(cells.context, _spec(flavor), _uuids(1))
    message = info.value.format_message()
    assert 'Placement offered 2 compute node(s)' in message, message
    assert 'ComputeFilter removed 2 of 2, leaving none' in message, message


def test_a_refused_claim_moves_to_the_next_host(cells, placement, sched):
    first = _host(cells, placement, 'c1', memory_mb=16384)
    second = _host(cells, placement, 'c2', memory_mb=8192)
    flavor = make_flavor(cells.context, memory_mb=512, root_gb=1)
    # Another consumer fills the best host between the candidate query
    # and the claim: placement refuses the claim on it.
    real_get = placement.client.get_allocation_candidates

    def racing_get(context, query):
        result = real_get(context, query)
        placement.client.put_allocations(
            context, str(uuid.uuid4()),
            {first.uuid: {'resources': {'MEMORY_MB': 16384}}}, 'x', 'x')
        return result
    placement.client.get_allocation_candidates = racing_get
    [hosts] = sched.select_destinations(cells.context, _spec(flavor),
                                        _uuids(1))
    assert hosts[0].compute_node_uuid == second.uuid


def test_force_hosts_and_ignore_hosts(cells, placement, sched):
    for name in ('c1', 'c2', 'c3'):
        _host(cells, placement, name)
    flavor = make_flavor(cells.context, memory_mb=512, root_gb=1)
    for _ in range(3):
        [hosts] = sched.select_destinations(
            cells.context, _spec(flavor, force_hosts=['c2']), _uuids(1))
        assert hosts[0].service_host == 'c2'
    [hosts] = sched.select_destinations(
        cells.context, _spec(flavor, ignore_hosts=['c1', 'c2']), _uuids(1),
        return_alternates=True)
    assert [h.service_host for h in hosts] == ['c3']


def test_host_cache_sees_new_and_deleted_nodes(cells, placement, sched):
    _host(cells, placement, 'c1')
    flavor = make_flavor(cells.context, memory_mb=512, root_gb=1)
    sched.select_destinations(cells.context, _spec(flavor), _uuids(1))
    late = _host(cells, placement, 'c2', memory_mb=65536)
    [hosts] = sched.select_destinations(cells.context, _spec(flavor),
                                        _uuids(1))
    # The new node has most free memory and is seen without a restart.
    assert hosts[0].compute_node_uuid == late.uuid
    late.destroy()
    states = sched.host_manager.all_host_states(cells.context)
    assert late.uuid not in {s.uuid for s in states}


def test_novalidhost_over_rpc_reaches_the_caller_in_one_log_line(
        cells, placement, sched, conf, caplog):
    from nova import rpc
    from nova.scheduler import rpcapi as scheduler_rpcapi
    from nova import service
    _host(cells, placement, 'c1', memory_mb=2048)
    flavor = make_flavor(cells.context, memory_mb=4096, root_gb=1)
    conf.config(graceful_shutdown_timeout=5)
    rpc.cleanup()
    rpc.init(url=rpc.IN_PROCESS_TRANSPORT_URL)
    svc = service.Service('nova-scheduler', scheduler_rpcapi.TOPIC, sched)
    svc.start()
    try:
        caplog.set_level('INFO')
        with pytest.raises(exception.NoValidHost) as info:
            scheduler_rpcapi.SchedulerAPI().select_destinations(
                cells.context, _spec(flavor), _uuids(1))
    finally:
        svc.stop()
        rpc.cleanup()
    message = info.value.format_message()
    assert message.count('No valid host was found.') == 1, message
    lines = [r for r in caplog.records
             if r.name.startswith(('nova', 'oslo_messaging'))]
    assert [r.levelname for r in lines
            if r.levelname in ('WARNING', 'ERROR', 'CRITICAL')] == [], [
        r.getMessage() for r in lines]
    assert not any(r.exc_info for r in lines)
    assert len([r for r in lines
                if r.getMessage().startswith('No valid host for')]) == 1
