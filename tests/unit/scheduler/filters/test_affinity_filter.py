from nova.scheduler.filters import affinity_filter as af
from tests.unit.scheduler import fakes


def _host(name, *uuids):
    return fakes.host(name, instances=[fakes.Instance(u) for u in uuids])


# ServerGroupAffinityFilter

def test_affinity_without_group_passes():
    assert fakes.passes(af.ServerGroupAffinityFilter(), _host('a'),
                        fakes.spec())


def test_affinity_first_member_goes_anywhere():
    spec = fakes.spec(group=fakes.group('affinity', hosts=[]))
    assert fakes.passes(af.ServerGroupAffinityFilter(), _host('a'), spec)


def test_affinity_keeps_to_the_group_hosts():
    spec = fakes.spec(group=fakes.group('affinity', members=['m1'],
                                        hosts=['a']))
    f = af.ServerGroupAffinityFilter()
    assert fakes.passes(f, _host('a'), spec)
    assert not fakes.passes(f, _host('b'), spec)


def test_affinity_ignores_other_policies():
    spec = fakes.spec(group=fakes.group('anti-affinity', hosts=['a']))
    assert fakes.passes(af.ServerGroupAffinityFilter(), _host('b'), spec)


# ServerGroupAntiAffinityFilter

def test_anti_affinity_without_group_passes():
    assert fakes.passes(af.ServerGroupAntiAffinityFilter(),
                        _host('a', 'x'), fakes.spec())


def test_anti_affinity_refuses_a_host_with_a_member():
    spec = fakes.spec(group=fakes.group('anti-affinity', members=['m1'],
                                        hosts=['a']))
    f = af.ServerGroupAntiAffinityFilter()
    assert not fakes.passes(f, _host('a', 'm1', 'other'), spec)
    assert fakes.passes(f, _host('b', 'other'), spec)
    assert fakes.passes(f, _host('c'), spec)


def test_anti_affinity_honours_max_server_per_host():
    spec = fakes.spec(group=fakes.group(
        'anti-affinity', members=['m1', 'm2', 'm3'],
        rules={'max_server_per_host': '2'}))
    f = af.ServerGroupAntiAffinityFilter()
    assert fakes.passes(f, _host('a', 'm1'), spec)
    assert not fakes.passes(f, _host('a', 'm1', 'm2'), spec)


def test_anti_affinity_lets_an_instance_stay_on_its_host():
    spec = fakes.spec(instance_uuid='1d4c0ee1-36a5-4d07-b2d2-4bd6e5d0b0d1',
                      group=fakes.group('anti-affinity', members=['m1']))
    host = _host('a', 'm1', '1d4c0ee1-36a5-4d07-b2d2-4bd6e5d0b0d1')
    assert fakes.passes(af.ServerGroupAntiAffinityFilter(), host, spec)


def test_anti_affinity_sees_instances_placed_earlier_in_the_request():
    group = fakes.group('anti-affinity')
    first = fakes.spec(group=group)
    host = _host('a')
    host.consume_from_request(first)
    group.members = [first.instance_uuid]
    second = fakes.spec(group=group)
    assert not fakes.passes(af.ServerGroupAntiAffinityFilter(), host, second)


def test_group_filters_do_not_run_on_rebuild():
    assert not af.ServerGroupAffinityFilter.RUN_ON_REBUILD
    assert not af.ServerGroupAntiAffinityFilter.RUN_ON_REBUILD
    f = af.ServerGroupAntiAffinityFilter()
    assert f.run_filter_for_index(3)


# SameHostFilter / DifferentHostFilter

def test_same_host_without_hint_passes():
    assert fakes.passes(af.SameHostFilter(), _host('a'), fakes.spec())


def test_same_host_needs_one_listed_instance():
    spec = fakes.spec(hints={'same_host': ['i1', 'i2']})
    f = af.SameHostFilter()
    assert fakes.passes(f, _host('a', 'i2'), spec)
    assert not fakes.passes(f, _host('b', 'i3'), spec)
    single = fakes.spec(hints={'same_host': ['i1']})
    assert fakes.passes(f, _host('a', 'i1'), single)


def test_different_host_refuses_hosts_of_listed_instances():
    spec = fakes.spec(hints={'different_host': ['i1', 'i2']})
    f = af.DifferentHostFilter()
    assert not fakes.passes(f, _host('a', 'i2'), spec)
    assert fakes.passes(f, _host('b', 'i3'), spec)
    assert fakes.passes(f, _host('c'), fakes.spec())


def test_hint_filters_run_once_per_request():
    for cls in (af.SameHostFilter, af.DifferentHostFilter):
        assert not cls().run_filter_for_index(1)
