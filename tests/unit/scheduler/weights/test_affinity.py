from nova.scheduler import weights
from nova.scheduler.weights import affinity
from tests.unit.scheduler import fakes


def _hosts():
    return [fakes.host('none'),
            fakes.host('one', instances=[fakes.Instance('m1')]),
            fakes.host('two', instances=[fakes.Instance('m2'),
                                         fakes.Instance('m3'),
                                         fakes.Instance('x')])]


def _order(weigher, group):
    return [(w.obj.host, w.weight) for w in
            weights.WeightHandler().get_weighed_objects(
                [weigher], _hosts(), fakes.spec(group=group))]


MEMBERS = ['m1', 'm2', 'm3']


def test_soft_affinity_prefers_hosts_with_more_members():
    group = fakes.group('soft-affinity', members=MEMBERS)
    assert _order(affinity.ServerGroupSoftAffinityWeigher(), group) == [
        ('two', 1.0), ('one', 0.5), ('none', 0.0)]


def test_soft_anti_affinity_prefers_hosts_with_fewer_members():
    group = fakes.group('soft-anti-affinity', members=MEMBERS)
    assert _order(affinity.ServerGroupSoftAntiAffinityWeigher(), group) == [
        ('none', 1.0), ('one', 0.5), ('two', 0.0)]


def test_other_policies_or_no_group_do_nothing():
    for weigher in (affinity.ServerGroupSoftAffinityWeigher(),
                    affinity.ServerGroupSoftAntiAffinityWeigher()):
        assert {w for _, w in _order(weigher, None)} == {0.0}
        group = fakes.group('anti-affinity', members=MEMBERS)
        assert {w for _, w in _order(weigher, group)} == {0.0}
        assert weigher._weigh_object(_hosts()[2], fakes.spec()) == 0


def test_multiplier_option(conf):
    conf.config(soft_affinity_weight_multiplier=3.0,
                group='filter_scheduler')
    group = fakes.group('soft-affinity', members=MEMBERS)
    assert _order(affinity.ServerGroupSoftAffinityWeigher(), group)[0] == (
        'two', 3.0)
