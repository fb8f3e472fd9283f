from nova.scheduler import weights
from nova.scheduler.weights import compute
from tests.unit.scheduler import fakes


def _order(hosts):
    return [(w.obj.host, w.weight) for w in
            weights.WeightHandler().get_weighed_objects(
                [compute.BuildFailureWeigher()], hosts, fakes.spec())]


def _hosts():
    hosts = [fakes.host('flaky'), fakes.host('ok'), fakes.host('bad')]
    hosts[0].increment_failed_builds()
    for _ in range(4):
        hosts[2].increment_failed_builds()
    return hosts


def test_failed_builds_push_hosts_back_hard():
    assert _order(_hosts()) == [('ok', 0.0), ('flaky', -250000.0),
                                ('bad', -1000000.0)]


def test_reset_and_zero_multiplier(conf):
    hosts = _hosts()
    for hs in hosts:
        hs.reset_failed_builds()
    assert {w for _, w in _order(hosts)} == {0.0}
    conf.config(build_failure_weight_multiplier=0.0,
                group='filter_scheduler')
    assert {w for _, w in _order(_hosts())} == {0.0}


def test_build_failures_beat_other_weighers():
    from nova.scheduler.weights import ram
    hosts = _hosts()
    hosts[0].free_ram_mb = 10 ** 6
    weighed = weights.WeightHandler().get_weighed_objects(
        [ram.RAMWeigher(), compute.BuildFailureWeigher()], hosts,
        fakes.spec())
    assert weighed[0].obj.host == 'ok'
