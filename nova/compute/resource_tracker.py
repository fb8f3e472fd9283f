"""What each node of this host has and what its instances use, written
to the compute_nodes table where the scheduler reads it.

The tracker keeps one ComputeNode object per node the driver exposes and
the usage of every instance that holds resources on this host. Usage
moves in two ways:

- a claim (a build starting) or a release (a build failing, a delete)
  changes the node at once in memory; the change reaches the database
  after a short delay (``save_delay``), batched with any other change
  made meanwhile, so the scheduler sees new claims within about a second
  and a burst of builds costs one write;
- a periodic refresh recomputes everything from the instances the cell
  database places on this host (one InstanceList query however many
  nodes there are) and the capacity the driver reports, and writes every
  node that changed in one ComputeNodeList.save_all call.

An instance holds resources on its node unless it is deleted or shelved
offloaded, or it is in ERROR with no guest on the hypervisor (a failed
build). Reserved host memory, disk and CPUs are counted as used, so the
scheduler, which only reads *_used columns, leaves them alone.

Node records are found by (host, node name) and reused, so a node keeps
its uuid across restarts; records of nodes the driver no longer exposes
are deleted. A record that has to be created again takes the uuid the
host remembers for the node (nova.virt.node_identity), which is written
before the record and the resource provider exist, so the node stays the
same provider in placement.
"""

import math
import threading
import uuid as uuidlib

from oslo_log import log as logging

import nova.conf
from nova.compute import provider_report
from nova import context as nova_context
from nova import exception
from nova import objects
from nova.states import task_states
from nova.states import vm_states
from nova.virt import node_identity

CONF = nova.conf.CONF
LOG = logging.getLogger(__name__)

# Seconds between a claim or release and the write that publishes it.
SAVE_DELAY = 1.0

# Node records created at the same time when many are missing.

# Task states that count as work in progress on a node.
_BUSY_TASK_STATES = frozenset((
    task_states.SCHEDULING, task_states.NETWORKING,
    task_states.BLOCK_DEVICE_MAPPING, task_states.SPAWNING,
    task_states.REBUILDING, task_states.REBUILD_SPAWNING,
    task_states.RESIZE_PREP, task_states.RESIZE_MIGRATING,
    task_states.IMAGE_SNAPSHOT, task_states.IMAGE_BACKUP,
    task_states.RESCUING, task_states.UNSHELVING,
))


def _size(instance, name):
    value = getattr(instance, name, None) if instance.obj_attr_is_set(
        name) else None
    if value is None and instance.obj_attr_is_set('flavor') and \
            instance.flavor is not None:
        value = getattr(instance.flavor, name, None)
    return int(value or 0)


def instance_usage(instance):
    """(vcpus, memory_mb, disk_gb) that ``instance`` takes on its node."""
    return (_size(instance, 'vcpus'), _size(instance, 'memory_mb'),
            _size(instance, 'root_gb') + _size(instance, 'ephemeral_gb'))


def holds_resources(instance, has_guest):
    """Whether ``instance`` counts against its node (see module doc)."""
    if instance.deleted:
        return False
    if instance.vm_state in vm_states.ALLOW_RESOURCE_REMOVAL:
        return False
    if instance.vm_state == vm_states.ERROR and not has_guest:
        return False
    return True


def _is_busy(instance):
    return (instance.vm_state == vm_states.BUILDING or
            instance.task_state in _BUSY_TASK_STATES)


class _Usage:
    """What one instance takes on one node."""

    __slots__ = ('node', 'vcpus', 'memory_mb', 'disk_gb', 'busy')

    def __init__(self, node, vcpus, memory_mb, disk_gb, busy):
        self.node = node
        self.vcpus = vcpus
        self.memory_mb = memory_mb
        self.disk_gb = disk_gb
        self.busy = busy


class ResourceTracker:
    """Node records and usage of one compute host (see module doc)."""

    def __init__(self, host, driver, save_delay=SAVE_DELAY, reporter=None):
        self.host = host
        self.driver = driver
        self.reporter = reporter or provider_report.ProviderReporter(
            host, driver)
        self.save_delay = save_delay
        self.service_ref = None
        self._lock = threading.RLock()
        # Serializes writes so two flushes never reorder one node's values.
        self._save_lock = threading.Lock()
        self._context = None
        # node name -> ComputeNode (as last written or about to be).
        self._nodes = {}
        # node name -> what the driver reported at the last refresh.
        self._resources = {}
        # instance uuid -> _Usage
        self._tracked = {}
        # node name -> {field: value} not yet written.
        self._pending = {}
        self._timer = None
        # Claims and releases made while a refresh reads the database;
        # replayed over its result so none is lost.
        self._recorded = None

    # ------------------------------------------------------------------
    # Reading
    # ------------------------------------------------------------------
    @property
    def nodenames(self):
        with self._lock:
            return list(self._nodes)

    def get_node(self, nodename):
        """The ComputeNode of ``nodename`` as this tracker sees it."""
        with self._lock:
            return self._nodes[nodename]

    def tracked_instance_uuids(self):
        with self._lock:
            return set(self._tracked)

    # ------------------------------------------------------------------
    # Claims
    # ------------------------------------------------------------------
    def _node_of(self, instance, nodename=None):
        name = nodename or instance.node
        if not name and len(self._nodes) == 1:
            name = next(iter(self._nodes))
        return name

    def instance_claim(self, instance, nodename=None):
        """Count ``instance`` against its node now; returns the node name.

        :raises ComputeHostNotFoundByNode: the node is not on this host.
        """
        with self._lock:
            name = self._node_of(instance, nodename)
            if name not in self._nodes:
                raise exception.ComputeHostNotFoundByNode(nodename=name)
            usage = _Usage(name, *instance_usage(instance), busy=True)
            self._replace(instance.uuid, usage)
            if self._recorded is not None:
                self._recorded.append((instance.uuid, usage))
        self._schedule_save()
        return name

    def finish_claim(self, instance):
        """The build of ``instance`` is over: it no longer counts as work
        in progress on its node."""
        with self._lock:
            usage = self._tracked.get(instance.uuid)
            if usage is None or not usage.busy:
                return
            settled = _Usage(usage.node, usage.vcpus, usage.memory_mb,
                             usage.disk_gb, busy=False)
            self._replace(instance.uuid, settled)
            if self._recorded is not None:
                self._recorded.append((instance.uuid, settled))
        self._schedule_save()

    def release(self, instance):
        """Stop counting ``instance`` (failed build, delete)."""
        with self._lock:
            if self._recorded is not None:
                self._recorded.append((instance.uuid, None))
            if instance.uuid not in self._tracked:
                return
            self._replace(instance.uuid, None)
        self._schedule_save()

    def track_move(self, key, nodename, flavor):
        """Count ``flavor`` on ``nodename`` for a move in flight, under
        ``key`` (the migration's uuid): the destination's new flavor
        before the instance arrives, the source's old flavor until the
        move is confirmed or reverted."""
        with self._lock:
            if nodename not in self._nodes or flavor is None:
                return
            usage = _Usage(nodename, int(flavor.vcpus or 0),
                           int(flavor.memory_mb or 0),
                           int(flavor.root_gb or 0) +
                           int(flavor.ephemeral_gb or 0), busy=False)
            self._replace(key, usage)
            if self._recorded is not None:
                self._recorded.append((key, usage))
        self._schedule_save()

    def drop_move(self, key):
        """Stop counting the move ``key``."""
        with self._lock:
            if self._recorded is not None:
                self._recorded.append((key, None))
            if key not in self._tracked:
                return
            self._replace(key, None)
        self._schedule_save()

    def _move_usages(self, context, instances, resources):
        """key -> _Usage of the resizes and cold migrations in flight on
        this host's nodes (see track_move)."""
        here = {inst.uuid: inst for inst in instances}
        usages = {}
        # One query for the host, however many nodes it has.
        for mig in objects.MigrationList.get_in_progress_by_host(
                context, self.host):
            if mig.migration_type not in ('resize', 'migration'):
                continue
            for name in {mig.source_node if mig.source_compute == self.host
                         else None,
                         mig.dest_node if mig.dest_compute == self.host
                         else None}:
                if name is None or name not in resources:
                    continue
                inst = here.get(mig.instance_uuid)
                if inst is None:
                    try:
                        inst = objects.Instance.get_by_uuid(
                            context, mig.instance_uuid)
                    except exception.InstanceNotFound:
                        continue
                same_host = mig.source_compute == mig.dest_compute
                on_node = (inst.host == self.host and inst.node == name)
                if on_node and not same_host:
                    continue
                old = inst.old_flavor or inst.flavor
                new = inst.new_flavor or inst.flavor
                if on_node:
                    # Same-host resize: the instance counts with one
                    # flavor, the migration with the other.
                    finished = inst.flavor is not None and new is not None \
                        and inst.flavor.flavorid == new.flavorid and \
                        mig.status in ('finished', 'confirming',
                                       'reverting', 'post-migrating')
                    flavor = old if finished else new
                elif mig.dest_compute == self.host and mig.dest_node == name:
                    flavor = new
                else:
                    flavor = old
                if flavor is None:
                    continue
                usages[mig.uuid] = _Usage(
                    name, int(flavor.vcpus or 0), int(flavor.memory_mb or 0),
                    int(flavor.root_gb or 0) + int(flavor.ephemeral_gb or 0),
                    busy=False)
        return usages

    def _replace(self, uuid, usage):
        old = self._tracked.pop(uuid, None)
        if usage is not None:
            self._tracked[uuid] = usage
        for name in {u.node for u in (old, usage) if u is not None}:
            if name in self._nodes:
                self._apply(name, self._sum_for(name))

    def _sum_for(self, nodename):
        return self._sums([u for u in self._tracked.values()
                           if u.node == nodename]).get(nodename)

    @staticmethod
    def _sums(usages):
        sums = {}
        for u in usages:
            s = sums.setdefault(u.node, [0, 0, 0, 0, 0])
            s[0] += u.vcpus
            s[1] += u.memory_mb
            s[2] += u.disk_gb
            s[3] += 1
            s[4] += 1 if u.busy else 0
        return sums

    # ------------------------------------------------------------------
    # Node values
    # ------------------------------------------------------------------
    def _values(self, nodename, sums):
        res = self._resources[nodename]
        vcpus_used, mem_used, disk_used, count, busy = sums or (0,) * 5
        memory_mb = int(res['memory_mb'])
        local_gb = int(res['local_gb'])
        memory_mb_used = mem_used + CONF.compute.reserved_host_memory_mb
        local_gb_used = disk_used + int(math.ceil(
            CONF.compute.reserved_host_disk_mb / 1024.0))
        return {
            'service_id': (self.service_ref.id
                           if self.service_ref is not None else None),
            'host': self.host,
            'hypervisor_hostname': nodename,
            'hypervisor_type': res.get('hypervisor_type'),
            'hypervisor_version': res.get('hypervisor_version'),
            'cpu_info': res.get('cpu_info'),
            'vcpus': int(res['vcpus']),
            'memory_mb': memory_mb,
            'local_gb': local_gb,
            'vcpus_used': vcpus_used + CONF.compute.reserved_host_cpus,
            'memory_mb_used': memory_mb_used,
            'local_gb_used': local_gb_used,
            'free_ram_mb': memory_mb - memory_mb_used,
            'free_disk_gb': local_gb - local_gb_used,
            'disk_available_least': res.get('disk_available_least'),
            'running_vms': count,
            'current_workload': busy,
            'cpu_allocation_ratio': CONF.compute.cpu_allocation_ratio,
            'ram_allocation_ratio': CONF.compute.ram_allocation_ratio,
            'disk_allocation_ratio': CONF.compute.disk_allocation_ratio,
        }

    def _apply(self, nodename, sums):
        """Set the node's fields; remember those that changed for the next
        write."""
        node = self._nodes[nodename]
        changed = {}
        for field, value in self._values(nodename, sums).items():
            if not node.obj_attr_is_set(field) or \
                    getattr(node, field) != value:
                setattr(node, field, value)
                changed[field] = value
        if changed:
            node.obj_reset_changes(changed.keys())
            self._pending.setdefault(nodename, {}).update(changed)

    # ------------------------------------------------------------------
    # Node records
    # ------------------------------------------------------------------
    def _ensure_nodes(self, context, names):
        """Load or create the records of ``names`` and drop the records of
        nodes the driver stopped exposing."""
        wanted = set(names)
        for name in [n for n in self._nodes if n not in wanted]:
            node = self._nodes.pop(name)
            self._pending.pop(name, None)
            LOG.warning('Node %s is no longer exposed by the driver of host '
                        '%s; deleting its record', name, self.host)
            self._destroy_node(context, node)
        missing = [n for n in names if n not in self._nodes]
        if not missing:
            return
        existing = {n.hypervisor_hostname: n for n in
                    objects.ComputeNodeList.get_all_by_host(context,
                                                            self.host)}
        for name, node in existing.items():
            if name in wanted and name not in self._nodes:
                self._nodes[name] = node
            elif name not in wanted:
                LOG.warning('Node %s is no longer exposed by the driver of '
                            'host %s; deleting its record', name, self.host)
                self._destroy_node(context, node)
        to_create = [n for n in missing if n not in self._nodes]
        uuids = self._node_uuids(names)
        if not to_create:
            return
        # One RPC and one transaction for all of them: a first start may
        # bring thousands of nodes.
        new = objects.ComputeNodeList.create_all(
            context, [objects.ComputeNode(context, uuid=uuids[name],
                                          **self._values(name, None))
                      for name in to_create])
        by_name = {node.hypervisor_hostname: node for node in new}
        new = [by_name[name] for name in to_create]
        for name, node in zip(to_create, new):
            self._nodes[name] = node
        LOG.info('Created %d compute node record(s) for host %s',
                 len(new), self.host)

    def _node_uuids(self, names):
        """{name: uuid} of every node in ``names``: the uuid of its record
        when it has one, else the one remembered for it, else a new one.
        The file is brought up to date before any record or provider is
        created with those uuids."""
        identity = node_identity.NodeIdentity(
            self.driver.node_identity_dir())
        try:
            remembered = identity.read(names)
        except OSError as exc:
            LOG.warning('Could not read the node identities of host %s: %s',
                        self.host, exc)
            remembered = {}
        uuids = {}
        for name in names:
            node = self._nodes.get(name)
            if node is not None:
                if remembered.get(name) not in (None, node.uuid):
                    LOG.warning('Node %s has record %s, not the uuid %s '
                                'remembered in %s; keeping the record\'s',
                                name, node.uuid, remembered[name],
                                identity.path)
                uuids[name] = node.uuid
            elif name in remembered:
                LOG.info('Creating the record of node %s again with its '
                         'uuid %s', name, remembered[name])
                uuids[name] = remembered[name]
            else:
                uuids[name] = str(uuidlib.uuid4())
        if uuids != remembered:
            # Raise when it cannot be written: a record made with a uuid
            # nobody remembers is what leaves a stray provider behind.
            identity.write(uuids)
        return uuids

    def _destroy_node(self, context, node):
        try:
            node.destroy()
        except exception.NotFound:
            pass
        try:
            self.reporter.forget(context, node)
        except Exception:
            LOG.exception('Could not delete the resource provider of node '
                          '%s', node.hypervisor_hostname)

    def publish(self, context):
        """Report every node's inventory and traits to placement; errors
        are logged and retried at the next refresh."""
        with self._lock:
            nodes = dict(self._nodes)
        try:
            self.reporter.publish(context, nodes)
        except Exception as exc:
            LOG.error('Could not report the nodes of host %s to placement: '
                      '%s', self.host, exc)

    # ------------------------------------------------------------------
    # Refresh
    # ------------------------------------------------------------------
    def update_available_resource(self, context, instances=None):
        """Recompute every node from the driver and the database and write
        what changed in one call.

        :param instances: the InstanceList of this host, when the caller
            already has it (saves a query at start-up).
        """
        self._context = context
        with self._lock:
            self._recorded = []
        try:
            names = list(self.driver.get_available_nodes(refresh=True))
            resources = {n: self.driver.get_available_resource(n)
                         for n in names}
            if instances is None:
                instances = objects.InstanceList.get_by_host(context,
                                                             self.host)
            guests = set(self.driver.list_instance_uuids())
            with self._lock:
                self._resources = resources
                self._ensure_nodes(context, names)
            tracked = {}
            for inst in instances:
                if not holds_resources(inst, inst.uuid in guests):
                    continue
                name = self._node_of(inst)
                if name not in resources:
                    LOG.debug('Instance on unknown node %s not counted',
                              name, instance_uuid=inst.uuid)
                    continue
                tracked[inst.uuid] = _Usage(name, *instance_usage(inst),
                                            busy=_is_busy(inst))
            try:
                tracked.update(self._move_usages(context, instances,
                                                 resources))
            except Exception:
                LOG.exception('Could not count the moves in flight on host '
                              '%s', self.host)
            with self._lock:
                for uuid, usage in self._recorded:
                    if usage is None:
                        tracked.pop(uuid, None)
                    else:
                        tracked[uuid] = usage
                self._tracked = tracked
                sums = self._sums(tracked.values())
                for name in self._nodes:
                    self._apply(name, sums.get(name))
        finally:
            with self._lock:
                self._recorded = None
        self.flush()
        self.publish(context)

    # ------------------------------------------------------------------
    # Writes
    # ------------------------------------------------------------------
    def _schedule_save(self):
        if self.save_delay <= 0:
            self.flush()
            return
        with self._lock:
            if self._timer is not None or not self._pending:
                return
            self._timer = threading.Timer(self.save_delay, self._on_timer)
            self._timer.daemon = True
            self._timer.start()

    def _on_timer(self):
        with self._lock:
            self._timer = None
        try:
            self.flush()
        except Exception:
            LOG.exception('Saving the usage of the nodes of host %s failed; '
                          'retrying with the next change', self.host)

    def flush(self):
        """Write every pending node change now, in one save_all call."""
        with self._save_lock:
            with self._lock:
                pending, self._pending = self._pending, {}
                deltas = []
                for name, changes in pending.items():
                    node = self._nodes.get(name)
                    if node is None:
                        continue
                    deltas.append(objects.ComputeNode(id=node.id, **changes))
            if not deltas:
                return
            context = self._context or nova_context.get_admin_context()
            try:
                objects.ComputeNodeList.save_all(context, deltas)
            except Exception:
                with self._lock:
                    for name, changes in pending.items():
                        newer = self._pending.get(name, {})
                        self._pending[name] = dict(changes, **newer)
                raise

    def stop(self):
        """Cancel the delayed write and do it now."""
        with self._lock:
            timer, self._timer = self._timer, None
        if timer is not None:
            timer.cancel()
        self.flush()
