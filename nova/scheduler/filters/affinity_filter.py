"""Filters on where other instances are: server group (anti-)affinity and
the same_host / different_host scheduler hints."""

from oslo_log import log as logging

from nova.scheduler import filters
from nova.scheduler.filters import utils

LOG = logging.getLogger(__name__)


def request_group(spec_obj):
    if not spec_obj.obj_attr_is_set('instance_group'):
        return None
    return spec_obj.instance_group


def group_policy(group):
    """The policy of a server group; older groups carry a list."""
    if group is None:
        return None
    policy = _attr(group, 'policy')
    if policy:
        return policy
    policies = _attr(group, 'policies')
    return policies[0] if policies else None


def _attr(obj, name, default=None):
    checker = getattr(obj, 'obj_attr_is_set', None)
    if checker is not None:
        try:
            if not checker(name):
                return default
        except AttributeError:
            return default
    value = getattr(obj, name, default)
    return default if value is None else value


class _GroupFilterBase(filters.BaseHostFilter):
    policy_name = None
    RUN_ON_REBUILD = False

    def _group(self, spec_obj):
        group = request_group(spec_obj)
        if group is None or group_policy(group) != self.policy_name:
            return None
        return group

    def host_passes(self, host_state, spec_obj):
        group = self._group(spec_obj)
        if group is None:
            return True
        return bool(self.filter_all([host_state], spec_obj))


class ServerGroupAffinityFilter(_GroupFilterBase):
    """With an 'affinity' group, only the hosts its members already run on
    (any host for the group's first instance)."""

    policy_name = 'affinity'

    def filter_all(self, host_states, spec_obj):
        group = self._group(spec_obj)
        hosts = _attr(group, 'hosts', []) if group is not None else []
        if not hosts:
            return list(host_states)
        hosts = set(hosts)
        passed = [hs for hs in host_states if hs.host in hosts]
        LOG.debug('Affinity group %(group)s: %(n)d host(s) among %(hosts)s',
                  {'group': _attr(group, 'uuid', 'n/a'), 'n': len(passed),
                   'hosts': sorted(hosts)})
        return passed


class ServerGroupAntiAffinityFilter(_GroupFilterBase):
    """With an 'anti-affinity' group, only hosts running fewer than
    ``max_server_per_host`` (rule, default 1) of its members."""

    policy_name = 'anti-affinity'

    @staticmethod
    def _max_per_host(group):
        rules = _attr(group, 'rules', {}) or {}
        try:
            return int(rules.get('max_server_per_host', 1))
        except (TypeError, ValueError):
            return 1

    def filter_all(self, host_states, spec_obj):
        group = self._group(spec_obj)
        if group is None:
            return list(host_states)
        members = set(_attr(group, 'members', []) or [])
        limit = self._max_per_host(group)
        me = (spec_obj.instance_uuid
              if spec_obj.obj_attr_is_set('instance_uuid') else None)
        passed = []
        for hs in host_states:
            instances = hs.instances
            if me is not None and me in instances:
                # A move may consider the instance's own host.
                passed.append(hs)
                continue
            if not members or not instances:
                passed.append(hs)
                continue
            if len(members) < len(instances):
                count = sum(1 for uuid in members if uuid in instances)
            else:
                count = sum(1 for uuid in instances if uuid in members)
            if count < limit:
                passed.append(hs)
            else:
                LOG.debug('%(host)s already runs %(count)d member(s) of '
                          'anti-affinity group %(group)s (at most %(max)d)',
                          {'host': hs, 'count': count, 'max': limit,
                           'group': _attr(group, 'uuid', 'n/a')})
        return passed


def _hint_uuids(spec_obj, name):
    value = spec_obj.get_scheduler_hint(name)
    if not value:
        return None
    return [value] if isinstance(value, str) else list(value)


class SameHostFilter(filters.BaseHostFilter):
    """Hint ``same_host``: only hosts running one of the listed instances."""

    # The hosts of the listed instances do not change within a request.
    run_filter_once_per_request = True
    RUN_ON_REBUILD = False

    def host_passes(self, host_state, spec_obj):
        uuids = _hint_uuids(spec_obj, 'same_host')
        return not uuids or utils.instance_uuids_overlap(host_state, uuids)

    def filter_all(self, host_states, spec_obj):
        uuids = _hint_uuids(spec_obj, 'same_host')
        if not uuids:
            return list(host_states)
        return [hs for hs in host_states
                if utils.instance_uuids_overlap(hs, uuids)]


class DifferentHostFilter(filters.BaseHostFilter):
    """Hint ``different_host``: only hosts running none of the listed
    instances."""

    run_filter_once_per_request = True
    RUN_ON_REBUILD = False

    def host_passes(self, host_state, spec_obj):
        uuids = _hint_uuids(spec_obj, 'different_host')
        return not uuids or not utils.instance_uuids_overlap(host_state,
                                                             uuids)

    def filter_all(self, host_states, spec_obj):
        uuids = _hint_uuids(spec_obj, 'different_host')
        if not uuids:
            return list(host_states)
        return [hs for hs in host_states
                if not utils.instance_uuids_overlap(hs, uuids)]
