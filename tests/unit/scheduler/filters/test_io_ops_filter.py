from nova.scheduler.filters import io_ops_filter
from tests.unit.scheduler import fakes


def _host(io_ops, *metadatas):
    return fakes.host(extra={'stats': {'io_workload': str(io_ops)}},
                      aggregates=[fakes.aggregate(metadata=m)
                                  for m in metadatas])


def test_below_the_cap_passes_at_the_cap_fails():
    f = io_ops_filter.IoOpsFilter()
    assert fakes.passes(f, _host(7), fakes.spec())
    assert not fakes.passes(f, _host(8), fakes.spec())


def test_config_and_aggregate_caps(conf):
    conf.config(max_io_ops_per_host=2, group='filter_scheduler')
    f = io_ops_filter.IoOpsFilter()
    assert not fakes.passes(f, _host(2), fakes.spec())
    assert fakes.passes(f, _host(2, {'max_io_ops_per_host': '3'}),
                        fakes.spec())
    assert not fakes.passes(f, _host(1, {'max_io_ops_per_host': '5'},
                                     {'max_io_ops_per_host': '1'}),
                            fakes.spec())


def test_io_ops_from_instances_in_heavy_task_states(conf):
    conf.config(max_io_ops_per_host=2, group='filter_scheduler')
    busy = fakes.host(instances=[fakes.Instance(task_state='spawning'),
                                 fakes.Instance(task_state='rebuilding')])
    quiet = fakes.host(instances=[fakes.Instance(task_state='pausing')])
    f = io_ops_filter.IoOpsFilter()
    assert not fakes.passes(f, busy, fakes.spec())
    assert fakes.passes(f, quiet, fakes.spec())
