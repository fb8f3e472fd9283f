from nova.scheduler import weights
from nova.scheduler.weights import io_ops
from tests.unit.scheduler import fakes


def _hosts():
    return [fakes.host('busy', extra={'stats': {'io_workload': '4'}}),
            fakes.host('quiet', extra={'stats': {'io_workload': '0'}}),
            fakes.host('some', extra={'stats': {'io_workload': '2'}})]


def _order(hosts):
    return [(w.obj.host, w.weight) for w in
            weights.WeightHandler().get_weighed_objects(
                [io_ops.IoOpsWeigher()], hosts, fakes.spec())]


def test_quiet_hosts_first_by_default():
    assert _order(_hosts()) == [('quiet', 0.0), ('some', -0.5),
                                ('busy', -1.0)]


def test_positive_multiplier_prefers_busy_hosts(conf):
    conf.config(io_ops_weight_multiplier=2.0, group='filter_scheduler')
    assert _order(_hosts())[0] == ('busy', 2.0)
