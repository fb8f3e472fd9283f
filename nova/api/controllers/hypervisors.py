"""os-hypervisors: compute nodes and their resources (admin).

Besides list, detail and show: statistics and /{id}/uptime (until
2.88), /{hostname pattern}/search and /{hostname pattern}/servers (until
2.53, replaced by the hypervisor_hostname_pattern and with_servers query
parameters).
"""

import re

import pecan
import webob.exc

from nova.api import common
from nova.api import faults
from nova.api import microversions as mv
from nova.api.schemas import hypervisors as schema
from nova.api.schemas import types
from nova.api import validation
from nova.api.views import hypervisors as view
from nova import objects
from nova.policies import hypervisors as policies


def _services_by_host(ctx):
    from nova import servicegroup
    found = {}
    for svc in objects.ServiceList.get_by_binary(ctx, 'nova-compute'):
        found[svc.host] = (svc, servicegroup.is_up(svc))
    return found


def _nodes_with_services(req):
    ctx = common.context(req)
    services = _services_by_host(ctx)
    nodes = sorted(objects.ComputeNodeList.get_all(ctx), key=lambda n: n.id)
    return [(node,) + services.get(node.host, (None, False))
            for node in nodes]


def _servers(req, node):
    instances = objects.InstanceList.get_by_host(common.context(req),
                                                 node.host)
    name = node.hypervisor_hostname
    return view.servers([i for i in instances
                         if getattr(i, 'node', None) in (None, name)])


def _list(req, detailed):
    common.authorize(req, policies.LIST_DETAIL if detailed
                     else policies.LIST)
    version = common.version(req)
    params = validation.query(req, schema.list_query(version))
    rows = _nodes_with_services(req)
    pattern = params.get('hypervisor_hostname_pattern')
    if pattern:
        rows = [r for r in rows
                if re.search(pattern, r[0].hypervisor_hostname or '')]
        if not rows:
            raise webob.exc.HTTPNotFound(
                explanation='No hypervisor matching %r could be found.'
                % pattern)
    limit, marker = common.paging(params)
    if marker is not None:
        ids = [str(view.node_id(req, r[0])) for r in rows]
        if marker not in ids:
            raise webob.exc.HTTPBadRequest(
                explanation='marker [%s] not found' % marker)
        rows = rows[ids.index(marker) + 1:]
    rows = rows[:limit]
    make = view.detail if detailed else view.summary
    with_servers = types.to_bool(params.get('with_servers', False))
    items = []
    for node, svc, up in rows:
        item = make(req, node, svc, up)
        if detailed and version >= mv.MV_HYPERVISOR_TRIM:
            item['uptime'] = _uptime(req, node) if up else None
        if with_servers:
            servers = _servers(req, node)
            if servers or version >= mv.MV_API_CLEANUP:
                item['servers'] = servers
        items.append(item)
    body = {'hypervisors': items}
    if version >= mv.MV_HYPERVISOR_PAGING:
        links = common.collection_links(
            req, items, 'os-hypervisors', limit,
            path=['os-hypervisors', 'detail'] if detailed else None)
        if links:
            body['hypervisors_links'] = links
    return body


def _uptime(req, node):
    """The host's uptime text from its compute service; None if it
    cannot tell."""
    from nova.compute import rpcapi
    try:
        return rpcapi.ComputeAPI().get_host_uptime(common.context(req),
                                                   node.host)
    except Exception:
        return None


def _find(req, hypervisor_id):
    version = common.version(req)
    for node, svc, up in _nodes_with_services(req):
        if str(view.node_id(req, node)) == hypervisor_id:
            return node, svc, up
    if version >= mv.MV_UUID_IDS:
        raise webob.exc.HTTPNotFound(
            explanation='Hypervisor with ID %s could not be found.'
            % hypervisor_id)
    raise webob.exc.HTTPNotFound(
        explanation="Hypervisor with ID '%s' could not be found."
        % hypervisor_id)


def _matching(req, pattern):
    rows = [r for r in _nodes_with_services(req)
            if pattern in (r[0].hypervisor_hostname or '')]
    if not rows:
        raise webob.exc.HTTPNotFound(
            explanation="No hypervisor matching '%s' could be found."
            % pattern)
    return rows


class HypervisorUptimeController:
    """/os-hypervisors/{id}/uptime (until 2.88)."""

    def __init__(self, hypervisor_id):
        self.hypervisor_id = hypervisor_id

    @pecan.expose(generic=True)
    def index(self):
        common.method_not_allowed()

    @index.when(method='GET', template='json')
    def show(self):
        req = pecan.request
        if common.version(req) >= mv.MV_HYPERVISOR_TRIM:
            raise webob.exc.HTTPNotFound()
        common.authorize(req, policies.UPTIME)
        node, svc, up = _find(req, self.hypervisor_id)
        if svc is None or not up:
            raise webob.exc.HTTPBadRequest(
                explanation='Compute service of %s is unavailable at this '
                            'time.' % node.host)
        from nova.compute import rpcapi
        with faults.translate((NotImplementedError, 501,
                               'Virt driver does not implement uptime '
                               'function.')):
            uptime = rpcapi.ComputeAPI().get_host_uptime(
                common.context(req), node.host)
        body = view.summary(req, node, svc, up)
        body['uptime'] = uptime
        return {'hypervisor': body}


class HypervisorPatternController:
    """/os-hypervisors/{hostname pattern}/search and .../servers (until
    2.53)."""

    def __init__(self, pattern, servers):
        self.pattern = pattern
        self.with_servers = servers

    @pecan.expose(generic=True)
    def index(self):
        common.method_not_allowed()

    @index.when(method='GET', template='json')
    def show(self):
        req = pecan.request
        if common.version(req) >= mv.MV_UUID_IDS:
            raise webob.exc.HTTPNotFound()
        common.authorize(req, policies.SERVERS if self.with_servers
                         else policies.SEARCH)
        items = []
        for node, svc, up in _matching(req, self.pattern):
            item = view.summary(req, node, svc, up)
            if self.with_servers:
                servers = _servers(req, node)
                if servers:
                    item['servers'] = servers
            items.append(item)
        return {'hypervisors': items}


class HypervisorController:

    def __init__(self, hypervisor_id):
        self.hypervisor_id = hypervisor_id

    @pecan.expose(generic=True)
    def index(self):
        common.method_not_allowed()

    @index.when(method='GET', template='json')
    def show(self):
        req = pecan.request
        common.authorize(req, policies.SHOW)
        version = common.version(req)
        params = validation.query(req, schema.show_query(version))
        node, svc, up = _find(req, self.hypervisor_id)
        body = view.detail(req, node, svc, up)
        if version >= mv.MV_HYPERVISOR_TRIM:
            body['uptime'] = _uptime(req, node) if up else None
        if types.to_bool(params.get('with_servers', False)):
            body['servers'] = _servers(req, node)
        return {'hypervisor': body}


class HypervisorsController:

    @pecan.expose(generic=True)
    def index(self):
        common.method_not_allowed()

    @index.when(method='GET', template='json')
    def list(self):
        return _list(pecan.request, detailed=False)

    @pecan.expose(generic=True)
    def detail(self):
        common.method_not_allowed()

    @detail.when(method='GET', template='json')
    def detail_get(self):
        return _list(pecan.request, detailed=True)

    @pecan.expose(generic=True)
    def statistics(self):
        common.method_not_allowed()

    @statistics.when(method='GET', template='json')
    def statistics_get(self):
        req = pecan.request
        if common.version(req) >= mv.MV_HYPERVISOR_TRIM:
            raise webob.exc.HTTPNotFound()
        common.authorize(req, policies.STATISTICS)
        nodes = objects.ComputeNodeList.get_all(common.context(req))
        return {'hypervisor_statistics': view.statistics(nodes)}

    @pecan.expose()
    def _lookup(self, hypervisor_id, *remainder):
        if not remainder:
            return HypervisorController(hypervisor_id), remainder
        if len(remainder) == 1 and remainder[0] == 'uptime':
            return HypervisorUptimeController(hypervisor_id), ()
        if len(remainder) == 1 and remainder[0] in ('search', 'servers'):
            return HypervisorPatternController(
                hypervisor_id, remainder[0] == 'servers'), ()
        raise webob.exc.HTTPNotFound()
