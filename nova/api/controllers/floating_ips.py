"""os-floating-ips and os-floating-ip-pools: proxies of the network
service's floating IPs and external networks, gone (404) after 2.35.

A project lists, allocates, shows and releases its own floating IPs (the
caller's token goes to Neutron). Releasing an associated floating IP
frees it and refreshes the network information of its server.
"""

from oslo_log import log as logging
import pecan
import webob.exc

from nova.api import common
from nova.api.controllers import servers
from nova.api import faults
from nova.api import microversions as mv
from nova.api.schemas import floating_ips as schema
from nova.api import validation
from nova.api.views import floating_ips as view
from nova import exception
from nova.network import floating_ips
from nova.policies import floating_ip_pools as pool_policies
from nova.policies import floating_ips as policies

LOG = logging.getLogger(__name__)


def _check_version(req):
    if common.version(req) > mv.MV_MAX_PROXY:
        raise webob.exc.HTTPNotFound()


def server_of(ctx, fip):
    """The server ``fip`` is associated with, if the caller can see it;
    None for a floating IP that is not on a server."""
    server_id = floating_ips.FloatingIPAPI.server_id(fip)
    if not server_id:
        return None
    try:
        return servers.visible(
            ctx, servers.compute_api().get(ctx, server_id), server_id)
    except exception.InstanceNotFound:
        return None


def refresh_network_info(ctx, inst):
    """Re-read the server's ports into its info cache, so that its
    addresses show what just changed; the change itself is done, so a
    failure here is only logged."""
    try:
        servers.network_api().refresh_instance_nw_info(ctx, inst)
    except Exception:
        LOG.warning('Could not refresh the network information of the '
                    'server', exc_info=True, instance_uuid=inst.uuid)


class FloatingIPController:
    """/os-floating-ips/{id}."""

    def __init__(self, fip_id):
        self.fip_id = fip_id

    def _get(self, req, rule):
        _check_version(req)
        common.authorize(req, rule)
        ctx = common.context(req)
        with faults.translate((exception.FloatingIpNotFound, 404,
                               'Floating IP not found for ID %s'
                               % self.fip_id)):
            return ctx, floating_ips.API().get(ctx, self.fip_id)

    @pecan.expose(generic=True)
    def index(self):
        common.method_not_allowed()

    @index.when(method='GET', template='json')
    def show(self):
        _ctx, fip = self._get(pecan.request, policies.SHOW)
        return {'floating_ip': view.floating_ip(fip)}

    @index.when(method='DELETE', template='json')
    def delete(self):
        ctx, fip = self._get(pecan.request, policies.DELETE)
        inst = server_of(ctx, fip)
        floating_ips.API().release(ctx, fip)
        if inst is not None:
            refresh_network_info(ctx, inst)
        return common.empty_response(202)


class FloatingIPsController:
    """/os-floating-ips."""

    @pecan.expose(generic=True)
    def index(self):
        common.method_not_allowed()

    @index.when(method='GET', template='json')
    def list(self):
        req = pecan.request
        _check_version(req)
        common.authorize(req, policies.LIST)
        fips = floating_ips.API().list(common.context(req))
        return {'floating_ips': [view.floating_ip(f) for f in fips]}

    @index.when(method='POST', template='json')
    def create(self):
        req = pecan.request
        _check_version(req)
        pool = (validation.body(req, schema.create) or {}).get('pool')
        common.authorize(req, policies.CREATE)
        where = ' in pool %s' % pool if pool else ''
        with faults.translate(
                (exception.NoMoreFloatingIps, 404,
                 'No more floating IPs in pool %s.' % pool if pool
                 else 'No more floating IPs available.'),
                (exception.FloatingIpLimitExceeded, 403,
                 'IP allocation over quota%s.' % where)):
            fip = floating_ips.API().allocate(common.context(req), pool)
        return {'floating_ip': view.floating_ip(fip)}

    @pecan.expose()
    def _lookup(self, fip_id, *remainder):
        if remainder:
            raise webob.exc.HTTPNotFound()
        return FloatingIPController(fip_id), remainder


class FloatingIPPoolsController:
    """/os-floating-ip-pools: the external networks."""

    @pecan.expose(generic=True)
    def index(self):
        common.method_not_allowed()

    @index.when(method='GET', template='json')
    def list(self):
        req = pecan.request
        _check_version(req)
        common.authorize(req, pool_policies.LIST)
        pools = floating_ips.API().pools(common.context(req))
        return {'floating_ip_pools': [view.pool(p) for p in pools]}
