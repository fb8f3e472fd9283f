"""The scheduler's cached view of every compute node.

Reading every node, service and instance from the cell databases for each
request would cost seconds at 10,000 nodes, so the host manager keeps one
HostState per compute node and refreshes it incrementally:

- compute nodes: the first refresh of a cell reads all of them; later ones
  read only the records created, updated or deleted since the newest
  timestamp seen (minus a small margin for transactions that committed
  late), and a full reload runs every ``[scheduler]
  host_cache_full_refresh`` seconds as a safety net;
- services (up, disabled): one small query per cell and refresh;
- aggregates: one query per refresh (they are few);
- instances per host: loaded once per cell at start, then kept current by
  the computes, which fan out what they build and delete
  (update_instance_info / delete_instance_info) and periodically the
  full list of their instance uuids (sync_instance_info); a host whose list
  disagrees is reloaded.

Refreshes run at most every ``[scheduler] host_cache_min_refresh`` seconds,
so a burst of requests shares one.
"""

import datetime
import threading
import time

from oslo_utils import timeutils

from oslo_log import log as logging

import nova.conf
from nova import objects
from nova.scheduler import host_state
from nova import servicegroup

CONF = nova.conf.CONF
LOG = logging.getLogger(__name__)

# Re-read records changed this long before the newest timestamp seen: a
# transaction may commit after a later one.
_WATERMARK_MARGIN = datetime.timedelta(seconds=5)

# Claims made by this scheduler that a node's record may not show yet are
# re-applied to its rebuilt state for this long at most.
PENDING_CLAIM_TTL = 120.0


def _field(obj, name, default=None):
    return getattr(obj, name) if obj.obj_attr_is_set(name) else default


def _service_view(service):
    if service is None:
        return {'up': False, 'disabled': True,
                'disabled_reason': 'no nova-compute service record',
                'forced_down': False}
    return {'up': servicegroup.is_up(service),
            'disabled': bool(service.disabled),
            'disabled_reason': _field(service, 'disabled_reason'),
            'forced_down': bool(_field(service, 'forced_down', False))}


def _newest(node):
    stamps = [t for t in (node.updated_at, node.created_at,
                          getattr(node, 'deleted_at', None)) if t]
    return max(stamps) if stamps else None


class _CellCache:
    """Nodes and services of one cell."""

    def __init__(self, cell_uuid):
        self.cell_uuid = cell_uuid
        self.nodes = {}            # node uuid -> ComputeNode
        self.services = {}         # host -> Service
        self.watermark = None      # newest node timestamp seen
        self.full_at = 0.0         # time.monotonic() of the last full load


class HostManager:

    def __init__(self):
        self._lock = threading.RLock()
        self._cells = {}           # cell uuid -> _CellCache
        self._states = {}          # node uuid -> HostState
        self._aggregates = []
        self._host_aggregates = {}  # host -> [Aggregate]
        # host -> {instance uuid: Instance}; filled per cell at first use
        # and kept current by the computes' fanout.
        self._instances = {}
        self._instances_loaded = set()  # cell uuids
        self._refreshed_at = 0.0
        self._dirty_states = set()  # node uuids whose state must be rebuilt
        self._host_nodes = {}       # host -> node uuids (all cells)
        # node uuid -> {instance uuid: (spec, time.time() of the claim)}
        self._pending = {}

    # ------------------------------------------------------------------
    # Refresh
    # ------------------------------------------------------------------
    def refresh(self, context, force=False):
        now = time.monotonic()
        with self._lock:
            if not force and now - self._refreshed_at < \
                    CONF.scheduler.host_cache_min_refresh:
                return
            cells = [c for c in objects.CellMappingList.get_all(context)
                     if not c.is_cell0 and not c.disabled]
            for cell in cells:
                self._refresh_cell(context, cell.uuid, now)
            for gone in set(self._cells) - {c.uuid for c in cells}:
                self._drop_cell(gone)
            self._refresh_aggregates(context)
            self._rebuild_states()
            self._refreshed_at = time.monotonic()

    def _refresh_cell(self, context, cell_uuid, now):
        cache = self._cells.setdefault(cell_uuid, _CellCache(cell_uuid))
        cctxt = context.targeted(cell_uuid)
        full = (cache.watermark is None or now - cache.full_at >
                CONF.scheduler.host_cache_full_refresh)
        if full:
            nodes = objects.ComputeNodeList.get_all(cctxt)
            for uuid in set(cache.nodes) - {n.uuid for n in nodes}:
                self._forget_node(cache, uuid)
            cache.full_at = now
        else:
            nodes = objects.ComputeNodeList.get_changed_since(
                cctxt, cache.watermark - _WATERMARK_MARGIN)
        for node in nodes:
            stamp = _newest(node)
            if stamp and (cache.watermark is None or stamp > cache.watermark):
                cache.watermark = stamp
            if node.deleted:
                self._forget_node(cache, node.uuid)
                continue
            cache.nodes[node.uuid] = node
            self._host_nodes.setdefault(node.host, set()).add(node.uuid)
            self._dirty_states.add(node.uuid)
        if cache.watermark is None:
            cache.watermark = datetime.datetime(1970, 1, 1)
        services = {s.host: s for s in objects.ServiceList.get_by_binary(
            cctxt, 'nova-compute')}
        changed_hosts = {h for h in set(services) | set(cache.services)
                         if _service_view(services.get(h)) !=
                         _service_view(cache.services.get(h))}
        cache.services = services
        for host in changed_hosts:
            self._touch(host)
        if cell_uuid not in self._instances_loaded:
            self._load_instances(cctxt)
            self._instances_loaded.add(cell_uuid)

    def _forget_node(self, cache, uuid):
        node = cache.nodes.pop(uuid, None)
        self._states.pop(uuid, None)
        if node is not None:
            self._host_nodes.get(node.host, set()).discard(uuid)

    def _drop_cell(self, cell_uuid):
        cache = self._cells[cell_uuid]
        for uuid in list(cache.nodes):
            self._forget_node(cache, uuid)
        del self._cells[cell_uuid]

    def _load_instances(self, cctxt):
        instances = objects.InstanceList.get_by_filters(
            cctxt, {'deleted': False})
        for inst in instances:
            if inst.host:
                self._instances.setdefault(inst.host, {})[inst.uuid] = inst
        LOG.debug('Loaded %d instance(s) of cell %s into the host cache',
                  len(instances), cctxt.cell_uuid)

    def _refresh_aggregates(self, context):
        aggregates = list(objects.AggregateList.get_all(context))
        by_host = {}
        for agg in aggregates:
            for host in agg.hosts:
                by_host.setdefault(host, []).append(agg)
        if by_host != self._host_aggregates or \
                [a.metadata for a in aggregates] != \
                [a.metadata for a in self._aggregates]:
            # Aggregates are few and change rarely: rebuild every state.
            for cache in self._cells.values():
                self._dirty_states.update(cache.nodes)
        self._aggregates = aggregates
        self._host_aggregates = by_host

    def _rebuild_states(self):
        """Rebuild the states marked dirty (new nodes are always dirty)."""
        dirty, self._dirty_states = self._dirty_states, set()
        by_node = {}  # host -> {node name: {uuid: instance}}, per rebuild
        for cache in self._cells.values():
            for uuid in dirty.intersection(cache.nodes):
                node = cache.nodes[uuid]
                state = self._states.get(uuid)
                if state is None:
                    state = host_state.HostState(
                        node.host, node.hypervisor_hostname, cache.cell_uuid)
                    self._states[uuid] = state
                state.update(node,
                             _service_view(cache.services.get(node.host)),
                             self._host_aggregates.get(node.host, []),
                             self._node_instances(node, by_node))
                self._reapply_claims(state, node)

    def _node_instances(self, node, by_node):
        """Instances on ``node``; those whose node is unknown count on
        every node of their host."""
        groups = by_node.get(node.host)
        if groups is None:
            groups = by_node[node.host] = {}
            for uuid, inst in self._instances.get(node.host, {}).items():
                groups.setdefault(_field(inst, 'node'), {})[uuid] = inst
        instances = dict(groups.get(node.hypervisor_hostname, {}))
        instances.update(groups.get(None, {}))
        return instances

    # ------------------------------------------------------------------
    # Claims not yet in the node records
    # ------------------------------------------------------------------
    def note_claim(self, node_uuid, spec_obj):
        """The scheduler claimed ``node_uuid`` for spec_obj's instance;
        keep counting it when the state is rebuilt from an older record."""
        with self._lock:
            self._pending.setdefault(node_uuid, {})[
                spec_obj.instance_uuid] = (spec_obj, time.time())

    def forget_claim(self, instance_uuid):
        with self._lock:
            self._drop_claims(instance_uuid, lambda host: True)

    def _drop_claims(self, instance_uuid, on_host):
        """Forget the claims of ``instance_uuid`` on the nodes whose host
        ``on_host(host)`` accepts, and mark those nodes for rebuilding.

        A claim stands in for the instance until its compute reports it;
        once a compute has said where the instance is (or that it left a
        host), a claim elsewhere would keep counting it on a host it is
        not on, e.g. the source of a confirmed resize or the destination
        of a reverted one."""
        for node_uuid, claims in list(self._pending.items()):
            if instance_uuid not in claims:
                continue
            state = self._states.get(node_uuid)
            if state is not None and not on_host(state.host):
                continue
            del claims[instance_uuid]
            if not claims:
                del self._pending[node_uuid]
            self._dirty_states.add(node_uuid)

    def _reapply_claims(self, state, node):
        claims = self._pending.get(node.uuid)
        if not claims:
            return
        now = time.time()
        reported = None
        if node.updated_at is not None:
            reported = timeutils.normalize_time(node.updated_at).replace(
                tzinfo=datetime.timezone.utc).timestamp()
        for instance_uuid, (spec, at) in list(claims.items()):
            if now - at > PENDING_CLAIM_TTL or (
                    reported is not None and reported > at):
                # The record was written after the claim: it has it.
                del claims[instance_uuid]
                continue
            state.consume_from_request(spec)
        if not claims:
            del self._pending[node.uuid]

    # ------------------------------------------------------------------
    # Reading
    # ------------------------------------------------------------------
    def aggregates(self):
        """The aggregates as of the last refresh."""
        with self._lock:
            return list(self._aggregates)

    def get_host_states(self, context, node_uuids):
        """HostStates of the nodes ``node_uuids`` (those the cache knows),
        and the uuids it does not know. The caller refreshes first."""
        with self._lock:
            states, unknown = [], []
            for uuid in node_uuids:
                state = self._states.get(uuid)
                if state is None:
                    unknown.append(uuid)
                else:
                    states.append(state)
            if unknown:
                # A node that reported to placement before the cache saw
                # its record: one forced refresh before giving up on it.
                self.refresh(context, force=True)
                still = []
                for uuid in unknown:
                    state = self._states.get(uuid)
                    if state is None:
                        still.append(uuid)
                    else:
                        states.append(state)
                unknown = still
            return states, unknown

    def all_host_states(self, context):
        self.refresh(context)
        with self._lock:
            return list(self._states.values())

    def hosts_of_instances(self, instance_uuids):
        """Hosts where any of ``instance_uuids`` runs or was just claimed
        by this scheduler."""
        if not instance_uuids:
            return []
        with self._lock:
            hosts = {host for host, instances in self._instances.items()
                     if instance_uuids.intersection(instances)}
            for node_uuid, claims in self._pending.items():
                if instance_uuids.intersection(claims):
                    state = self._states.get(node_uuid)
                    if state is not None:
                        hosts.add(state.host)
            return sorted(hosts)

    # ------------------------------------------------------------------
    # Instance info from the computes (fanout)
    # ------------------------------------------------------------------
    def _touch(self, host, nodename=None):
        """Mark the states of ``host`` (or of its node ``nodename`` only)
        for rebuilding."""
        for uuid in self._host_nodes.get(host, ()):
            state = self._states.get(uuid)
            if nodename is None or state is None or \
                    state.nodename == nodename:
                self._dirty_states.add(uuid)

    def update_instance_info(self, context, host, instance_info):
        with self._lock:
            known = self._instances.setdefault(host, {})
            for inst in instance_info:
                known[inst.uuid] = inst
                self._touch(host, _field(inst, 'node'))
                # Its claim on this host still counts the resources until
                # the node record shows them; claims elsewhere are stale.
                self._drop_claims(inst.uuid, lambda h: h != host)
            self._rebuild_states()

    def delete_instance_info(self, context, host, instance_uuid):
        with self._lock:
            inst = self._instances.get(host, {}).pop(instance_uuid, None)
            self._touch(host, _field(inst, 'node') if inst else None)
            self._drop_claims(instance_uuid, lambda h: h == host)
            self._rebuild_states()

    def sync_instance_info(self, context, host, instance_uuids):
        """The host's own list of its instances: reload the host when ours
        differs (a lost fanout message)."""
        with self._lock:
            ours = set(self._instances.get(host, {}))
        if ours == set(instance_uuids):
            return
        LOG.info('Instance list of host %s out of date in the scheduler '
                 '(%d known, %d reported); reloading it', host, len(ours),
                 len(instance_uuids))
        try:
            mapping = objects.HostMapping.get_by_host(context, host)
        except Exception:
            LOG.warning('Host %s is not mapped to a cell yet', host)
            return
        cctxt = context.targeted(mapping.cell_mapping.uuid)
        instances = objects.InstanceList.get_by_host(cctxt, host)
        with self._lock:
            self._instances[host] = {i.uuid: i for i in instances}
            self._touch(host)
            self._rebuild_states()
