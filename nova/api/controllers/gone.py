"""APIs upstream has removed: they answer 410 Gone to every request, as
upstream does (nova-network, cells v1, cloudpipe, certificates, XenAPI
agents, XVP consoles, ...).

os-networks and os-tenant-networks keep their read side as proxy APIs
(nova.api.controllers.networks); only their nova-network write side is
gone.
"""

import pecan
import webob.exc


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


class ServerGoneController(GoneController):
    """/servers/{id}/consoles (XVP) and /servers/{id}/os-virtual-interfaces:
    410."""
