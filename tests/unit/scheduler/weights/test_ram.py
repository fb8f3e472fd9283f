"""RAMWeigher: more free RAM wins (or loses, with a negative multiplier)."""

from nova.scheduler import weights
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


def test_consumption_changes_the_order():
    hosts = [fakes.host('a'), fakes.host('b')]
    hosts[0].consume_from_request(fakes.spec())
    assert _order(ram.RAMWeigher(), hosts)[0][0] == 'b'
