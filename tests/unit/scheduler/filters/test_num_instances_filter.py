from nova.scheduler.filters import num_instances_filter as nif
from tests.unit.scheduler import fakes


def _host(count, *metadatas):
    return fakes.host(running_vms=count, aggregates=[
        fakes.aggregate(metadata=m) for m in metadatas])


def test_below_the_cap_passes_at_the_cap_fails(conf):
    conf.config(max_instances_per_host=5, group='filter_scheduler')
    f = nif.NumInstancesFilter()
    assert fakes.passes(f, _host(4), fakes.spec())
    assert not fakes.passes(f, _host(5), fakes.spec())


def test_aggregate_overrides_the_cap(conf):
    conf.config(max_instances_per_host=5, group='filter_scheduler')
    f = nif.NumInstancesFilter()
    assert fakes.passes(f, _host(7, {'max_instances_per_host': '10'}),
                        fakes.spec())
    assert not fakes.passes(f, _host(3, {'max_instances_per_host': '3'}),
                            fakes.spec())
    # The smallest of several aggregates wins.
    assert not fakes.passes(f, _host(4, {'max_instances_per_host': '10'},
                                     {'max_instances_per_host': '4'}),
                            fakes.spec())


def test_bad_aggregate_value_falls_back_to_config(conf):
    conf.config(max_instances_per_host=5, group='filter_scheduler')
    f = nif.NumInstancesFilter()
    assert fakes.passes(f, _host(4, {'max_instances_per_host': 'lots'}),
                        fakes.spec())


def test_earlier_picks_count():
    f = nif.NumInstancesFilter()
    host = _host(49)
    assert fakes.passes(f, host, fakes.spec())
    host.consume_from_request(fakes.spec())
    assert not fakes.passes(f, host, fakes.spec())
    assert f.run_filter_for_index(1)
