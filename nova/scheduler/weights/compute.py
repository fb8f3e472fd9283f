"""BuildFailureWeigher: push back hosts whose recent builds failed.

A host's ``failed_builds`` counts builds that failed on it since its last
successful one. The weight counts against the host, scaled by the large
``build_failure_weight_multiplier``, so such hosts come after every healthy
one while they are still usable for retries.
"""

from nova.scheduler import weights


class BuildFailureWeigher(weights.BaseHostWeigher):
    multiplier_option = 'build_failure_weight_multiplier'
    multiplier_sign = -1.0

    def _weigh_object(self, host_state, spec_obj):
        return host_state.failed_builds

    def weigh_objects(self, weighed_hosts, spec_obj):
        return [w.obj.failed_builds for w in weighed_hosts]
