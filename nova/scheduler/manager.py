"""RPC endpoints of nova-scheduler: pick hosts for instances.

select_destinations() runs, per request:

1. placement query: resources, traits and aggregates from the flavor, the
   image and the pre-filters (placement_request.py);
2. GET /allocation_candidates: the nodes that can hold the request;
3. the enabled filters over the cached states of those nodes
   (host_manager.py), each counted in a report;
4. the weighers, best first; ties and the best ``host_subset_size`` are
   shuffled so that concurrent requests spread out;
5. the claim: the instance's allocations written to placement for the
   best node; a node whose claim placement refuses (capacity taken by a
   concurrent request) is skipped for the next;
6. the chosen node plus up to ``max_attempts - 1`` alternates of the same
   cell, each with its allocation request, for rescheduling.

When no host fits, NoValidHost says which stage eliminated the hosts:
placement (for which resources and traits, and whether any node had the
capacity), or the filters (how many each one removed).
"""

import functools
import random
import threading
import time

import oslo_messaging as messaging
from oslo_log import log as logging

import nova.conf
from nova import exception
from nova import objects
from nova.scheduler.client import report
from nova.scheduler import filters as scheduler_filters
from nova.scheduler import host_manager as host_manager_mod
from nova.scheduler import placement_request
from nova.scheduler import weights as scheduler_weights

LOG = logging.getLogger(__name__)
CONF = nova.conf.CONF

def _expected(*exceptions):
    """The errors of an endpoint that are answers to its caller."""
    def decorate(method):
        return functools.wraps(method)(
            messaging.expected_exceptions(*exceptions)(method))
    return decorate


def _roots(alloc_reqs, summaries):
    """Root provider uuid -> its allocation requests, in placement's
    order. A compute node is the root of its provider tree."""
    by_root = {}
    for alloc_req in alloc_reqs:
        roots = {summaries.get(rp, {}).get('root_provider_uuid') or rp
                 for rp in alloc_req['allocations']}
        if len(roots) != 1:
            # Sharing providers (resources from another tree) are not
            # supported by the compute side yet.
            continue
        by_root.setdefault(roots.pop(), []).append(alloc_req)
    return by_root


class SchedulerManager:
    target = messaging.Target(version='1.1')

    def __init__(self, host_manager=None, placement=None):
        self.host_manager = host_manager or host_manager_mod.HostManager()
        self.placement = placement or report.get_client()
        self.filter_handler = scheduler_filters.HostFilterHandler()
        self.filters = scheduler_filters.load_filters(
            CONF.filter_scheduler.enabled_filters)
        self.weight_handler = scheduler_weights.WeightHandler()
        self.weighers = scheduler_weights.load_weighers(
            CONF.filter_scheduler.weight_classes)
        # Claims and the in-memory consumption of host states happen one
        # request at a time, so concurrent requests see each other.
        self._lock = threading.Lock()

    # ------------------------------------------------------------------
    # select_destinations
    # ------------------------------------------------------------------
    # No host fitting is an answer to the caller, not a failure of the
    # scheduler: one line here, and no traceback from oslo.messaging.
    @_expected(exception.NoValidHost)
    def select_destinations(self, context, spec_obj, instance_uuids,
                            return_alternates=False):
        try:
            return self._select_destinations(context, spec_obj,
                                             instance_uuids,
                                             return_alternates)
        except exception.NoValidHost as exc:
            LOG.info('No valid host for %s: %s', ', '.join(instance_uuids),
                     exc.format_message())
            raise

    def _select_destinations(self, context, spec_obj, instance_uuids,
                             return_alternates):
        started = time.monotonic()
        # One refresh of the cached view serves the pre-filters (the
        # aggregates) and the host states below.
        self.host_manager.refresh(context)
        try:
            request = placement_request.build(
                spec_obj, self.host_manager.aggregates())
        except exception.Invalid as exc:
            raise exception.NoValidHost(reason=exc.format_message())
        try:
            alloc_reqs, summaries = \
                self.placement.get_allocation_candidates(context,
                                                         request.query())
        except report.PlacementAPIError as exc:
            if exc.status != 400:
                raise
            # Placement refuses names it does not know, e.g. a trait no
            # host has ever reported: no host can match.
            reason = ('Placement refused the request for %s: %s' %
                      (request.describe(), exc.detail))
            raise exception.NoValidHost(reason=reason)
        if not alloc_reqs:
            reason = self._explain_placement(context, request)
            raise exception.NoValidHost(reason=reason)
        by_root = _roots(alloc_reqs, summaries)
        states, unknown = self.host_manager.get_host_states(
            context, list(by_root))
        with self._lock:
            self._refresh_group(context, spec_obj)
            selections = self._schedule(context, spec_obj, instance_uuids,
                                        states, by_root, unknown, request,
                                        return_alternates)
        LOG.debug('Scheduled %d instance(s) in %.1f ms', len(selections),
                  (time.monotonic() - started) * 1000)
        for uuid, hosts in zip(instance_uuids, selections):
            LOG.info('Selected host %s (node %s) for instance %s',
                     hosts[0].service_host, hosts[0].nodename, uuid)
        return selections

    def _schedule(self, context, spec_obj, instance_uuids, states, by_root,
                  unknown, request, return_alternates):
        claimed = []
        selections = []
        # Each instance is filtered from the hosts left for the previous
        # one: filters that run once per request skip later instances.
        hosts = states
        try:
            for index, instance_uuid in enumerate(instance_uuids):
                spec_obj.instance_uuid = instance_uuid
                report_lines = []
                hosts = self._filter(hosts, spec_obj, index, report_lines)
                if not hosts:
                    reason = self._explain_filters(
                        len(by_root), unknown, report_lines, index,
                        len(instance_uuids), request)
                    raise exception.NoValidHost(reason=reason)
                LOG.debug('Filters for %s: %s', instance_uuid, report_lines)
                ordered = self._order(self.weight_handler.get_weighed_objects(
                    self.weighers, hosts, spec_obj))
                chosen, refused = self._claim(context, spec_obj,
                                              instance_uuid, ordered, by_root)
                if chosen is None:
                    raise exception.NoValidHost(reason=self._explain_claims(
                        refused, index, len(instance_uuids)))
                claimed.append(instance_uuid)
                self._consume(chosen, spec_obj)
                alternates = []
                if return_alternates:
                    alternates = [hs for hs in ordered
                                  if hs is not chosen and
                                  hs.cell_uuid == chosen.cell_uuid][
                        :CONF.scheduler.max_attempts - 1]
                selections.append([
                    objects.Selection.from_host_state(
                        hs, by_root[hs.uuid][0],
                        report.ALLOCATION_CANDIDATES_VERSION)
                    for hs in [chosen] + alternates])
        except Exception:
            for uuid in claimed:
                self._unclaim(context, uuid)
            raise
        return selections

    def _refresh_group(self, context, spec_obj):
        """Load the request's server group as it is now (members added by
        concurrent requests) with the hosts its members are on."""
        group = spec_obj.instance_group if spec_obj.obj_attr_is_set(
            'instance_group') else None
        if group is None:
            return
        try:
            group = objects.InstanceGroup.get_by_uuid(context, group.uuid)
        except exception.NotFound:
            raise exception.NoValidHost(
                reason='Server group %s was deleted' % group.uuid)
        group.hosts = self.host_manager.hosts_of_instances(
            set(group.members or []) - {spec_obj.instance_uuid
                                        if spec_obj.obj_attr_is_set(
                                            'instance_uuid') else None})
        spec_obj.instance_group = group

    def _filter(self, states, spec_obj, index, report_lines):
        hosts = self._requested_hosts(states, spec_obj, report_lines)
        if not hosts:
            return hosts
        return list(self.filter_handler.get_filtered_objects(
            self.filters, hosts, spec_obj, index, report=report_lines) or [])

    @staticmethod
    def _requested_hosts(states, spec_obj, report_lines):
        """force_hosts / force_nodes / ignore_hosts of the request."""
        def field(name):
            return (getattr(spec_obj, name) or []) if \
                spec_obj.obj_attr_is_set(name) else []
        force_hosts, force_nodes = field('force_hosts'), field('force_nodes')
        ignore = set(field('ignore_hosts'))
        hosts = states
        if ignore:
            hosts = [hs for hs in hosts if hs.host not in ignore]
        if force_hosts:
            hosts = [hs for hs in hosts if hs.host in force_hosts]
        if force_nodes:
            hosts = [hs for hs in hosts if hs.nodename in force_nodes]
        if len(hosts) != len(states):
            report_lines.append(('requested hosts', len(states), len(hosts)))
        return hosts

    @staticmethod
    def _order(weighed):
        """Hosts best first; the best ``host_subset_size`` (and the hosts
        that tie with the best) in random order, so that requests arriving
        together do not all pick the same host."""
        if not weighed:
            return []
        top = max(CONF.scheduler.host_subset_size, 1)
        best_weight = weighed[0].weight
        ties = 0
        while ties < len(weighed) and weighed[ties].weight == best_weight:
            ties += 1
        head_size = max(top, ties) if \
            CONF.filter_scheduler.shuffle_best_same_weighed_hosts else top
        head = [w.obj for w in weighed[:head_size]]
        random.shuffle(head)
        return head + [w.obj for w in weighed[head_size:]]

    def _claim(self, context, spec_obj, instance_uuid, ordered, by_root):
        refused = 0
        for hs in ordered:
            alloc_req = by_root[hs.uuid][0]
            if self.placement.claim_resources(
                    context, instance_uuid, alloc_req, spec_obj.project_id,
                    spec_obj.user_id):
                return hs, refused
            refused += 1
            LOG.info('Claim of node %s for instance %s refused by '
                     'placement; trying the next host', hs.nodename,
                     instance_uuid)
        return None, refused

    def _unclaim(self, context, instance_uuid):
        self.host_manager.forget_claim(instance_uuid)
        try:
            self.placement.delete_allocation_for_instance(context,
                                                          instance_uuid)
        except Exception:
            LOG.exception('Could not free the claim of instance %s',
                          instance_uuid)

    def _consume(self, host_state, spec_obj):
        host_state.consume_from_request(spec_obj)
        self.host_manager.note_claim(host_state.uuid, spec_obj.obj_clone())
        group = spec_obj.instance_group if spec_obj.obj_attr_is_set(
            'instance_group') else None
        if group is not None:
            # Later instances of the same request see this one's host.
            hosts = list(group.hosts or []) if group.obj_attr_is_set(
                'hosts') else []
            if host_state.host not in hosts:
                group.hosts = hosts + [host_state.host]
            members = list(group.members or []) if group.obj_attr_is_set(
                'members') else []
            if spec_obj.instance_uuid not in members:
                group.members = members + [spec_obj.instance_uuid]

    # ------------------------------------------------------------------
    # NoValidHost explanations
    # ------------------------------------------------------------------
    def _explain_placement(self, context, request):
        wanted = request.describe()
        try:
            with_capacity = self.placement.get_providers_with_capacity(
                context, request.resources_param())
        except Exception:
            with_capacity = None
        if with_capacity is None:
            return ('Placement found no compute node for %s.' % wanted)
        if not with_capacity:
            return ('Placement found no compute node with enough free '
                    'resources for %s.' % wanted)
        extra = ('the traits' if request.has_traits else '')
        if request.prefilter_notes:
            extra = (extra + ' and ' if extra else '') + \
                'the host aggregates'
        return ('Placement found %d compute node(s) with enough free '
                'resources, but none that also matches %s of the request '
                '(%s).' % (len(with_capacity), extra or 'the rest', wanted))

    @staticmethod
    def _explain_claims(refused, index, total):
        text = ('Placement refused the claim on all %d host(s) left after '
                'filtering: their free resources were taken' % refused)
        if index:
            return text + (' by the earlier instances of this request '
                           '(instance %d of %d) or by concurrent requests.'
                           % (index + 1, total))
        return text + ' by concurrent requests.'

    @staticmethod
    def _explain_filters(offered, unknown, report_lines, index, total,
                         request):
        parts = ['Placement offered %d compute node(s) for %s' %
                 (offered, request.describe())]
        if unknown:
            parts.append('%d of them have no compute node record the '
                         'scheduler knows of' % len(unknown))
        steps = []
        for name, hosts_in, hosts_out in report_lines:
            if hosts_out < hosts_in:
                steps.append('%s removed %d of %d' %
                             (name, hosts_in - hosts_out, hosts_in))
        if steps:
            parts.append('then ' + ', '.join(steps) + ', leaving none')
        text = '; '.join(parts) + '.'
        if index:
            text += (' (Instance %d of %d in this request: the earlier '
                     'ones took hosts this one could have used.)' %
                     (index + 1, total))
        return text

    # ------------------------------------------------------------------
    # Instance info fanout from the computes
    # ------------------------------------------------------------------
    def update_instance_info(self, context, host_name, instance_info):
        self.host_manager.update_instance_info(context, host_name,
                                               instance_info)

    def delete_instance_info(self, context, host_name, instance_uuid):
        self.host_manager.delete_instance_info(context, host_name,
                                               instance_uuid)

    def sync_instance_info(self, context, host_name, instance_uuids):
        self.host_manager.sync_instance_info(context, host_name,
                                             instance_uuids)
