"""Soft (anti-)affinity weighers: server groups with 'soft-affinity' or
'soft-anti-affinity' policies prefer, rather than require, hosts that run
more (or fewer) of the group's members."""

from oslo_log import log as logging

import nova.conf
from nova.scheduler.filters import affinity_filter
from nova.scheduler import weights

CONF = nova.conf.CONF
LOG = logging.getLogger(__name__)


class _SoftAffinityWeigherBase(weights.BaseHostWeigher):
    policy_name = None
    # +1: more members is better; -1: fewer is better.
    direction = 1

    def _members(self, spec_obj):
        group = affinity_filter.request_group(spec_obj)
        if affinity_filter.group_policy(group) != self.policy_name:
            return None
        return set(affinity_filter._attr(group, 'members', []) or [])

    @staticmethod
    def _count(host_state, members):
        instances = host_state.instances
        if not instances or not members:
            return 0
        if len(members) < len(instances):
            return sum(1 for uuid in members if uuid in instances)
        return sum(1 for uuid in instances if uuid in members)

    def _weigh_object(self, host_state, spec_obj):
        members = self._members(spec_obj)
        if members is None:
            return 0
        return self.direction * self._count(host_state, members)

    def weigh_objects(self, weighed_hosts, spec_obj):
        members = self._members(spec_obj)
        if not members:
            return None
        count, direction = self._count, self.direction
        return [direction * count(w.obj, members) for w in weighed_hosts]


class ServerGroupSoftAffinityWeigher(_SoftAffinityWeigherBase):
    policy_name = 'soft-affinity'
    multiplier_option = 'soft_affinity_weight_multiplier'


class ServerGroupSoftAntiAffinityWeigher(_SoftAffinityWeigherBase):
    policy_name = 'soft-anti-affinity'
    multiplier_option = 'soft_anti_affinity_weight_multiplier'
    direction = -1
