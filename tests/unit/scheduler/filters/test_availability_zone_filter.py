from nova.scheduler.filters import availability_zone_filter as az_filter
from tests.unit.scheduler import fakes


def _host(*zones, **meta):
    aggs = [fakes.aggregate(metadata={'availability_zone': z}) for z in zones]
    if meta:
        aggs.append(fakes.aggregate(metadata=meta))
    return fakes.host(aggregates=aggs)


def test_no_requested_zone_passes_any_host():
    f = az_filter.AvailabilityZoneFilter()
    assert fakes.passes(f, _host('az1'), fakes.spec(az=None))


def test_host_in_requested_zone_passes():
    f = az_filter.AvailabilityZoneFilter()
    assert fakes.passes(f, _host('az1'), fakes.spec(az='az1'))
    assert fakes.passes(f, _host('az2', 'az1'), fakes.spec(az='az1'))


def test_host_in_other_zone_fails():
    f = az_filter.AvailabilityZoneFilter()
    assert not fakes.passes(f, _host('az2'), fakes.spec(az='az1'))


def test_host_without_zone_is_in_the_default_zone(conf):
    f = az_filter.AvailabilityZoneFilter()
    assert fakes.passes(f, _host(), fakes.spec(az='nova'))
    assert fakes.passes(f, _host(foo='bar'), fakes.spec(az='nova'))
    assert not fakes.passes(f, _host(), fakes.spec(az='az1'))
    conf.config(default_availability_zone='az1')
    assert fakes.passes(f, _host(), fakes.spec(az='az1'))
    assert not fakes.passes(f, _host(), fakes.spec(az='nova'))


def test_host_with_a_zone_is_not_in_the_default_zone():
    f = az_filter.AvailabilityZoneFilter()
    assert not fakes.passes(f, _host('az1'), fakes.spec(az='nova'))
