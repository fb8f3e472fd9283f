"""CPUWeigher: prefer hosts with more free VCPUs (VCPUs times the CPU
allocation ratio, minus those in use). A negative ``cpu_weight_multiplier``
stacks instead of spreading."""

from nova.scheduler import weights


def free_vcpus(host_state):
    ratio = host_state.cpu_allocation_ratio
    if ratio is None:
        ratio = 1.0
    return host_state.vcpus_total * ratio - host_state.vcpus_used


class CPUWeigher(weights.BaseHostWeigher):
    minval = 0
    multiplier_option = 'cpu_weight_multiplier'

    def _weigh_object(self, host_state, spec_obj):
        return free_vcpus(host_state)

    def weigh_objects(self, weighed_hosts, spec_obj):
        return [hs.vcpus_total * (1.0 if hs.cpu_allocation_ratio is None
                                  else hs.cpu_allocation_ratio) -
                hs.vcpus_used
                for hs in [w.obj for w in weighed_hosts]]
