from nova.scheduler import weights
from nova.scheduler.weights import num_instances
from tests.unit.scheduler import fakes


def _order(hosts):
    return [(w.obj.host, w.weight) for w in
            weights.WeightHandler().get_weighed_objects(
                [num_instances.NumInstancesWeigher()], hosts, fakes.spec())]


def _hosts():
    return [fakes.host('few', running_vms=1),
            fakes.host('many', running_vms=4)]


def test_off_by_default():
    assert _order(_hosts()) == [('few', 0.0), ('many', 0.0)]


def test_positive_packs_negative_spreads(conf):
    conf.config(num_instances_weight_multiplier=1.0,
                group='filter_scheduler')
    assert _order(_hosts()) == [('many', 1.0), ('few', 0.25)]
    conf.config(num_instances_weight_multiplier=-1.0,
                group='filter_scheduler')
    assert _order(_hosts())[0][0] == 'few'


def test_aggregate_can_turn_it_on(conf):
    hosts = _hosts()
    hosts[1].aggregates = [fakes.aggregate(
        metadata={'num_instances_weight_multiplier': '2'})]
    assert _order(hosts) == [('many', 2.0), ('few', 0.0)]
