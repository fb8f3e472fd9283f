"""POST /servers/{server_id}/action: the server actions.

The body names one action by its only key (``{"os-stop": null}``,
``{"reboot": {"type": "HARD"}}``). Each action is a handler registered with
``@action(name, schema=..., min_version=..., max_version=...)`` in a module
of nova.api.controllers.actions; this module finds the handler, checks the
microversion range and the body, and calls it.

A handler is ``handler(req, server_id, value)`` where ``value`` is the
body's value for the action. It returns None for an empty 202 (what most
actions answer) or a dict to render as JSON, after setting the status
with ``common.set_status`` when that is not 202.
"""

import collections

import pecan
import webob.exc

from nova.api import common
from nova.api import microversions as mv
from nova.api import validation
from nova import exception

_Action = collections.namedtuple('_Action',
                                 'handler schema min_version max_version')

# Action name -> _Action; filled by the modules of the actions package.
ACTIONS = {}


def action(name, schema=None, min_version=None, max_version=None):
    """Register the decorated function as the handler of action ``name``.

    ``schema`` validates the whole body (``{name: value}``); it may be a
    callable taking the request's APIVersion. The version bounds are
    inclusive; outside them the action does not exist (404), as upstream.
    """
    def register(handler):
        if name in ACTIONS:
            raise ValueError('Server action %s registered twice' % name)
        ACTIONS[name] = _Action(handler, schema, min_version, max_version)
        return handler
    return register


def _find(name, version):
    found = ACTIONS.get(name)
    if found is None:
        return None
    if found.min_version and version < found.min_version:
        return None
    if found.max_version and version > found.max_version:
        return None
    return found


def dispatch(req, server_id):
    from nova.api.controllers import actions  # noqa: F401 (registers)
    data = validation.load_json(req)
    if not isinstance(data, dict) or not data:
        raise exception.ValidationError(
            detail='The request body must be an object naming one action, '
                   'such as {"os-stop": null}.')
    if len(data) != 1:
        raise exception.ValidationError(
            detail='The request body names %d actions (%s); name exactly '
                   'one.' % (len(data), ', '.join(sorted(data))))
    name = next(iter(data))
    version = common.version(req)
    found = _find(name, version)
    if found is None:
        raise webob.exc.HTTPNotFound(
            explanation='There is no such action: %s' % name)
    if found.schema is not None:
        schema = found.schema
        if callable(schema):
            schema = schema(version)
        validation.check(data, schema)
    result = found.handler(req, server_id, data[name])
    if result is None:
        return common.empty_response(202)
    return result


def version_in(version, low=None, high=None):
    """True when ``version`` lies within [low, high] (None: unbounded)."""
    if low is not None and version < mv.APIVersion(low):
        return False
    if high is not None and version > mv.APIVersion(high):
        return False
    return True


class ActionController:
    """/servers/{server_id}/action (POST only)."""

    def __init__(self, server_id):
        self.server_id = server_id

    @pecan.expose(generic=True)
    def index(self):
        common.method_not_allowed()

    @index.when(method='POST', template='json')
    def post(self):
        return dispatch(pecan.request, self.server_id)
