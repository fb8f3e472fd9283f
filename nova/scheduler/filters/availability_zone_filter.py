"""AvailabilityZoneFilter: only hosts in the requested availability zone.

A host's zone is the ``availability_zone`` metadata of its aggregates, or
``[DEFAULT] default_availability_zone`` when none of them sets one.
"""

from oslo_log import log as logging

import nova.conf
from nova.scheduler import filters

CONF = nova.conf.CONF
LOG = logging.getLogger(__name__)

AZ_KEY = 'availability_zone'


def host_zones(host_state):
    """The availability zones of a host (a set)."""
    zones = set()
    for agg in host_state.aggregates:
        zone = (agg.metadata or {}).get(AZ_KEY)
        if zone:
            zones.update(z.strip() for z in zone.split(','))
    return zones or {CONF.default_availability_zone}


class AvailabilityZoneFilter(filters.BaseHostFilter):
    """Drops hosts outside the availability zone the request asks for."""

    # Aggregates do not change within a request.
    run_filter_once_per_request = True
    RUN_ON_REBUILD = False

    @staticmethod
    def _requested_zone(spec_obj):
        if not spec_obj.obj_attr_is_set('availability_zone'):
            return None
        return spec_obj.availability_zone or None

    def host_passes(self, host_state, spec_obj):
        zone = self._requested_zone(spec_obj)
        if not zone:
            return True
        zones = host_zones(host_state)
        if zone in zones:
            return True
        LOG.debug('Availability zone mismatch: requested %(want)s, '
                  '%(host)s is in %(have)s',
                  {'want': zone, 'host': host_state,
                   'have': ', '.join(sorted(zones))})
        return False

    def filter_all(self, host_states, spec_obj):
        zone = self._requested_zone(spec_obj)
        if not zone:
            return list(host_states)
        default = CONF.default_availability_zone
        passed = []
        for hs in host_states:
            if not hs.aggregates:
                # The common case: a host in no aggregate is in the default
                # zone; no need to build its set of zones.
                if zone == default:
                    passed.append(hs)
            elif zone in host_zones(hs):
                passed.append(hs)
        return passed

