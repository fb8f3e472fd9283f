"""os-simple-tenant-usage: what projects' servers used over a period.

Usage is computed from the servers (deleted ones included) that ran at
some time in the period: hours of each within it, and the totals of
vCPU, memory and disk hours per project. Listing every project is for
administrators; a project may read its own.
"""

import collections
import datetime

import pecan
import webob.exc

from nova.api import common
from nova.api import microversions as mv
from nova.api.schemas import simple_tenant_usage as schema
from nova.api import validation
from nova import objects
from nova.policies import simple_tenant_usage as policies

_TIME_FORMATS = ('%Y-%m-%dT%H:%M:%S', '%Y-%m-%dT%H:%M:%S.%f',
                 '%Y-%m-%d %H:%M:%S.%f')
_OUT_FORMAT = '%Y-%m-%dT%H:%M:%S.%f'


def _utcnow():
    return datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)


def _parse_time(text):
    if not text:
        return _utcnow()
    for fmt in _TIME_FORMATS:
        try:
            return datetime.datetime.strptime(text, fmt)
        except ValueError:
            continue
    raise webob.exc.HTTPBadRequest(
        explanation='Invalid datetime string: %s' % text)


def _parse_stored(text):
    return (datetime.datetime.strptime(text, _OUT_FORMAT)
            if text else None)


def _fmt(value):
    return value.strftime(_OUT_FORMAT) if value else None


def _period(params):
    start = _parse_time(params.get('start'))
    stop = _parse_time(params.get('end'))
    if not start < stop:
        raise webob.exc.HTTPBadRequest(
            explanation='Invalid start time. The start time cannot occur '
                        'after the end time.')
    return start, stop


def _hours(launched_at, terminated_at, start, stop):
    """Hours the server ran within [start, stop]."""
    if launched_at is None:
        return 0
    if terminated_at is not None and terminated_at < start:
        return 0
    if launched_at > stop:
        return 0
    begin = max(launched_at, start)
    end = min(stop, terminated_at) if terminated_at else stop
    return (end - begin).total_seconds() / 3600.0


def server_usage(entry, start, stop, now=None):
    """One server_usages item from a usage_in_period entry."""
    launched_at = _parse_stored(entry['launched_at'])
    terminated_at = _parse_stored(entry['terminated_at'])
    now = now or _utcnow()
    state = 'terminated' if terminated_at else entry['vm_state']
    uptime = ((terminated_at if terminated_at else now) - launched_at)
    return {
        'hours': _hours(launched_at, terminated_at, start, stop),
        'flavor': entry['flavor'],
        'instance_id': entry['uuid'],
        'name': entry['name'],
        'tenant_id': entry['project_id'],
        'memory_mb': entry['memory_mb'],
        'local_gb': entry['local_gb'],
        'vcpus': entry['vcpus'],
        'started_at': _fmt(launched_at),
        'ended_at': _fmt(terminated_at),
        'state': state,
        'uptime': int(uptime.total_seconds()),
    }


def summarize(entries, start, stop, detailed, now=None):
    """(per-project summaries, every server usage) of the entries."""
    summaries = collections.OrderedDict()
    usages = []
    for entry in entries:
        info = server_usage(entry, start, stop, now)
        summary = summaries.get(info['tenant_id'])
        if summary is None:
            summary = {'tenant_id': info['tenant_id'],
                       'total_local_gb_usage': 0,
                       'total_vcpus_usage': 0,
                       'total_memory_mb_usage': 0,
                       'total_hours': 0,
                       'start': _fmt(start), 'stop': _fmt(stop)}
            if detailed:
                summary['server_usages'] = []
            summaries[info['tenant_id']] = summary
        hours = info['hours']
        summary['total_local_gb_usage'] += info['local_gb'] * hours
        summary['total_vcpus_usage'] += info['vcpus'] * hours
        summary['total_memory_mb_usage'] += info['memory_mb'] * hours
        summary['total_hours'] += hours
        usages.append(info)
        if detailed:
            summary['server_usages'].append(info)
    return list(summaries.values()), usages


def _page(req, entries, params):
    """The entries after the marker, at most limit of them (2.40)."""
    if common.version(req) < mv.MV_USAGE_PAGING:
        return entries, None
    limit, marker = common.paging(params)
    if marker is not None:
        uuids = [e['uuid'] for e in entries]
        if marker not in uuids:
            raise webob.exc.HTTPBadRequest(
                explanation='marker [%s] not found' % marker)
        entries = entries[uuids.index(marker) + 1:]
    return entries[:limit], limit


def _usage(req, project_id, path, detailed=None):
    """(summaries, next links) of the project (or of all projects)."""
    version = common.version(req)
    params = validation.query(
        req, schema.query_paging if version >= mv.MV_USAGE_PAGING
        else schema.query)
    start, stop = _period(params)
    # Nothing can have been used in the future.
    stop = min(stop, _utcnow())
    if detailed is None:
        detailed = params.get('detailed', '0') == '1'
    entries = objects.Quotas.usage_in_period(
        common.context(req).elevated(), _fmt(start), _fmt(stop),
        project_id)
    entries, limit = _page(req, entries, params)
    summaries, usages = summarize(entries, start, stop, detailed)
    links = []
    if limit is not None:
        links = common.collection_links(req, usages, path[0], limit,
                                        id_key='instance_id', path=path)
    return summaries, links


class TenantUsageController:
    """/os-simple-tenant-usage/{tenant_id}."""

    def __init__(self, tenant_id):
        self.tenant_id = tenant_id

    @pecan.expose(generic=True)
    def index(self):
        common.method_not_allowed()

    @index.when(method='GET', template='json')
    def show(self):
        req = pecan.request
        common.authorize(req, policies.SHOW,
                         {'project_id': self.tenant_id})
        summaries, links = _usage(
            req, self.tenant_id,
            ['os-simple-tenant-usage', self.tenant_id], detailed=True)
        body = {'tenant_usage': summaries[0] if summaries else {}}
        if links:
            body['tenant_usage_links'] = links
        return body


class SimpleTenantUsageController:
    """/os-simple-tenant-usage."""

    @pecan.expose(generic=True)
    def index(self):
        common.method_not_allowed()

    @index.when(method='GET', template='json')
    def list(self):
        req = pecan.request
        if req.path_info.endswith('/'):
            # /os-simple-tenant-usage/ names an empty project id: upstream
            # routes it nowhere (404), it does not list every project.
            raise webob.exc.HTTPNotFound()
        common.authorize(req, policies.LIST)
        summaries, links = _usage(req, None, ['os-simple-tenant-usage'])
        body = {'tenant_usages': summaries}
        if links:
            body['tenant_usages_links'] = links
        return body

    @pecan.expose()
    def _lookup(self, tenant_id, *remainder):
        if not remainder:
            return TenantUsageController(tenant_id), remainder
        raise webob.exc.HTTPNotFound()
