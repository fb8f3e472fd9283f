"""IoOpsFilter: hosts with few I/O heavy operations in flight.

A host passes while its ``num_io_ops`` (instances building, resizing,
migrating, rebuilding, snapshotting, backing up, rescuing or unshelving) is
below ``[filter_scheduler] max_io_ops_per_host``; aggregate metadata
``max_io_ops_per_host`` overrides it (smallest value wins).
"""

from oslo_log import log as logging

import nova.conf
from nova.scheduler import filters
from nova.scheduler.filters import utils

CONF = nova.conf.CONF
LOG = logging.getLogger(__name__)

KEY = 'max_io_ops_per_host'


class IoOpsFilter(filters.BaseHostFilter):
    """Drops hosts busy with too many I/O heavy operations."""

    RUN_ON_REBUILD = False

    def _max_io_ops(self, host_state, default, cache=None):
        return utils.aggregate_number(host_state, KEY, default, cache=cache)

    def host_passes(self, host_state, spec_obj):
        cap = self._max_io_ops(host_state,
                               CONF.filter_scheduler.max_io_ops_per_host)
        if host_state.num_io_ops < cap:
            return True
        LOG.debug('%(host)s has %(num)d I/O heavy operations in flight, '
                  'the cap is %(cap)d',
                  {'host': host_state, 'num': host_state.num_io_ops,
                   'cap': cap})
        return False

    def filter_all(self, host_states, spec_obj):
        default = CONF.filter_scheduler.max_io_ops_per_host
        cache = {}
        passed = []
        for hs in host_states:
            cap = (self._max_io_ops(hs, default, cache) if hs.aggregates
                   else default)
            if hs.num_io_ops < cap:
                passed.append(hs)
            else:
                LOG.debug('%(host)s is at its cap of %(cap)d', {
                    'host': hs, 'cap': cap})
        return passed
