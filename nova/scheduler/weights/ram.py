"""RAMWeigher: prefer hosts with more free RAM.

With the default positive ``ram_weight_multiplier`` instances spread over
hosts; a negative one stacks them (fill a host before the next).
"""

from nova.scheduler import weights


class RAMWeigher(weights.BaseHostWeigher):
    minval = 0
    multiplier_option = 'ram_weight_multiplier'

    def _weigh_object(self, host_state, spec_obj):
        return host_state.free_ram_mb

    def weigh_objects(self, weighed_hosts, spec_obj):
        return [w.obj.free_ram_mb for w in weighed_hosts]
