"""Server bodies for every microversion.

``basic`` is the body of PUT /servers/{id} before 2.75; ``detail`` the one
of GET /servers/{id} and /servers/detail (and of PUT from 2.75 on).
Fields that depend on who asks (the extended server attributes and the
host status, by policy) or on data kept by other services are filled by
the callables the controller passes.
"""

import hashlib

from nova.api import common
from nova.api import microversions as mv
from nova.policies import extended_server_attributes as esa_policies
from nova.policies import servers as servers_policies
from nova import states


PROGRESS_STATUSES = ('ACTIVE', 'BUILD', 'REBUILD', 'RESIZE', 'VERIFY_RESIZE',
                     'MIGRATING')
FAULT_STATUSES = ('ERROR', 'DELETED')

# system_metadata image_* keys that are image attributes, not properties.
_IMAGE_ATTRS = frozenset(['min_ram', 'min_disk', 'disk_format',
                          'container_format', 'size', 'checksum', 'name',
                          'base_image_ref', 'owner', 'status', 'id'])


def _attr(inst, name, default=None):
    if inst.obj_attr_is_set(name):
        value = getattr(inst, name)
        return default if value is None else value
    return default


def host_id(inst):
    host = _attr(inst, 'host')
    if not host:
        return ''
    return hashlib.sha224(
        ('%s%s' % (inst.project_id, host)).encode('utf-8')).hexdigest()


def status(inst):
    return states.status_from_state(inst.vm_state, _attr(inst, 'task_state'))


def _flavor(req, inst):
    flavor = _attr(inst, 'flavor')
    if flavor is None:
        return {}
    if common.version(req) < mv.MV_EMBEDDED_FLAVOR:
        return {'id': flavor.flavorid,
                'links': [{'rel': 'bookmark',
                           'href': common.bookmark_href(
                               req, 'flavors', flavor.flavorid)}]}
    return {
        'vcpus': flavor.vcpus,
        'ram': flavor.memory_mb,
        'disk': flavor.root_gb,
        'ephemeral': flavor.ephemeral_gb,
        'swap': flavor.swap or 0,
        'original_name': flavor.name,
        'extra_specs': dict(flavor.extra_specs or {}),
    }


def image_properties(inst):
    sysmeta = _attr(inst, 'system_metadata', {}) or {}
    props = {}
    for key, value in sysmeta.items():
        if key.startswith('image_') and key[6:] not in _IMAGE_ATTRS:
            props[key[6:]] = value
    return props


def _image(req, inst):
    image_ref = _attr(inst, 'image_ref')
    if not image_ref:
        return ''
    body = {'id': image_ref,
            'links': [{'rel': 'bookmark',
                       'href': common.bookmark_href(req, 'images',
                                                    image_ref)}]}
    if common.version(req) >= mv.MV_IMAGE_PROPERTIES:
        body['properties'] = image_properties(inst)
    return body


def _fault(req, inst):
    fault = _attr(inst, 'fault')
    if fault is None:
        return None
    body = {'code': fault.code,
            'created': common.isotime(fault.created_at),
            'message': fault.message or ''}
    if fault.code != 500 or common.is_admin(req):
        body['details'] = fault.details or ''
    return body


def is_partial(inst):
    """True for a server of an unreachable cell (see
    nova.compute.api._partial_instance): only its mapping is known."""
    return not inst.obj_attr_is_set('vm_state')


def partial(req, inst, view):
    """The minimal body of a server of an unreachable cell (2.69), for
    ``view`` 'summary', 'detail' or 'show'."""
    body = {'id': inst.uuid, 'status': states.UNKNOWN,
            'links': common.resource_links(req, 'servers', inst.uuid)}
    if view == 'summary':
        return body
    body.update({'tenant_id': inst.project_id,
                 'created': common.isotime(_attr(inst, 'created_at'))})
    if view == 'show':
        body.update({
            'user_id': inst.user_id,
            'image': _image(req, inst),
            'flavor': _flavor(req, inst),
            'OS-EXT-AZ:availability_zone': _attr(inst, 'availability_zone',
                                                 ''),
            'OS-EXT-STS:power_state': 0,
        })
        if common.version(req) >= mv.MV_SERVER_GROUPS:
            body['server_groups'] = server_groups(req, inst)
    return body


def disk_config(inst):
    """OS-DCF:diskConfig: AUTO or MANUAL."""
    return 'AUTO' if _attr(inst, 'auto_disk_config', False) else 'MANUAL'


def summary(req, inst):
    return {
        'id': inst.uuid,
        'name': _attr(inst, 'display_name', ''),
        'links': common.resource_links(req, 'servers', inst.uuid),
    }


def basic(req, inst, addresses=None):
    version = common.version(req)
    server_status = status(inst)
    body = {
        'id': inst.uuid,
        'name': _attr(inst, 'display_name', ''),
        'status': server_status,
        'tenant_id': inst.project_id,
        'user_id': inst.user_id,
        'metadata': dict(_attr(inst, 'metadata', {})),
        'hostId': host_id(inst),
        'image': _image(req, inst),
        'flavor': _flavor(req, inst),
        'created': common.isotime(_attr(inst, 'created_at')),
        'updated': common.isotime(_attr(inst, 'updated_at')
                                  or _attr(inst, 'created_at')),
        'addresses': addresses or {},
        'accessIPv4': str(_attr(inst, 'access_ip_v4', '')),
        'accessIPv6': str(_attr(inst, 'access_ip_v6', '')),
        'links': common.resource_links(req, 'servers', inst.uuid),
        'OS-DCF:diskConfig': disk_config(inst),
    }
    if server_status in PROGRESS_STATUSES:
        body['progress'] = _attr(inst, 'progress', 0)
    if server_status in FAULT_STATUSES:
        fault = _fault(req, inst)
        if fault:
            body['fault'] = fault
    if version >= mv.MV_LOCKED:
        body['locked'] = bool(_attr(inst, 'locked', False))
    if version >= mv.MV_DESCRIPTION:
        body['description'] = _attr(inst, 'display_description')
    if version >= mv.MV_TAGS:
        tags = _attr(inst, 'tags', None)
        body['tags'] = sorted(t.tag for t in tags) if tags else []
    if version >= mv.MV_TRUSTED_CERTS:
        body['trusted_image_certificates'] = None
    if version >= mv.MV_LOCKED_REASON:
        reason = None
        if body.get('locked'):
            reason = (_attr(inst, 'system_metadata', {}) or {}).get(
                'locked_reason')
        body['locked_reason'] = reason
    return body


def _owner(inst):
    return {'project_id': inst.project_id, 'user_id': inst.user_id}


def _host_status(req, inst, host_status):
    """The host_status the caller may see (2.16), None to leave it out:
    any value with show:host_status, only UNKNOWN with
    show:host_status:unknown-only."""
    if common.allowed(req, servers_policies.SHOW_HOST_STATUS, _owner(inst)):
        return host_status(inst)
    if common.allowed(req, servers_policies.SHOW_HOST_STATUS_UNKNOWN_ONLY,
                      _owner(inst)):
        value = host_status(inst)
        if value == 'UNKNOWN':
            return value
    return None


def detail(req, inst, addresses=None, host_status=None, show=False,
           request_spec=None, security_groups=None):
    """``host_status``: callable(inst) -> status, shown at 2.16+ as the
    show:host_status rules allow.

    ``request_spec``: callable(inst) -> its RequestSpec or None, read for
    the pinned zone (2.96) and the scheduler hints (2.100).

    ``security_groups``: callable(inst) -> the [{"name"}] of the groups
    of its ports, or None; shown when there are any.

    ``show``: the body of one server (GET or PUT), which carries a few
    fields lists do not.
    """
    version = common.version(req)
    body = basic(req, inst, addresses)
    config_drive = _attr(inst, 'config_drive', '')
    body.update({
        'key_name': _attr(inst, 'key_name'),
        'config_drive': str(config_drive) if config_drive else '',
        'OS-EXT-AZ:availability_zone': _attr(inst, 'availability_zone', ''),
        'OS-SRV-USG:launched_at': _usage_time(_attr(inst, 'launched_at')),
        'OS-SRV-USG:terminated_at': _usage_time(
            _attr(inst, 'terminated_at')),
        'OS-EXT-STS:task_state': _attr(inst, 'task_state'),
        'OS-EXT-STS:vm_state': inst.vm_state,
        'OS-EXT-STS:power_state': _attr(inst, 'power_state', 0),
        'os-extended-volumes:volumes_attached': [],
    })
    groups = security_groups(inst) if security_groups else None
    if groups:
        body['security_groups'] = groups
    if common.allowed(req, esa_policies.EXTENDED_ATTRIBUTES, _owner(inst)):
        body.update({
            'OS-EXT-SRV-ATTR:host': _attr(inst, 'host'),
            'OS-EXT-SRV-ATTR:hypervisor_hostname': _attr(inst, 'node'),
            'OS-EXT-SRV-ATTR:instance_name': inst.name,
        })
        if version >= mv.MV_EXTENDED_ATTRS:
            body.update({
                'OS-EXT-SRV-ATTR:reservation_id': _attr(inst,
                                                        'reservation_id'),
                'OS-EXT-SRV-ATTR:launch_index': _attr(inst, 'launch_index',
                                                      0),
                'OS-EXT-SRV-ATTR:kernel_id': _attr(inst, 'kernel_id', ''),
                'OS-EXT-SRV-ATTR:ramdisk_id': _attr(inst, 'ramdisk_id', ''),
                'OS-EXT-SRV-ATTR:hostname': _attr(inst, 'hostname', ''),
                'OS-EXT-SRV-ATTR:root_device_name': _attr(
                    inst, 'root_device_name'),
                'OS-EXT-SRV-ATTR:user_data': _attr(inst, 'user_data'),
            })
    if version >= mv.MV_HOSTNAME_FOR_ALL:
        body['OS-EXT-SRV-ATTR:hostname'] = _attr(inst, 'hostname', '')
    if version >= mv.MV_HOST_STATUS and host_status is not None:
        value = _host_status(req, inst, host_status)
        if value is not None:
            body['host_status'] = value
    if show and version >= mv.MV_SERVER_GROUPS:
        body['server_groups'] = server_groups(req, inst)
    if version >= mv.MV_PINNED_AZ:
        spec = request_spec(inst) if request_spec else None
        body['pinned_availability_zone'] = _spec_attr(
            spec, 'availability_zone')
        if version >= mv.MV_SCHEDULER_HINTS:
            body['scheduler_hints'] = dict(
                _spec_attr(spec, 'scheduler_hints') or {})
    return body


def _spec_attr(spec, name):
    if spec is None or not spec.obj_attr_is_set(name):
        return None
    return getattr(spec, name)


def server_groups(req, inst):
    """The uuids of the server groups ``inst`` belongs to (at most one)."""
    from nova import exception
    from nova import objects
    try:
        group = objects.InstanceGroup.get_by_instance_uuid(
            common.context(req), inst.uuid)
    except exception.InstanceGroupNotFound:
        return []       # in no group
    return [group.uuid] if group is not None else []


def _usage_time(value):
    # Upstream shows these without a zone suffix, with microseconds.
    if value is None:
        return None
    return value.replace(tzinfo=None).isoformat(timespec='microseconds')


def create_response(req, inst, admin_password=None, security_groups=None):
    """``security_groups``: those the request asked for, shown as given
    (the server's ports do not exist yet); the default group when it
    named none."""
    body = {
        'id': inst.uuid,
        'links': common.resource_links(req, 'servers', inst.uuid),
        'OS-DCF:diskConfig': disk_config(inst),
        'security_groups': security_groups or [{'name': 'default'}],
    }
    if admin_password:
        body['adminPass'] = admin_password
    return {'server': body}
