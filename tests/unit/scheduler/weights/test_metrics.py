import json

import pytest

from nova.scheduler import weights
from nova.scheduler.weights import metrics
from tests.unit.scheduler import fakes


def _host(name, **values):
    return fakes.host(name, extra={'metrics': json.dumps([
        {'name': k.replace('_', '.'), 'value': v, 'timestamp': 't',
         'source': 's'} for k, v in values.items()])})


def _order(hosts):
    return [(w.obj.host, round(w.weight, 3)) for w in
            weights.WeightHandler().get_weighed_objects(
                [metrics.MetricsWeigher()], hosts, fakes.spec())]


def test_no_setting_does_nothing():
    assert {w for _, w in _order([_host('a', cpu_percent=1),
                                  _host('b', cpu_percent=9)])} == {0.0}


def test_weighs_value_times_ratio(conf):
    conf.config(weight_setting=['cpu.percent=-1.0', 'cpu.frequency=0.5'],
                group='metrics')
    hosts = [_host('busy', cpu_percent=80, cpu_frequency=100),
             _host('idle', cpu_percent=10, cpu_frequency=100)]
    assert _order(hosts) == [('idle', 1.0), ('busy', 0.0)]


def test_missing_metric_is_an_error_when_required(conf):
    conf.config(weight_setting=['cpu.percent=1.0'], group='metrics')
    with pytest.raises(metrics.ComputeHostMetricNotFound):
        _order([_host('a', cpu_percent=1), _host('b')])


def test_missing_metric_weighs_unavailable_when_not_required(conf):
    conf.config(weight_setting=['cpu.percent=1.0'], required=False,
                group='metrics')
    hosts = [_host('a', cpu_percent=10), _host('b', cpu_percent=20),
             _host('c')]
    assert [h for h, _ in _order(hosts)] == ['b', 'a', 'c']


def test_multiplier_and_aggregate_override(conf):
    conf.config(weight_setting=['cpu.percent=1.0'], weight_multiplier=2.0,
                group='metrics')
    hosts = [_host('a', cpu_percent=10), _host('b', cpu_percent=20)]
    assert _order(hosts) == [('b', 2.0), ('a', 0.0)]
    hosts[1].aggregates = [fakes.aggregate(
        metadata={'metrics_weight_multiplier': '-1'})]
    assert _order(hosts) == [('a', 0.0), ('b', -1.0)]


def test_parse_setting_skips_bad_entries():
    assert metrics.parse_setting(['a=1', 'bad', 'b = -2.5', '=3',
                                  'c=x']) == [('a', 1.0), ('b', -2.5)]
