from nova.scheduler.filters import aggregate_multitenancy_isolation as amti
from tests.unit.scheduler import fakes


def _passes(project, *metadatas):
    host = fakes.host(aggregates=[fakes.aggregate(metadata=m)
                                  for m in metadatas])
    return fakes.passes(amti.AggregateMultiTenancyIsolation(), host,
                        fakes.spec(project_id=project))


def test_host_without_tenant_aggregates_takes_anyone():
    assert _passes('p1')
    assert _passes('p1', {'foo': 'bar'})


def test_reserved_host_takes_its_tenants_only():
    assert _passes('p1', {'filter_tenant_id': 'p1'})
    assert not _passes('p2', {'filter_tenant_id': 'p1'})


def test_several_keys_and_comma_lists():
    meta = {'filter_tenant_id': 'p1, p2', 'filter_tenant_id_3': 'p3'}
    for project in ('p1', 'p2', 'p3'):
        assert _passes(project, meta)
    assert not _passes('p4', meta)


def test_tenants_of_all_aggregates_count():
    assert _passes('p2', {'filter_tenant_id': 'p1'},
                   {'filter_tenant_id': 'p2'})
