"""AggregateMultiTenancyIsolation: keep aggregates to their tenants.

An aggregate with metadata ``filter_tenant_id`` (or ``filter_tenant_id_1``,
``filter_tenant_id_2``... to list more; each value may itself be a comma
separated list) only takes instances of those projects. Hosts in no such
aggregate take anyone's instances: this filter does not keep the listed
projects off other hosts.
"""

from oslo_log import log as logging

from nova.scheduler import filters
from nova.scheduler.filters import utils

LOG = logging.getLogger(__name__)

KEY_PREFIX = 'filter_tenant_id'


def allowed_tenants(host_state):
    """Projects the host's aggregates are reserved for (empty: anyone)."""
    allowed = set()
    for key, values in utils.aggregate_metadata_get_by_host(
            host_state).items():
        if key.startswith(KEY_PREFIX):
            allowed.update(values)
    return allowed


class AggregateMultiTenancyIsolation(filters.BaseHostFilter):
    """Drops hosts reserved to other projects."""

    run_filter_once_per_request = True
    RUN_ON_REBUILD = False

    def host_passes(self, host_state, spec_obj):
        if not host_state.aggregates:
            return True
        allowed = allowed_tenants(host_state)
        if not allowed:
            return True
        project_id = (spec_obj.project_id
                      if spec_obj.obj_attr_is_set('project_id') else None)
        if project_id in allowed:
            return True
        LOG.debug('%(host)s is reserved to projects %(allowed)s, not '
                  '%(project)s', {'host': host_state,
                                  'allowed': sorted(allowed),
                                  'project': project_id})
        return False

    def filter_all(self, host_states, spec_obj):
        project_id = (spec_obj.project_id
                      if spec_obj.obj_attr_is_set('project_id') else None)
        per_aggregate = {}
        passed = []
        for hs in host_states:
            if not hs.aggregates:
                passed.append(hs)
                continue
            allowed = set()
            for agg in hs.aggregates:
                tenants = per_aggregate.get(id(agg))
                if tenants is None:
                    tenants = per_aggregate[id(agg)] = _tenants_of(agg)
                allowed |= tenants
            if not allowed or project_id in allowed:
                passed.append(hs)
            else:
                LOG.debug('%(host)s is reserved to projects %(allowed)s, '
                          'not %(project)s', {'host': hs,
                                              'allowed': sorted(allowed),
                                              'project': project_id})
        return passed


def _tenants_of(aggregate):
    tenants = set()
    for key, value in (aggregate.metadata or {}).items():
        if key.startswith(KEY_PREFIX):
            tenants.update(part.strip() for part in str(value).split(','))
    return tenants
