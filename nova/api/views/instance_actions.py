"""Bodies of os-instance-actions: actions and their events."""

import hashlib

from nova.api import common
from nova.api import microversions as mv

_ACTION_KEYS = ('action', 'instance_uuid', 'request_id', 'user_id',
                'project_id', 'start_time', 'message')
_EVENT_KEYS = ('event', 'start_time', 'finish_time', 'result', 'traceback')


def _time(value):
    """Times as upstream renders them: ISO 8601 with microseconds and no
    zone (they are UTC)."""
    if value is None:
        return None
    return value.strftime('%Y-%m-%dT%H:%M:%S.%f')


def _value(obj, key):
    value = getattr(obj, key) if obj.obj_attr_is_set(key) else None
    if key.endswith('_time') or key == 'updated_at':
        return _time(value)
    return value


def action(req, act):
    body = {key: _value(act, key) for key in _ACTION_KEYS}
    if common.version(req) >= mv.MV_ACTIONS_PAGING:
        body['updated_at'] = _value(act, 'updated_at')
    return body


def _host_id(host, project_id):
    if not host:
        return ''
    return hashlib.sha224(('%s%s' % (project_id, host)).encode(
        'utf-8')).hexdigest()


def event(evt, project_id, show_traceback=False, show_host=False,
          show_host_id=False, show_details=False):
    body = {}
    for key in _EVENT_KEYS:
        if key == 'traceback' and not show_traceback:
            continue
        body[key] = _value(evt, key)
    if show_host:
        body['host'] = evt.host
    if show_host_id:
        body['hostId'] = _host_id(evt.host, project_id)
    if show_details:
        body['details'] = evt.details
    return body


def links(req, server_id, actions, limit):
    return common.collection_links(
        req, actions, None, limit, id_key='request_id',
        path=['servers', server_id, 'os-instance-actions'])
