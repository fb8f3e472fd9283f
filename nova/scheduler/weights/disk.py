"""DiskWeigher: prefer hosts with more free disk. A negative
``disk_weight_multiplier`` stacks instead of spreading."""

from nova.scheduler import weights


class DiskWeigher(weights.BaseHostWeigher):
    minval = 0
    multiplier_option = 'disk_weight_multiplier'

    def _weigh_object(self, host_state, spec_obj):
        return host_state.free_disk_mb

    def weigh_objects(self, weighed_hosts, spec_obj):
        return [w.obj.free_disk_mb for w in weighed_hosts]
