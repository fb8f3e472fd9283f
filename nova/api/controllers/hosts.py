"""os-hosts (admin): the hosts of the deployment by service, and one
compute host's resources. Deprecated at 2.43: from then on every request
answers 404, as upstream does (os-hypervisors and os-services replace
it). Host power actions and host-level enable/maintenance are not
something the fake driver implements: 501 like upstream's fake driver.
"""

import pecan
import webob.exc

from nova.api import common
from nova.api.controllers import availability_zones as az
from nova.api import faults
from nova.api.schemas import hosts as schema
from nova.api import validation
from nova import exception
from nova import objects
from nova.policies import hosts as policies

MV_HOSTS_REMOVED = '2.43'
_ACTIONS = {
    'reboot': 'Virt driver does not implement host power management.',
    'shutdown': 'Virt driver does not implement host power management.',
    'startup': 'Virt driver does not implement host power management.',
}


def _check(req, action):
    if common.version(req) >= MV_HOSTS_REMOVED:
        raise webob.exc.HTTPNotFound()
    common.authorize(req, action)


def _compute_node(ctx, host):
    """The first compute node of ``host``; 404 for unknown hosts."""
    objects.HostMapping.get_by_host(ctx, host)
    nodes = sorted(objects.ComputeNodeList.get_all_by_host(ctx, host),
                   key=lambda n: n.id)
    if not nodes:
        raise webob.exc.HTTPNotFound(
            explanation='Compute host %s could not be found.' % host)
    return nodes[0]


def _compute_service(ctx, host):
    with faults.translate((exception.ServiceNotFound, 404,
                           'Compute host %s could not be found.' % host)):
        svc = objects.Service.get_by_host_and_binary(ctx, host,
                                                     az.COMPUTE_BINARY)
    if not az._is_up(svc):
        raise webob.exc.HTTPBadRequest(
            explanation='Compute service of %s is unavailable at this '
                        'time.' % host)
    return svc


def _resource(host, project, cpu, memory_mb, disk_gb):
    return {'resource': {'host': host, 'project': project, 'cpu': cpu,
                         'memory_mb': memory_mb, 'disk_gb': disk_gb}}


class HostActionController:
    """GET /os-hosts/{host}/{reboot,shutdown,startup}."""

    def __init__(self, host, action):
        self.host = host
        self.action = action

    @pecan.expose(generic=True)
    def index(self):
        common.method_not_allowed()

    @index.when(method='GET', template='json')
    def run(self):
        req = pecan.request
        _check(req, policies.ACTIONS[self.action])
        _compute_service(common.context(req), self.host)
        raise webob.exc.HTTPNotImplemented(
            explanation=_ACTIONS[self.action])


class HostController:
    """/os-hosts/{host}."""

    def __init__(self, host):
        self.host = host

    @pecan.expose(generic=True)
    def index(self):
        common.method_not_allowed()

    @index.when(method='GET', template='json')
    def show(self):
        req = pecan.request
        _check(req, policies.SHOW)
        ctx = common.context(req)
        node = _compute_node(ctx, self.host)
        instances = objects.InstanceList.get_by_host(ctx, self.host)
        host = self.host
        resources = [
            _resource(host, '(total)', node.vcpus, node.memory_mb,
                      node.local_gb),
            _resource(host, '(used_now)', node.vcpus_used,
                      node.memory_mb_used, node.local_gb_used),
        ]
        projects = {}
        used_max = [0, 0, 0]
        for inst in instances:
            usage = (inst.vcpus or 0, inst.memory_mb or 0,
                     (inst.root_gb or 0) + (inst.ephemeral_gb or 0))
            used_max = [a + b for a, b in zip(used_max, usage)]
            mine = projects.setdefault(inst.project_id, [0, 0, 0])
            projects[inst.project_id] = [a + b for a, b in zip(mine, usage)]
        resources.append(_resource(host, '(used_max)', *used_max))
        for project, usage in sorted(projects.items()):
            resources.append(_resource(host, project, *usage))
        return {'host': resources}

    @index.when(method='PUT', template='json')
    def update(self):
        req = pecan.request
        _check(req, policies.UPDATE)
        validation.body(req, schema.update)
        _compute_service(common.context(req), self.host)
        body = validation.load_json(req)
        if 'status' in body:
            raise webob.exc.HTTPNotImplemented(
                explanation='Virt driver does not implement host disabled '
                            'status.')
        raise webob.exc.HTTPNotImplemented(
            explanation='Virt driver does not implement host maintenance '
                        'mode.')

    @pecan.expose()
    def _lookup(self, action, *remainder):
        if remainder or action not in _ACTIONS:
            raise webob.exc.HTTPNotFound()
        return HostActionController(self.host, action), remainder


class HostsController:
    """/os-hosts."""

    @pecan.expose(generic=True)
    def index(self):
        common.method_not_allowed()

    @index.when(method='GET', template='json')
    def list(self):
        req = pecan.request
        _check(req, policies.LIST)
        ctx = common.context(req)
        zone = req.GET.get('zone')
        zones = az.host_zones(ctx)
        hosts = []
        for svc in objects.ServiceList.get_all(ctx):
            if svc.disabled or svc.binary in az.API_BINARIES:
                continue
            svc_zone = az.service_zone(svc, zones)
            if zone and svc_zone != zone:
                continue
            hosts.append({'host_name': svc.host, 'service': svc.topic,
                          'zone': svc_zone})
        return {'hosts': hosts}

    @pecan.expose()
    def _lookup(self, host, *remainder):
        if not remainder:
            return HostController(host), remainder
        return HostController(host)._lookup(*remainder)
