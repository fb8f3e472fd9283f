"""Bodies of the os-hypervisors resource."""

from oslo_serialization import jsonutils

from nova.api import common
from nova.api import microversions as mv

_USAGE_FIELDS = ('vcpus', 'memory_mb', 'local_gb', 'vcpus_used',
                 'memory_mb_used', 'local_gb_used', 'free_ram_mb',
                 'free_disk_gb', 'current_workload', 'running_vms',
                 'disk_available_least')


def _get(node, name, default=None):
    if node.obj_attr_is_set(name):
        return getattr(node, name)
    return default


def node_id(req, node):
    if common.version(req) >= mv.MV_UUID_IDS:
        return node.uuid
    return node.id


def summary(req, node, service, is_up):
    return {
        'id': node_id(req, node),
        'hypervisor_hostname': node.hypervisor_hostname,
        'state': 'up' if is_up else 'down',
        'status': ('disabled' if service is not None and service.disabled
                   else 'enabled'),
    }


def _cpu_info(req, node):
    raw = _get(node, 'cpu_info') or ''
    if common.version(req) < mv.MV_CPU_INFO_OBJECT:
        return raw
    try:
        return jsonutils.loads(raw) if raw else {}
    except ValueError:
        return {}


def detail(req, node, service, is_up):
    version = common.version(req)
    body = summary(req, node, service, is_up)
    body.update({
        'hypervisor_type': _get(node, 'hypervisor_type'),
        'hypervisor_version': _get(node, 'hypervisor_version'),
        'host_ip': (str(_get(node, 'host_ip'))
                    if _get(node, 'host_ip') is not None else None),
        'service': {
            'host': node.host if service is None else service.host,
            'id': (None if service is None else
                   service.uuid if version >= mv.MV_UUID_IDS else
                   service.id),
            'disabled_reason': (None if service is None
                                else service.disabled_reason),
        },
    })
    if version < mv.MV_HYPERVISOR_TRIM:
        for name in _USAGE_FIELDS:
            body[name] = _get(node, name)
        body['cpu_info'] = _cpu_info(req, node)
    return body


_STAT_FIELDS = ('vcpus', 'memory_mb', 'local_gb', 'vcpus_used',
                'memory_mb_used', 'local_gb_used', 'free_ram_mb',
                'free_disk_gb', 'current_workload', 'running_vms',
                'disk_available_least')


def statistics(nodes):
    """Sums over every compute node (before 2.88)."""
    body = {'count': len(nodes)}
    for name in _STAT_FIELDS:
        body[name] = sum(_get(node, name) or 0 for node in nodes)
    return body


def servers(instances):
    # Upstream shows the hypervisor-side name of each instance here.
    return [{'name': inst.name, 'uuid': inst.uuid}
            for inst in instances]
