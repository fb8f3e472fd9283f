"""NumInstancesFilter: hosts with fewer instances than the cap.

The cap is ``[filter_scheduler] max_instances_per_host``; aggregate metadata
``max_instances_per_host`` overrides it for the aggregate's hosts (the
smallest value when several aggregates set it).
"""

from oslo_log import log as logging

import nova.conf
from nova.scheduler import filters
from nova.scheduler.filters import utils

CONF = nova.conf.CONF
LOG = logging.getLogger(__name__)

KEY = 'max_instances_per_host'


class NumInstancesFilter(filters.BaseHostFilter):
    """Drops hosts that already run as many instances as allowed."""

    # Earlier picks of the same request add instances: run every time.
    RUN_ON_REBUILD = False

    def _max_instances(self, host_state, default, cache=None):
        return utils.aggregate_number(host_state, KEY, default, cache=cache)

    def host_passes(self, host_state, spec_obj):
        cap = self._max_instances(
            host_state, CONF.filter_scheduler.max_instances_per_host)
        if host_state.num_instances < cap:
            return True
        LOG.debug('%(host)s runs %(num)d instances, the cap is %(cap)d',
                  {'host': host_state, 'num': host_state.num_instances,
                   'cap': cap})
        return False

    def filter_all(self, host_states, spec_obj):
        default = CONF.filter_scheduler.max_instances_per_host
        cache = {}
        passed = []
        for hs in host_states:
            cap = (self._max_instances(hs, default, cache) if hs.aggregates
                   else default)
            if hs.num_instances < cap:
                passed.append(hs)
            else:
                LOG.debug('%(host)s is at its cap of %(cap)d', {
                    'host': hs, 'cap': cap})
        return passed
