"""What the scheduler knows of each compute node while it picks hosts.

A HostState is built once per node and refreshed with ``update()`` from the
node's record, its service, its host aggregates and its instances. Filters
and weighers read only this object, so the attribute names are the ones
upstream Nova's filters and weighers use (an operator's own filter written
for upstream keeps working).

Scheduling many instances in one request (or requests back to back) must
see earlier picks before the computes report them: ``consume_from_request``
takes a flavor off a host right away. ``update()`` ignores a node record
older than the last consumption for the same reason.

Host states are built for every candidate node on every request, so
``update()`` only copies numbers; fields that need parsing (``cpu_info``,
``metrics``, ``supported_instances``) are parsed the first time a filter
or weigher reads them.
"""

import datetime

from oslo_log import log as logging
from oslo_serialization import jsonutils
from oslo_versionedobjects import base as ovo_base

from nova.states import task_states
from nova.states import vm_states

LOG = logging.getLogger(__name__)

# Task states of I/O heavy operations: a host running many of them is slow
# to take more (IoOpsFilter, IoOpsWeigher).
IO_HEAVY_TASK_STATES = frozenset((
    task_states.SCHEDULING, task_states.BLOCK_DEVICE_MAPPING,
    task_states.NETWORKING, task_states.SPAWNING,
    task_states.RESIZE_PREP, task_states.RESIZE_MIGRATING,
    task_states.RESIZE_MIGRATED, task_states.RESIZE_FINISH,
    task_states.MIGRATING,
    task_states.REBUILDING, task_states.REBUILD_BLOCK_DEVICE_MAPPING,
    task_states.REBUILD_SPAWNING,
    task_states.IMAGE_SNAPSHOT, task_states.IMAGE_SNAPSHOT_PENDING,
    task_states.IMAGE_PENDING_UPLOAD, task_states.IMAGE_UPLOADING,
    task_states.IMAGE_BACKUP,
    task_states.RESCUING,
    task_states.UNSHELVING,
))

_UNSET = object()


def _field(obj, name, default=None):
    """A field of a versioned object (or any object) that may be missing
    from its class or unset, without triggering a lazy load; None reads as
    ``default``."""
    if isinstance(obj, ovo_base.VersionedObject):
        # Set fields live in the instance dict under '_obj_<name>'.
        value = obj.__dict__.get(_OBJ_KEYS.get(name) or _obj_key(name))
    else:
        try:
            value = getattr(obj, name, None)
        except Exception:  # a lazy loader that cannot load here
            value = None
    return default if value is None else value


_OBJ_KEYS = {}


def _obj_key(name):
    key = _OBJ_KEYS[name] = '_obj_' + name
    return key


def _is_io_heavy(inst):
    return (_field(inst, 'task_state') in IO_HEAVY_TASK_STATES or
            _field(inst, 'vm_state') == vm_states.BUILDING)


def _json(value, default):
    if value is None or value == '':
        return default
    if not isinstance(value, str):
        return value
    try:
        return jsonutils.loads(value)
    except ValueError:
        LOG.warning('Ignoring malformed JSON from a compute node: %r', value)
        return default


def _metrics_dict(raw):
    """Metrics as reported (a JSON list of {name, value, timestamp, source}
    or a list of such objects) keyed by name."""
    metrics = {}
    for item in _json(raw, []) or []:
        if isinstance(item, dict):
            name = item.get('name')
            entry = {'value': item.get('value'),
                     'timestamp': item.get('timestamp'),
                     'source': item.get('source')}
        else:
            name = getattr(item, 'name', None)
            entry = {'value': getattr(item, 'value', None),
                     'timestamp': getattr(item, 'timestamp', None),
                     'source': getattr(item, 'source', None)}
        if name is not None:
            metrics[name] = entry
    return metrics


class HostState:
    """Resources and surroundings of one compute node, as the scheduler
    sees them during one decision."""

    def __init__(self, host, nodename, cell_uuid=None):
        self.host = host
        self.nodename = nodename
        self.cell_uuid = cell_uuid
        self.uuid = None
        self.service = None

        self.vcpus_total = 0
        self.vcpus_used = 0
        self.total_usable_ram_mb = 0
        self.free_ram_mb = 0
        self.total_usable_disk_gb = 0
        self.free_disk_mb = 0
        self.disk_mb_used = 0
        self.cpu_allocation_ratio = None
        self.ram_allocation_ratio = None
        self.disk_allocation_ratio = None

        self.num_instances = 0
        self.num_io_ops = 0
        self.failed_builds = 0

        self.hypervisor_type = None
        self.hypervisor_version = None
        self.hypervisor_hostname = None
        self.stats = {}
        self._cpu_info = self._supported_instances = self._metrics = _UNSET
        self._raw_cpu_info = self._raw_supported = self._raw_metrics = None

        self.aggregates = []
        self.instances = {}
        self.allocation_candidates = []
        self.limits = {}
        self.updated = None

    def __repr__(self):
        return ('(%s, %s) ram: %sMB disk: %sMB io_ops: %s instances: %s' % (
            self.host, self.nodename, self.free_ram_mb, self.free_disk_mb,
            self.num_io_ops, self.num_instances))

    # Refreshing -----------------------------------------------------------

    def update(self, compute=None, service=None, aggregates=None,
               instances=None):
        """Refresh from the node record and its surroundings; any argument
        left as None keeps what the host state had.

        The node record is taken as the truth: what this scheduler consumed
        since is forgotten (the host manager re-applies the claims the
        record does not show yet).
        """
        if aggregates is not None:
            self.aggregates = (aggregates if isinstance(aggregates, list)
                               else list(aggregates))
        if service is not None:
            self.service = service
        if instances is not None:
            self.instances = dict(instances)
        if compute is not None:
            self._update_from_compute_node(compute)
        elif instances is not None and 'io_workload' not in self.stats:
            self.num_io_ops = sum(1 for inst in self.instances.values()
                                  if _is_io_heavy(inst))

    def _update_from_compute_node(self, compute):
        # Read the record's values straight from its field storage: this
        # runs for thousands of nodes per refresh.
        if isinstance(compute, ovo_base.VersionedObject):
            get = compute.__dict__.get
        else:
            get = _AttrView(compute).get
        updated_at = get('_obj_updated_at')
        self.uuid = get('_obj_uuid')
        self.hypervisor_hostname = get('_obj_hypervisor_hostname')
        memory_mb = get('_obj_memory_mb') or 0
        local_gb = get('_obj_local_gb') or 0
        local_gb_used = get('_obj_local_gb_used') or 0
        free_ram = get('_obj_free_ram_mb')
        if free_ram is None:
            free_ram = memory_mb - (get('_obj_memory_mb_used') or 0)
        free_gb = get('_obj_free_disk_gb')
        if free_gb is None:
            free_gb = local_gb - local_gb_used
        least_gb = get('_obj_disk_available_least')
        if least_gb is not None and least_gb < free_gb:
            # What the hypervisor says is really left (e.g. sparse images
            # grown) is less than the accounted free space.
            free_gb = least_gb

        self.total_usable_ram_mb = memory_mb
        self.free_ram_mb = free_ram
        self.total_usable_disk_gb = local_gb
        self.free_disk_mb = free_gb * 1024
        self.disk_mb_used = local_gb_used * 1024
        self.vcpus_total = get('_obj_vcpus') or 0
        self.vcpus_used = get('_obj_vcpus_used') or 0
        self.cpu_allocation_ratio = get('_obj_cpu_allocation_ratio')
        self.ram_allocation_ratio = get('_obj_ram_allocation_ratio')
        self.disk_allocation_ratio = get('_obj_disk_allocation_ratio')
        self.hypervisor_type = get('_obj_hypervisor_type')
        self.hypervisor_version = get('_obj_hypervisor_version')
        self.updated = _naive(updated_at) if updated_at else None

        stats = get('_obj_stats')
        if stats:
            stats = _json(stats, {})
            self.stats = dict(stats) if isinstance(stats, dict) else {}
        else:
            self.stats = {}
        if 'num_instances' in self.stats:
            self.num_instances = int(self.stats['num_instances'])
        else:
            running = get('_obj_running_vms')
            self.num_instances = (len(self.instances) if running is None
                                  else running)
        if 'failed_builds' in self.stats:
            # The compute counts its own failed builds when it reports them.
            self.failed_builds = int(self.stats['failed_builds'])
        if 'io_workload' in self.stats:
            self.num_io_ops = int(self.stats['io_workload'])
        elif self.instances:
            self.num_io_ops = sum(1 for inst in self.instances.values()
                                  if _is_io_heavy(inst))
        else:
            self.num_io_ops = 0

        self._raw_cpu_info = get('_obj_cpu_info')
        self._raw_supported = get('_obj_supported_instances')
        self._raw_metrics = get('_obj_metrics')
        self._cpu_info = self._supported_instances = self._metrics = _UNSET

    # Parsed on first use ---------------------------------------------------

    @property
    def cpu_info(self):
        if self._cpu_info is _UNSET:
            value = _json(self._raw_cpu_info, {})
            self._cpu_info = value if isinstance(value, dict) else {}
        return self._cpu_info

    @cpu_info.setter
    def cpu_info(self, value):
        self._cpu_info = value

    @property
    def supported_instances(self):
        if self._supported_instances is _UNSET:
            value = _json(self._raw_supported, [])
            self._supported_instances = [
                list(item) for item in value or []
                if isinstance(item, (list, tuple))]
        return self._supported_instances

    @supported_instances.setter
    def supported_instances(self, value):
        self._supported_instances = value

    @property
    def metrics(self):
        if self._metrics is _UNSET:
            self._metrics = _metrics_dict(self._raw_metrics)
        return self._metrics

    @metrics.setter
    def metrics(self, value):
        self._metrics = (_metrics_dict(value) if isinstance(value, (str, list))
                         else value)

    # Decisions -------------------------------------------------------------

    def consume_from_request(self, spec_obj):
        """Take what the request's flavor needs off this host now, so that
        the next pick of the same decision sees it."""
        flavor = spec_obj.flavor
        disk_mb = (flavor.root_gb + flavor.ephemeral_gb) * 1024
        self.free_ram_mb -= flavor.memory_mb
        self.free_disk_mb -= disk_mb
        self.disk_mb_used += disk_mb
        self.vcpus_used += flavor.vcpus
        self.updated = _utcnow()
        self.num_instances += 1
        self.num_io_ops += 1
        if spec_obj.obj_attr_is_set('instance_uuid') and \
                spec_obj.instance_uuid:
            self.instances[spec_obj.instance_uuid] = _Placed(spec_obj)

    def increment_failed_builds(self):
        self.failed_builds += 1

    def reset_failed_builds(self):
        self.failed_builds = 0


class _AttrView:
    """Field-storage style reads ('_obj_<name>') of a plain object."""

    __slots__ = ('_obj',)

    def __init__(self, obj):
        self._obj = obj

    def get(self, key):
        return _field(self._obj, key[5:])


class _Placed:
    """Stand-in for an instance this scheduler just placed on a host."""

    __slots__ = ('uuid', 'project_id', 'flavor', 'task_state', 'vm_state')

    def __init__(self, spec_obj):
        self.uuid = spec_obj.instance_uuid
        self.project_id = _field(spec_obj, 'project_id')
        self.flavor = spec_obj.flavor
        self.task_state = task_states.SCHEDULING
        self.vm_state = vm_states.BUILDING


def _naive(value):
    if value.tzinfo is not None:
        value = value.astimezone(datetime.timezone.utc).replace(tzinfo=None)
    return value


def _utcnow():
    return datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)
