"""CPUWeigher: more free VCPUs (allocation ratio included) win."""

from nova.scheduler import weights
from nova.scheduler.weights import cpu
from tests.unit.scheduler import fakes


def _order(weigher, hosts):
    return [(w.obj.host, round(w.weight, 3)) for w in
            weights.WeightHandler().get_weighed_objects(
                [weigher], hosts, fakes.spec())]


def test_cpu_weigher_counts_the_allocation_ratio():
    hosts = [fakes.host('a', vcpus=8, vcpus_used=8, cpu_allocation_ratio=4.0),
             fakes.host('b', vcpus=16, vcpus_used=0,
                        cpu_allocation_ratio=1.0)]
    # a: 8 * 4 - 8 = 24 free; b: 16 free.
    assert cpu.free_vcpus(hosts[0]) == 24
    assert _order(cpu.CPUWeigher(), hosts) == [('a', 1.0), ('b', 0.667)]


def test_cpu_weigher_multiplier(conf):
    conf.config(cpu_weight_multiplier=-3.0, group='filter_scheduler')
    hosts = [fakes.host('a', vcpus=8), fakes.host('b', vcpus=4)]
    assert _order(cpu.CPUWeigher(), hosts) == [('b', -1.5), ('a', -3.0)]


def test_consumption_changes_the_order():
    hosts = [fakes.host('a'), fakes.host('b')]
    hosts[0].consume_from_request(fakes.spec())
    assert _order(cpu.CPUWeigher(), hosts)[0][0] == 'b'
