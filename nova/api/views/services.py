"""Bodies of the os-services resource."""

from nova.api import common
from nova.api import microversions as mv

import nova.conf

CONF = nova.conf.CONF

INTERNAL_ZONE = 'internal'


def timestamp(value):
    """Service timestamps keep their microseconds, as upstream shows them."""
    if value is None:
        return None
    return value.replace(tzinfo=None).isoformat(timespec='microseconds')


def zone(service):
    if service.binary == 'nova-compute':
        return CONF.default_availability_zone
    return INTERNAL_ZONE


def updated_time(service):
    for attr in ('last_seen_up', 'updated_at', 'created_at'):
        value = getattr(service, attr, None) if service.obj_attr_is_set(
            attr) else None
        if value is not None:
            return value
    return None


def service(req, svc, is_up):
    version = common.version(req)
    body = {
        'id': svc.uuid if version >= mv.MV_UUID_IDS else svc.id,
        'binary': svc.binary,
        'host': svc.host,
        'zone': zone(svc),
        'status': 'disabled' if svc.disabled else 'enabled',
        'state': 'up' if is_up else 'down',
        'updated_at': timestamp(updated_time(svc)),
        'disabled_reason': svc.disabled_reason,
    }
    if version >= mv.MV_FORCED_DOWN:
        body['forced_down'] = bool(svc.forced_down)
    return body
