"""Whether a service is up: a heartbeat within service_down_time."""

import datetime

import nova.conf

CONF = nova.conf.CONF


def _utcnow():
    return datetime.datetime.now(datetime.timezone.utc)


def last_heartbeat(service):
    """When the service last reported in. A service sends its first
    heartbeat only once its RPC server consumes requests, so a service
    that has registered but not yet heartbeated is not up."""
    last = None
    if service.obj_attr_is_set('last_seen_up'):
        last = service.last_seen_up
    if last is not None and last.tzinfo is None:
        last = last.replace(tzinfo=datetime.timezone.utc)
    return last


def is_up(service, now=None):
    if service.obj_attr_is_set('forced_down') and service.forced_down:
        return False
    last = last_heartbeat(service)
    if last is None:
        return False
    now = now or _utcnow()
    return abs((now - last).total_seconds()) <= CONF.service_down_time
