"""Assembly of the API application: pecan routing behind the middleware."""

import pecan
from pecan import hooks

from nova.api import common
from nova.api.controllers import root
from nova.api import faults
from nova.api import middleware


class FaultHook(hooks.PecanHook):
    """Exceptions of routing and controllers become fault bodies."""

    def on_error(self, state, exc):
        return faults.from_exception(exc)


class AcceptAnyJSON(hooks.PecanHook):
    """The API speaks JSON only: a request that accepts JSON is routed as
    if it accepted anything. Otherwise pecan compares the Accept header
    with the content types of the generic (HTML) handler of a resource
    and answers 406 where a method the resource lacks should get 405, as
    it does for clients that send Accept: application/json (Tempest,
    novaclient)."""

    def on_route(self, state):
        accept = state.request.headers.get('Accept')
        if accept and 'application/json' in state.request.accept:
            state.request.environ['HTTP_ACCEPT'] = '*/*'


class EmptyStatus:
    """Give an empty response the status its handler chose (see
    nova.api.common.empty_response): upstream answers some deletes with an
    empty 200, which pecan would turn into a 204."""

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        def start(status, headers, exc_info=None):
            wanted = environ.get(common.ENV_EMPTY_STATUS)
            if wanted == 200 and status.startswith('204'):
                status = '200 OK'
                headers = [(k, v) for k, v in headers
                           if k.lower() != 'content-length']
                headers.append(('Content-Length', '0'))
            return start_response(status, headers, exc_info)
        return self.app(environ, start)


def pecan_app():
    return EmptyStatus(_pecan())


def _pecan():
    return pecan.Pecan(root.RootController(),
                       hooks=[FaultHook(), AcceptAnyJSON()],
                       force_canonical=False,
                       guess_content_type_from_ext=False,
                       use_context_locals=True)


def build(auth_strategy=None):
    """The whole API application, ready to serve WSGI requests."""
    return middleware.wrap(pecan_app(), root.RESOURCES, auth_strategy)
