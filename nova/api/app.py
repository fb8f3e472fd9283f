"""Assembly of the API application: pecan routing behind the middleware."""

import pecan
from pecan import hooks

from nova.api.controllers import root
from nova.api import faults
from nova.api import middleware


class FaultHook(hooks.PecanHook):
    """Exceptions of routing and controllers become fault bodies."""

    def on_error(self, state, exc):
        return faults.from_exception(exc)


def pecan_app():
    return pecan.Pecan(root.RootController(),
                       hooks=[FaultHook()],
                       force_canonical=False,
                       guess_content_type_from_ext=False,
                       use_context_locals=True)


def build(auth_strategy=None):
    """The whole API application, ready to serve WSGI requests."""
    return middleware.wrap(pecan_app(), root.RESOURCES, auth_strategy)
