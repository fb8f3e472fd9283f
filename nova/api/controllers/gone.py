"""APIs upstream has removed: they answer 410 Gone to every request, as
upstream does (nova-network, cells v1, cloudpipe, certificates, XenAPI
agents, XVP consoles, ...).

os-networks and os-tenant-networks keep their read side as proxy APIs
(no network service here: empty lists) up to 2.35 and answer 404 from
2.36; only their nova-network write side is gone.
"""

import pecan
import webob.exc

from nova.api import common
from nova.api import microversions as mv


def _gone(*_args, **_kwargs):
    raise webob.exc.HTTPGone()


class GoneController:
    """Every path below a removed resource, every verb: 410."""

    def __init__(self, *_args):
        pass

    @pecan.expose(template='json')
    def index(self, *_args, **_kwargs):
        _gone()

    @pecan.expose()
    def _lookup(self, *remainder):
        return GoneController(), ()


# Top-level collections removed upstream, by URL segment.
GONE_RESOURCES = (
    'os-agents', 'os-cells', 'os-certificates', 'os-cloudpipe',
    'os-fixed-ips', 'os-floating-ip-dns', 'os-floating-ips-bulk',
    'os-fping', 'os-security-group-default-rules',
)


def _proxy_check(req):
    if common.version(req) > mv.MV_MAX_PROXY:
        raise webob.exc.HTTPNotFound()


class NetworkController:
    """/os-networks/{id} (and /os-tenant-networks/{id})."""

    def __init__(self, network_id, action=None):
        self.network_id = network_id
        self.action = action

    @pecan.expose(generic=True)
    def index(self):
        common.method_not_allowed()

    @index.when(method='GET', template='json')
    def show(self):
        req = pecan.request
        _proxy_check(req)
        if self.action is not None:
            _gone()
        raise webob.exc.HTTPNotFound(
            explanation='Network could not be found.')

    @index.when(method='DELETE', template='json')
    def delete(self):
        _proxy_check(pecan.request)
        _gone()

    @index.when(method='POST', template='json')
    def post(self):
        _proxy_check(pecan.request)
        _gone()


class NetworksController:
    """/os-networks and /os-tenant-networks: proxies of the network
    service until 2.35; creating, deleting and associating networks
    (nova-network) is gone."""

    @pecan.expose(generic=True)
    def index(self):
        common.method_not_allowed()

    @index.when(method='GET', template='json')
    def list(self):
        _proxy_check(pecan.request)
        return {'networks': []}

    @index.when(method='POST', template='json')
    def create(self):
        _proxy_check(pecan.request)
        _gone()

    @pecan.expose()
    def _lookup(self, network_id, *remainder):
        if len(remainder) > 1:
            raise webob.exc.HTTPNotFound()
        return NetworkController(network_id,
                                 remainder[0] if remainder else None), ()


class ServerGoneController(GoneController):
    """/servers/{id}/consoles (XVP) and /servers/{id}/os-virtual-interfaces:
    410."""
