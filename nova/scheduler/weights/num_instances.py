"""NumInstancesWeigher: by the number of instances on a host.

A positive ``num_instances_weight_multiplier`` packs instances onto busy
hosts, a negative one prefers hosts with fewer instances; the default 0
leaves ordering to the other weighers.
"""

from nova.scheduler import weights


class NumInstancesWeigher(weights.BaseHostWeigher):
    minval = 0
    multiplier_option = 'num_instances_weight_multiplier'

    def _weigh_object(self, host_state, spec_obj):
        return host_state.num_instances

    def weigh_objects(self, weighed_hosts, spec_obj):
        return [w.obj.num_instances for w in weighed_hosts]
