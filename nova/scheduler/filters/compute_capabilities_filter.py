"""ComputeCapabilitiesFilter: flavor extra specs against host capabilities.

Extra specs scoped ``capabilities:`` name a host state attribute, possibly
nested (``capabilities:cpu_info:arch`` reads ``cpu_info['arch']``); an
unscoped key counts too when the host state has such an attribute or stat.
Keys of any other scope (``hw:``, ``resources:``, ...) are not this filter's
business. Each value is a requirement in the extra-specs operator language
(see extra_specs_ops).
"""

from oslo_log import log as logging
from oslo_serialization import jsonutils

from nova.scheduler import filters
from nova.scheduler.filters import extra_specs_ops

LOG = logging.getLogger(__name__)

SCOPE = 'capabilities'


def flavor_extra_specs(spec_obj):
    flavor = spec_obj.flavor if spec_obj.obj_attr_is_set('flavor') else None
    if flavor is None or not flavor.obj_attr_is_set('extra_specs'):
        return {}
    return flavor.extra_specs or {}


def _lookup(host_state, path):
    """The host capability at ``path`` (a list of names), or None."""
    cap = host_state
    for name in path:
        if isinstance(cap, str):
            try:
                cap = jsonutils.loads(cap)
            except ValueError:
                return None
        if isinstance(cap, dict):
            cap = cap.get(name)
        else:
            value = getattr(cap, name, None)
            if value is None and cap is host_state:
                value = (host_state.stats or {}).get(name)
            cap = value
        if cap is None:
            return None
    return cap


class ComputeCapabilitiesFilter(filters.BaseHostFilter):
    """Drops hosts whose capabilities do not meet the flavor extra specs."""

    # What a host reports does not change within a request.
    run_filter_once_per_request = True
    RUN_ON_REBUILD = False

    @staticmethod
    def _requirements(spec_obj):
        """(path, requirement, unscoped) for each extra spec to check."""
        wanted = []
        for key, req in flavor_extra_specs(spec_obj).items():
            scope = key.split(':')
            if len(scope) == 1:
                wanted.append((scope, req, True))
            elif scope[0] == SCOPE:
                wanted.append((scope[1:], req, False))
        return wanted

    @staticmethod
    def _satisfies(host_state, requirements):
        for path, req, unscoped in requirements:
            if unscoped and not (hasattr(host_state, path[0]) or
                                 path[0] in (host_state.stats or {})):
                # An unscoped key the host knows nothing of is meant for
                # someone else.
                continue
            cap = _lookup(host_state, path)
            if cap is None or not extra_specs_ops.match(str(cap), req):
                LOG.debug('%(host)s fails extra spec %(key)s=%(req)s',
                          {'host': host_state, 'key': ':'.join(path),
                           'req': req})
                return False
        return True

    def host_passes(self, host_state, spec_obj):
        return self._satisfies(host_state, self._requirements(spec_obj))

    def filter_all(self, host_states, spec_obj):
        requirements = self._requirements(spec_obj)
        if not requirements:
            return list(host_states)
        return [hs for hs in host_states
                if self._satisfies(hs, requirements)]
