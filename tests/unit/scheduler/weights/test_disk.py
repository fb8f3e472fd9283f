"""DiskWeigher: more free disk wins."""

from nova.scheduler import weights
from nova.scheduler.weights import disk
from tests.unit.scheduler import fakes


def _order(weigher, hosts):
    return [(w.obj.host, round(w.weight, 3)) for w in
            weights.WeightHandler().get_weighed_objects(
                [weigher], hosts, fakes.spec())]


def test_disk_weigher():
    hosts = [fakes.host('a', local_gb=100), fakes.host('b', local_gb=400)]
    assert _order(disk.DiskWeigher(), hosts) == [('b', 1.0), ('a', 0.25)]


def test_consumption_changes_the_order():
    hosts = [fakes.host('a'), fakes.host('b')]
    hosts[0].consume_from_request(fakes.spec())
    assert _order(disk.DiskWeigher(), hosts)[0][0] == 'b'
