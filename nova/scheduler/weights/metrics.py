"""MetricsWeigher: by the metrics that computes report.

``[metrics] weight_setting`` lists metric names with ratios
(``cpu.percent=-1.0``); a host weighs the sum of value times ratio. A host
missing a listed metric is an error when ``[metrics] required`` is set,
otherwise it weighs ``weight_of_unavailable`` (last, by default). The
multiplier is ``[metrics] weight_multiplier``, overridable per aggregate
with metadata ``metrics_weight_multiplier``.
"""

from oslo_log import log as logging

import nova.conf
from nova import exception
from nova.scheduler import weights

CONF = nova.conf.CONF
LOG = logging.getLogger(__name__)


class ComputeHostMetricNotFound(exception.NotFound):
    msg_fmt = ('Metric %(name)s could not be found on the compute host node '
               '%(host)s.%(node)s.')


def parse_setting(entries):
    """[(name, ratio)] out of 'name=ratio' entries; bad ones are logged and
    skipped."""
    parsed = []
    for entry in entries:
        name, sep, ratio = entry.partition('=')
        name = name.strip()
        try:
            if not sep or not name:
                raise ValueError(entry)
            parsed.append((name, float(ratio.strip())))
        except ValueError:
            LOG.warning('Ignoring the malformed [metrics] weight_setting '
                        'entry %r: expected name=ratio.', entry)
    return parsed


class MetricsWeigher(weights.BaseHostWeigher):
    multiplier_key = 'metrics_weight_multiplier'

    def _config_multiplier(self):
        return CONF.metrics.weight_multiplier

    def _weigh_with(self, host_state, setting):
        metrics = host_state.metrics or {}
        value = 0.0
        for name, ratio in setting:
            metric = metrics.get(name)
            if metric is not None:
                value += float(metric['value']) * ratio
                continue
            if CONF.metrics.required:
                raise ComputeHostMetricNotFound(
                    host=host_state.host, node=host_state.nodename,
                    name=name)
            # An unknown value ranks the host as low as configured, unless
            # the metric does not count at all.
            if ratio * self.weight_multiplier(host_state) != 0:
                return CONF.metrics.weight_of_unavailable
        return value

    def _weigh_object(self, host_state, spec_obj):
        return self._weigh_with(host_state,
                                parse_setting(CONF.metrics.weight_setting))

    def weigh_objects(self, weighed_hosts, spec_obj):
        setting = parse_setting(CONF.metrics.weight_setting)
        if not setting:
            return None
        return [self._weigh_with(w.obj, setting) for w in weighed_hosts]
