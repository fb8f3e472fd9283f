"""IoOpsWeigher: by the number of I/O heavy operations in flight on a host.

The default negative ``io_ops_weight_multiplier`` prefers quiet hosts; a
positive one prefers busy ones.
"""

from nova.scheduler import weights


class IoOpsWeigher(weights.BaseHostWeigher):
    minval = 0
    multiplier_option = 'io_ops_weight_multiplier'

    def _weigh_object(self, host_state, spec_obj):
        return host_state.num_io_ops

    def weigh_objects(self, weighed_hosts, spec_obj):
        return [w.obj.num_io_ops for w in weighed_hosts]
