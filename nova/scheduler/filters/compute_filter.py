"""ComputeFilter: only hosts whose nova-compute service is up and enabled."""

from oslo_log import log as logging

from nova.scheduler import filters

LOG = logging.getLogger(__name__)


def service_usable(service):
    return bool(service and service.get('up') and
                not service.get('forced_down') and
                not service.get('disabled'))


class ComputeFilter(filters.BaseHostFilter):
    """Drops hosts whose compute service is down, forced down or disabled."""

    # A host's service state does not change within one request.
    run_filter_once_per_request = True
    RUN_ON_REBUILD = False

    def host_passes(self, host_state, spec_obj):
        service = host_state.service
        if service_usable(service):
            return True
        if service and service.get('disabled'):
            LOG.debug('%(host)s is disabled, reason: %(reason)s',
                      {'host': host_state,
                       'reason': service.get('disabled_reason')})
        else:
            LOG.debug('%s has not been heard from in a while', host_state)
        return False

    def filter_all(self, host_states, spec_obj):
        # service_usable() inlined: this runs over every candidate host.
        passed = [hs for hs in host_states
                  if (svc := hs.service) and svc.get('up') and
                  not svc.get('forced_down') and not svc.get('disabled')]
        if len(passed) != len(host_states):
            keep = set(map(id, passed))
            for hs in host_states:
                if id(hs) not in keep:
                    self.host_passes(hs, spec_obj)  # logs why
        return passed
