"""os-console-auth-tokens/{token}: what a console token gives access to
(admin). Until 2.30 only RDP consoles are shown, from 2.31 serial
consoles too, from 2.99 spice-direct (with its TLS port); other console
types answer 401 as upstream. Unknown or expired tokens answer 404.
"""

import pecan
import webob.exc

from nova.api import common
from nova.api import microversions as mv
from nova import exception
from nova import objects
from nova.policies import console_auth_tokens as policies


def _visible_types(version):
    types = ['rdp-html5']
    if version >= mv.MV_SERIAL_CONSOLE_TOKENS:
        types.append('serial')
    if version >= mv.MV_SPICE_DIRECT:
        types.append('spice-direct')
    return types


def _lookup_token(ctx, token):
    """The token in any cell (tokens live in the cell of their server)."""
    cells = [c for c in objects.CellMappingList.get_all(ctx)
             if not c.is_cell0]
    for cell in cells or [None]:
        cctx = ctx.targeted(cell.uuid) if cell is not None else ctx
        try:
            return objects.ConsoleAuthToken.validate(cctx, token)
        except exception.ConsoleAuthTokenNotFound:
            continue    # not in this cell: look in the next one
    return None


class ConsoleAuthTokenController:

    def __init__(self, token):
        self.token = token

    @pecan.expose(generic=True)
    def index(self):
        common.method_not_allowed()

    @index.when(method='GET', template='json')
    def show(self):
        req = pecan.request
        common.authorize(req, policies.SHOW)
        if not self.token:
            raise webob.exc.HTTPBadRequest(explanation='token not provided')
        version = common.version(req)
        found = _lookup_token(common.context(req), self.token)
        if found is None:
            raise webob.exc.HTTPNotFound(explanation='Token not found')
        if found.console_type not in _visible_types(version):
            raise webob.exc.HTTPUnauthorized(
                explanation='The requested console type details are not '
                            'accessible')
        body = {'instance_uuid': found.instance_uuid, 'host': found.host,
                'port': found.port,
                'internal_access_path': found.internal_access_path}
        if version >= mv.MV_SPICE_DIRECT:
            body['tls_port'] = found.tls_port
        return {'console': body}


class ConsoleAuthTokensController:
    """/os-console-auth-tokens."""

    @pecan.expose(generic=True)
    def index(self):
        raise webob.exc.HTTPNotFound()

    @pecan.expose()
    def _lookup(self, token, *remainder):
        if remainder:
            raise webob.exc.HTTPNotFound()
        return ConsoleAuthTokenController(token), remainder
