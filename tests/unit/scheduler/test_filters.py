"""The filter handler, filter loading by entry point, and an operator's own
filter and weigher installed as a separate distribution."""

import textwrap

import pytest

from nova.scheduler import filters
from nova.scheduler import weights
from tests.unit.scheduler import fakes

ALL_FILTERS = ['ComputeFilter', 'AvailabilityZoneFilter',
               'ComputeCapabilitiesFilter', 'ImagePropertiesFilter',
               'ServerGroupAffinityFilter', 'ServerGroupAntiAffinityFilter',
               'SameHostFilter', 'DifferentHostFilter',
               'AggregateInstanceExtraSpecsFilter',
               'AggregateMultiTenancyIsolation', 'IsolatedHostsFilter',
               'NumInstancesFilter', 'IoOpsFilter', 'JsonFilter']


class _NameFilter(filters.BaseHostFilter):
    def __init__(self, allowed, once=False, on_rebuild=False):
        self.allowed = allowed
        self.run_filter_once_per_request = once
        self.RUN_ON_REBUILD = on_rebuild

    def host_passes(self, host_state, spec_obj):
        return host_state.host in self.allowed


class OnlyAB(_NameFilter):
    pass


class OnlyB(_NameFilter):
    pass


class Nothing(_NameFilter):
    pass


def _hosts(*names):
    return [fakes.host(name) for name in names]


def test_every_registered_filter_loads_by_name():
    loaded = filters.load_filters(ALL_FILTERS)
    assert [f.__class__.__name__ for f in loaded] == ALL_FILTERS
    assert all(isinstance(f, filters.BaseHostFilter) for f in loaded)
    assert {cls.__name__ for cls in filters.all_filters()} >= set(
        ALL_FILTERS)


def test_unknown_filter_name_is_an_error_naming_it():
    with pytest.raises(filters.SchedulerHostFilterNotFound) as info:
        filters.load_filters(['ComputeFilter', 'NoSuchFilter'])
    assert 'NoSuchFilter' in info.value.format_message()
    assert info.value.code == 404


def test_default_enabled_filters_all_exist():
    import nova.conf
    names = nova.conf.CONF.filter_scheduler.enabled_filters
    assert 'ComputeFilter' in names
    assert len(filters.load_filters(names)) == len(names)


def test_handler_reports_each_filter_and_keeps_order():
    hosts = _hosts('a', 'b', 'c')
    report = []
    passed = filters.HostFilterHandler().get_filtered_objects(
        [OnlyAB({'a', 'b'}), OnlyB({'b'})], hosts, fakes.spec(), report=report)
    assert [h.host for h in passed] == ['b']
    assert report == [('OnlyAB', 3, 2), ('OnlyB', 2, 1)]


def test_handler_stops_at_the_first_filter_leaving_none():
    report = []
    passed = filters.HostFilterHandler().get_filtered_objects(
        [Nothing(set()), OnlyB({'b'})], _hosts('a', 'b'), fakes.spec(),
        report=report)
    assert passed == []
    assert report == [('Nothing', 2, 0)]


def test_once_per_request_filters_skip_later_instances():
    report = []
    passed = filters.HostFilterHandler().get_filtered_objects(
        [OnlyB({'b'}, once=True)], _hosts('a', 'b'), fakes.spec(), index=1,
        report=report)
    assert len(passed) == 2 and report == []


def test_rebuild_runs_only_rebuild_filters():
    spec = fakes.spec(hints={'_nova_check_type': ['rebuild']})
    report = []
    passed = filters.HostFilterHandler().get_filtered_objects(
        [OnlyB({'b'}), OnlyAB({'a'}, on_rebuild=True)], _hosts('a', 'b'),
        spec, report=report)
    assert [h.host for h in passed] == ['a']
    assert report == [('OnlyAB', 2, 1)]


def test_filter_all_defaults_to_host_passes():
    f = OnlyAB({'a'})
    hosts = _hosts('a', 'b')
    assert f.filter_all(hosts, fakes.spec()) == hosts[:1]
    assert f.run_filter_for_index(5)


def _install_plugin(tmp_path, monkeypatch):
    """A distribution 'acme-sched' registering AcmeFilter/AcmeWeigher,
    importable from tmp_path only."""
    (tmp_path / 'acme_sched.py').write_text(textwrap.dedent('''
        from nova.scheduler import filters
        from nova.scheduler import weights


        class AcmeFilter(filters.BaseHostFilter):
            def host_passes(self, host_state, spec_obj):
                return host_state.host.startswith('acme')


        class AcmeWeigher(weights.BaseHostWeigher):
            def _weigh_object(self, host_state, spec_obj):
                return len(host_state.host)
    '''))
    dist = tmp_path / 'acme_sched-1.0.dist-info'
    dist.mkdir()
    (dist / 'METADATA').write_text(
        'Metadata-Version: 2.1\nName: acme-sched\nVersion: 1.0\n')
    (dist / 'entry_points.txt').write_text(textwrap.dedent('''
        [nova.scheduler.filters]
        AcmeFilter = acme_sched:AcmeFilter

        [nova.scheduler.weights]
        AcmeWeigher = acme_sched:AcmeWeigher
    '''))
    monkeypatch.syspath_prepend(str(tmp_path))


@pytest.fixture
def fresh_loader():
    filters.clear_cache()
    yield
    filters.clear_cache()


def test_operator_filter_and_weigher_load_by_entry_point(tmp_path,
                                                         monkeypatch,
                                                         fresh_loader):
    # Looked up before installation: not found ...
    with pytest.raises(filters.SchedulerHostFilterNotFound):
        filters.load_filters(['AcmeFilter'])
    _install_plugin(tmp_path, monkeypatch)
    # ... and found once installed, in the same process.
    [acme_filter] = filters.load_filters(['AcmeFilter'])
    [acme_weigher] = weights.load_weighers(['AcmeWeigher'])
    hosts = _hosts('acme-1', 'other', 'acme-long')
    report = []
    passed = filters.HostFilterHandler().get_filtered_objects(
        [acme_filter], hosts, fakes.spec(), report=report)
    assert [h.host for h in passed] == ['acme-1', 'acme-long']
    assert report == [('AcmeFilter', 3, 2)]
    weighed = weights.WeightHandler().get_weighed_objects(
        [acme_weigher], passed, fakes.spec())
    assert [w.obj.host for w in weighed] == ['acme-long', 'acme-1']
    assert weighed[0].weight == 1.0
    assert 'AcmeWeigher' in [w.__class__.__name__
                             for w in weights.load_weighers(['all'])]
