"""RAMWeigher, CPUWeigher, DiskWeigher: more free resources win (or lose,
with a negative multiplier)."""

import pytest

from nova.scheduler import weights
from nova.scheduler.weights import cpu
from nova.scheduler.weights import disk
from nova.scheduler.weights import ram
from tests.unit.scheduler import fakes


def _order(weigher, hosts):
    return [(w.obj.host, round(w.weight, 3)) for w in
            weights.WeightHandler().get_weighed_objects(
                [weigher], hosts, fakes.spec())]


def test_ram_weigher_spreads_by_default():
    hosts = [fakes.host('a', free_ram_mb=1024),
             fakes.host('b', free_ram_mb=4096),
             fakes.host('c', free_ram_mb=2048)]
    # minval 0: weights are relative to no free RAM at all.
    assert _order(ram.RAMWeigher(), hosts) == [('b', 1.0), ('c', 0.5),
                                              ('a', 0.25)]


def test_ram_weigher_stacks_with_negative_multiplier(conf):
    conf.config(ram_weight_multiplier=-1.0, group='filter_scheduler')
    hosts = [fakes.host('a', free_ram_mb=1024),
             fakes.host('b', free_ram_mb=4096)]
    assert _order(ram.RAMWeigher(), hosts)[0][0] == 'a'


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


def test_disk_weigher():
    hosts = [fakes.host('a', local_gb=100), fakes.host('b', local_gb=400)]
    assert _order(disk.DiskWeigher(), hosts) == [('b', 1.0), ('a', 0.25)]


@pytest.mark.parametrize('weigher', [ram.RAMWeigher(), cpu.CPUWeigher(),
                                     disk.DiskWeigher()])
def test_consumption_changes_the_order(weigher):
    hosts = [fakes.host('a'), fakes.host('b')]
    hosts[0].consume_from_request(fakes.spec())
    assert _order(weigher, hosts)[0][0] == 'b'
