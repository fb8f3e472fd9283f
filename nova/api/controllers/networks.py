"""os-networks and os-tenant-networks: proxies of the network service's
networks, read-only, gone (404) after 2.35.

Listing and showing go to Neutron with the caller's token (no network
service: there are no networks). Creating, deleting and associating
networks was nova-network's and answers 410 at every version up to
2.35.
"""

import pecan
import webob.exc

from nova.api import common
from nova.api import faults
from nova.api import microversions as mv
from nova.api.views import networks as view
from nova import exception
from nova.network import networks
from nova.policies import networks as network_policies
from nova.policies import tenant_networks as tenant_policies


def _check_version(req):
    if common.version(req) > mv.MV_MAX_PROXY:
        raise webob.exc.HTTPNotFound()


def _gone():
    raise webob.exc.HTTPGone()


class _Kind:
    """What differs between os-networks and os-tenant-networks."""

    def __init__(self, list_rule, show_rule, render):
        self.list_rule = list_rule
        self.show_rule = show_rule
        self.render = render


NETWORKS = _Kind(network_policies.LIST, network_policies.SHOW,
                 lambda ctx, net: view.network(net, admin=ctx.is_admin))
TENANT_NETWORKS = _Kind(tenant_policies.LIST, tenant_policies.SHOW,
                        lambda ctx, net: view.tenant_network(net))


class NetworkController:
    """/os-networks/{id} (and /os-tenant-networks/{id}); {id}/action is
    gone."""

    def __init__(self, kind, network_id, action=None):
        self.kind = kind
        self.network_id = network_id
        self.action = action

    @pecan.expose(generic=True)
    def index(self):
        common.method_not_allowed()

    @index.when(method='GET', template='json')
    def show(self):
        req = pecan.request
        _check_version(req)
        if self.action is not None:
            _gone()
        common.authorize(req, self.kind.show_rule)
        ctx = common.context(req)
        with faults.translate((exception.NetworkNotFound, 404,
                               'Network not found')):
            net = networks.API().get(ctx, self.network_id)
        return {'network': self.kind.render(ctx, net)}

    @index.when(method='DELETE', template='json')
    def delete(self):
        _check_version(pecan.request)
        _gone()

    @index.when(method='POST', template='json')
    def post(self):
        _check_version(pecan.request)
        _gone()


class NetworksController:
    """/os-networks."""

    kind = NETWORKS

    @pecan.expose(generic=True)
    def index(self):
        common.method_not_allowed()

    @index.when(method='GET', template='json')
    def list(self):
        req = pecan.request
        _check_version(req)
        common.authorize(req, self.kind.list_rule)
        ctx = common.context(req)
        return {'networks': [self.kind.render(ctx, net)
                             for net in networks.API().get_all(ctx)]}

    @index.when(method='POST', template='json')
    def create(self):
        _check_version(pecan.request)
        _gone()

    @pecan.expose()
    def _lookup(self, network_id, *remainder):
        if len(remainder) > 1:
            raise webob.exc.HTTPNotFound()
        return NetworkController(self.kind, network_id,
                                 remainder[0] if remainder else None), ()


class TenantNetworksController(NetworksController):
    """/os-tenant-networks."""

    kind = TENANT_NETWORKS
