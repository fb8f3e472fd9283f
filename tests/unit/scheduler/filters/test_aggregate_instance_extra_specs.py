from nova.scheduler.filters import aggregate_instance_extra_specs as aies
from tests.unit.scheduler import fakes


def _host(*metadatas):
    return fakes.host(aggregates=[fakes.aggregate(metadata=m)
                                  for m in metadatas])


def _passes(host, specs):
    return fakes.passes(aies.AggregateInstanceExtraSpecsFilter(), host,
                        fakes.spec(extra_specs=specs))


def test_flavor_without_extra_specs_passes():
    assert _passes(_host(), {})


def test_scoped_spec_must_be_in_aggregate_metadata():
    specs = {'aggregate_instance_extra_specs:ssd': 'true'}
    assert _passes(_host({'ssd': 'true'}), specs)
    assert not _passes(_host({'ssd': 'false'}), specs)
    assert not _passes(_host(), specs)


def test_unscoped_spec_counts_too():
    assert _passes(_host({'ssd': 'true'}), {'ssd': 'true'})
    assert not _passes(_host({'other': 'x'}), {'ssd': 'true'})


def test_other_scopes_are_ignored():
    assert _passes(_host(), {'hw:cpu_policy': 'dedicated',
                             'capabilities:foo': 'bar'})


def test_operators_and_several_aggregates():
    host = _host({'gpus': '2'}, {'gpus': '8', 'tier': 'gold, silver'})
    assert _passes(host, {'aggregate_instance_extra_specs:gpus': '>= 4'})
    assert not _passes(host,
                       {'aggregate_instance_extra_specs:gpus': '>= 10'})
    assert _passes(host, {'aggregate_instance_extra_specs:tier':
                          '<or> silver <or> bronze'})
