"""AggregateInstanceExtraSpecsFilter: flavor extra specs against aggregate
metadata.

Extra specs scoped ``aggregate_instance_extra_specs:`` (and unscoped ones)
must be matched by the metadata of one of the host's aggregates, in the
extra-specs operator language (see extra_specs_ops). This is how operators
tie flavors to groups of hosts, e.g. ``aggregate_instance_extra_specs:ssd
=true`` with aggregate metadata ``ssd=true``. Keys of other scopes are
ignored.
"""

from oslo_log import log as logging

from nova.scheduler import filters
from nova.scheduler.filters import compute_capabilities_filter
from nova.scheduler.filters import extra_specs_ops
from nova.scheduler.filters import utils

LOG = logging.getLogger(__name__)

SCOPE = 'aggregate_instance_extra_specs'


class AggregateInstanceExtraSpecsFilter(filters.BaseHostFilter):
    """Drops hosts whose aggregates do not offer what the flavor asks."""

    # Aggregates and the flavor do not change within a request.
    run_filter_once_per_request = True
    RUN_ON_REBUILD = False

    @staticmethod
    def _requirements(spec_obj):
        wanted = []
        specs = compute_capabilities_filter.flavor_extra_specs(spec_obj)
        for key, req in specs.items():
            scope = key.split(':', 1)
            if len(scope) > 1:
                if scope[0] != SCOPE:
                    continue
                key = scope[1]
            wanted.append((key, req))
        return wanted

    @staticmethod
    def _satisfies(host_state, requirements):
        metadata = utils.aggregate_metadata_get_by_host(host_state)
        for key, req in requirements:
            values = metadata.get(key)
            if not values:
                LOG.debug('%(host)s fails extra spec %(key)s: no aggregate '
                          'of the host sets it', {'host': host_state,
                                                  'key': key})
                return False
            if not any(extra_specs_ops.match(value, req)
                       for value in values):
                LOG.debug('%(host)s fails extra spec %(key)s=%(req)s: '
                          'aggregates have %(values)s',
                          {'host': host_state, 'key': key, 'req': req,
                           'values': sorted(values)})
                return False
        return True

    def host_passes(self, host_state, spec_obj):
        requirements = self._requirements(spec_obj)
        return not requirements or self._satisfies(host_state, requirements)

    def filter_all(self, host_states, spec_obj):
        requirements = self._requirements(spec_obj)
        if not requirements:
            return list(host_states)
        return [hs for hs in host_states
                if self._satisfies(hs, requirements)]
