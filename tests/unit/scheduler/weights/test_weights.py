"""The weight handler: normalization, multipliers, aggregate overrides,
ordering; and weigher loading."""

import pytest

from nova.scheduler import weights
from tests.unit.scheduler import fakes


class Ram(weights.BaseHostWeigher):
    multiplier_option = 'ram_weight_multiplier'

    def _weigh_object(self, host_state, spec_obj):
        return host_state.free_ram_mb


class Named(weights.BaseHostWeigher):
    """Weight from the host name's length, multiplier 2 except for 'bb'."""

    def weight_multiplier(self, host_state):
        return 10.0 if host_state.host == 'bb' else 2.0

    def _weigh_object(self, host_state, spec_obj):
        return len(host_state.host)


def _weigh(weighers, hosts):
    return weights.WeightHandler().get_weighed_objects(
        weighers, hosts, fakes.spec())


def test_normalize():
    assert weights.normalize([]) == []
    assert weights.normalize([5, 5]) == [0.0, 0.0]
    assert weights.normalize([1, 2, 3]) == [0.0, 0.5, 1.0]
    assert weights.normalize([2, 4], minval=0) == [0.5, 1.0]
    assert weights.normalize([2, 4], maxval=8) == [0.0, 1 / 3]


def test_best_first_with_normalized_weights():
    hosts = [fakes.host('a', free_ram_mb=1000),
             fakes.host('b', free_ram_mb=3000),
             fakes.host('c', free_ram_mb=2000)]
    weighed = _weigh([Ram()], hosts)
    assert [w.obj.host for w in weighed] == ['b', 'c', 'a']
    assert [w.weight for w in weighed] == [1.0, 0.5, 0.0]


def test_multiplier_scales_and_weighers_add_up(conf):
    conf.config(ram_weight_multiplier=-2.0, group='filter_scheduler')
    hosts = [fakes.host('a', free_ram_mb=1000),
             fakes.host('bb', free_ram_mb=3000)]
    weighed = _weigh([Ram(), Named()], hosts)
    # a: ram 0 * -2 + name 0 * 2 ; bb: ram 1 * -2 + name 1 * 10
    assert [(w.obj.host, w.weight) for w in weighed] == [('bb', 8.0),
                                                         ('a', 0.0)]


def test_aggregate_metadata_overrides_the_multiplier(conf):
    hosts = [fakes.host('a', free_ram_mb=1000),
             fakes.host('b', free_ram_mb=3000, aggregates=[
                 fakes.aggregate(metadata={'ram_weight_multiplier': '-1'}),
                 fakes.aggregate(metadata={'ram_weight_multiplier': '5'})]),
             fakes.host('c', free_ram_mb=2000, aggregates=[
                 fakes.aggregate(metadata={'ram_weight_multiplier': '4'})])]
    weighed = _weigh([Ram()], hosts)
    # The smallest aggregate value applies to b.
    assert [(w.obj.host, w.weight) for w in weighed] == [
        ('c', 2.0), ('a', 0.0), ('b', -1.0)]
    assert Ram().weight_multiplier(hosts[1]) == -1.0
    assert Ram().weight_multiplier(hosts[0]) == 1.0


def test_bad_aggregate_multiplier_falls_back_to_config():
    host = fakes.host('a', aggregates=[
        fakes.aggregate(metadata={'ram_weight_multiplier': 'big'})])
    assert Ram().weight_multiplier(host) == 1.0


def test_equal_weights_keep_the_host_order():
    hosts = [fakes.host(name) for name in 'xyz']
    weighed = _weigh([Ram()], hosts)
    assert [w.obj.host for w in weighed] == ['x', 'y', 'z']
    assert {w.weight for w in weighed} == {0.0}


def test_no_hosts_or_no_weighers():
    assert _weigh([Ram()], []) == []
    weighed = _weigh([], [fakes.host('a')])
    assert weighed[0].weight == 0.0 and weighed[0].obj.host == 'a'


def test_weighed_host_repr_and_dict():
    weighed = weights.WeighedHost(fakes.host('a'), 1.5)
    assert 'weight: 1.5' in repr(weighed)
    assert weighed.to_dict() == {'weight': 1.5, 'host': 'a',
                                 'nodename': 'a'}


ALL = ['BuildFailureWeigher', 'CPUWeigher', 'DiskWeigher', 'IoOpsWeigher',
       'MetricsWeigher', 'NumInstancesWeigher', 'RAMWeigher',
       'ServerGroupSoftAffinityWeigher', 'ServerGroupSoftAntiAffinityWeigher']


def test_load_by_name_and_all():
    assert [w.__class__.__name__ for w in weights.load_weighers(
        ['RAMWeigher', 'CPUWeigher'])] == ['RAMWeigher', 'CPUWeigher']
    names = [w.__class__.__name__ for w in weights.load_weighers(['all'])]
    assert set(ALL) <= set(names) and len(names) == len(set(names))


def test_upstream_class_paths_are_accepted():
    loaded = weights.load_weighers(['nova.scheduler.weights.ram.RAMWeigher'])
    assert loaded[0].__class__.__name__ == 'RAMWeigher'
    names = [w.__class__.__name__ for w in weights.load_weighers(
        ['nova.scheduler.weights.all_weighers'])]
    assert set(ALL) <= set(names)


def test_unknown_weigher_is_an_error_naming_it():
    with pytest.raises(weights.SchedulerWeigherNotFound) as info:
        weights.load_weighers(['RAMWeigher', 'NoSuchWeigher'])
    assert 'NoSuchWeigher' in info.value.format_message()


def test_default_weight_classes_is_all():
    import nova.conf
    assert nova.conf.CONF.filter_scheduler.weight_classes == ['all']
