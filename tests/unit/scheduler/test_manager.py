import collections
import datetime
import uuid

import pytest

from nova import exception
from nova import objects
from nova.scheduler import manager as scheduler_manager
from tests.unit.conftest import make_flavor


def _host(cells, name, vcpus=4, memory_mb=8192, local_gb=100,
          up=True, disabled=False):
    ctx = cells.context.targeted(cells.cell1.uuid)
    service = objects.Service(ctx, host=name, binary='nova-compute',
                              topic='compute', disabled=disabled)
    service.create()
    if up:
        service.report_up()
    else:
        # Last heartbeat long ago.
        service.last_seen_up = datetime.datetime(2020, 1, 1)
        service.save()
    node = objects.ComputeNode(
        ctx, uuid=str(uuid.uuid4()), host=name, hypervisor_hostname=name,
        vcpus=vcpus, memory_mb=memory_mb, local_gb=local_gb, vcpus_used=0,
        memory_mb_used=0, local_gb_used=0, cpu_allocation_ratio=1.0,
        ram_allocation_ratio=1.0, disk_allocation_ratio=1.0,
        service_id=service.id)
    node.create()
    return node


def _spec(flavor, count=1):
    return objects.RequestSpec(instance_uuid=str(uuid.uuid4()),
                               flavor=flavor, num_instances=count,
                               availability_zone=None)


def test_spreads_instances_over_hosts(cells):
    for name in ('c1', 'c2', 'c3'):
        _host(cells, name)
    flavor = make_flavor(cells.context, memory_mb=1024, root_gb=1)
    sched = scheduler_manager.SchedulerManager()
    uuids = [str(uuid.uuid4()) for _ in range(6)]
    picks = sched.select_destinations(cells.context, _spec(flavor, 6), uuids)
    counts = collections.Counter(p[0].service_host for p in picks)
    assert counts == {'c1': 2, 'c2': 2, 'c3': 2}


def test_back_to_back_requests_see_each_others_claims(cells):
    _host(cells, 'c1', vcpus=2)
    flavor = make_flavor(cells.context, vcpus=1, memory_mb=512, root_gb=1)
    sched = scheduler_manager.SchedulerManager()
    sched.select_destinations(cells.context, _spec(flavor),
                              [str(uuid.uuid4())])
    sched.select_destinations(cells.context, _spec(flavor),
                              [str(uuid.uuid4())])
    with pytest.raises(exception.NoValidHost) as info:
        sched.select_destinations(cells.context, _spec(flavor),
                                  [str(uuid.uuid4())])
    assert 'too little free capacity' in info.value.format_message()


def test_no_valid_host_says_why(cells):
    _host(cells, 'down-host', up=False)
    _host(cells, 'off-host', disabled=True)
    _host(cells, 'small-host', memory_mb=512)
    flavor = make_flavor(cells.context, memory_mb=4096, root_gb=1)
    sched = scheduler_manager.SchedulerManager()
    with pytest.raises(exception.NoValidHost) as info:
        sched.select_destinations(cells.context, _spec(flavor),
                                  [str(uuid.uuid4())])
    message = info.value.format_message()
    assert '3 compute node(s) known' in message
    assert '1 whose service is down' in message
    assert '1 whose service is disabled' in message
    assert '1 with too little free capacity for flavor m1.small' in message


def test_alternates_are_other_fitting_hosts(cells, conf):
    conf.config(max_attempts=3, group='scheduler')
    for name in ('c1', 'c2', 'c3', 'c4'):
        _host(cells, name)
    flavor = make_flavor(cells.context, memory_mb=1024, root_gb=1)
    sched = scheduler_manager.SchedulerManager()
    picks = sched.select_destinations(cells.context, _spec(flavor),
                                      [str(uuid.uuid4())],
                                      return_alternates=True)
    hosts = [s.service_host for s in picks[0]]
    assert len(hosts) == 3 and len(set(hosts)) == 3
    assert all(s.cell_uuid == cells.cell1.uuid for s in picks[0])
