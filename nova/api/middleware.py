"""WSGI middleware of the API, outermost first in ``wrap``:

request id -> fault wrapper -> authentication -> URL and microversion
handling -> the pecan application.
"""

import re
import uuid

from oslo_log import log as logging
import webob.dec

from nova.api import auth
from nova.api import common
from nova.api import faults
from nova.api import microversions as mv

LOG = logging.getLogger(__name__)

_GLOBAL_ID_RE = re.compile(
    r'^req-[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12}$')


class RequestId:
    """Gives each request an id, returned in the response headers."""

    def __init__(self, app):
        self.app = app

    @webob.dec.wsgify
    def __call__(self, req):
        request_id = 'req-%s' % uuid.uuid4()
        req.environ['openstack.request_id'] = request_id
        global_id = req.headers.get('X-Openstack-Request-Id', '')
        if _GLOBAL_ID_RE.match(global_id):
            req.environ['openstack.global_request_id'] = global_id
        resp = req.get_response(self.app)
        resp.headers['X-Compute-Request-Id'] = request_id
        resp.headers['X-Openstack-Request-Id'] = request_id
        return resp


class FaultWrapper:
    """Any exception, or error page that is not a fault body, becomes a
    Compute API fault."""

    def __init__(self, app):
        self.app = app

    @webob.dec.wsgify
    def __call__(self, req):
        try:
            resp = req.get_response(self.app)
        except Exception as exc:
            return faults.from_exception(exc)
        return faults.from_response(resp)


class APIVersionAndPath:
    """Handles the versioned part of the URL space.

    - negotiates the microversion of /v2.1 requests and adds the version
      headers to their responses (400 malformed, 406 out of range);
    - serves /v2 requests at 2.1 without microversion headers;
    - takes an optional project id out of the path (/v2.1/<project>/...),
      which must be the caller's project, remembering it for links.
    """

    def __init__(self, app, top_level_names):
        self.app = app
        self.top_level = frozenset(top_level_names)

    def _strip_project(self, req, prefix_len):
        rest = req.path_info[prefix_len:]
        parts = rest.lstrip('/').split('/', 1)
        first = parts[0]
        if not first or first in self.top_level:
            return None
        ctx = req.environ.get(common.ENV_CONTEXT)
        if ctx is None:
            return None
        if len(parts) == 1 and first != ctx.project_id:
            return None
        if (first != ctx.project_id and
                parts[1].split('/', 1)[0] not in self.top_level):
            # Neither a project nor a known resource: pecan answers 404.
            return None
        if first != ctx.project_id:
            return faults.fault_response(
                400, "Malformed request URL: URL's project_id '%s' doesn't "
                     "match Context's project_id '%s'"
                     % (first, ctx.project_id))
        req.environ[common.ENV_URL_PROJECT] = first
        req.path_info = (req.path_info[:prefix_len] + '/' +
                         (parts[1] if len(parts) > 1 else ''))
        return None

    @webob.dec.wsgify
    def __call__(self, req):
        path = req.path_info
        if path == '/v2.1' or path.startswith('/v2.1/'):
            prefix = 'v2.1'
        elif path == '/v2' or path.startswith('/v2/'):
            prefix = 'v2'
        else:
            return req.get_response(self.app)
        req.environ[common.ENV_PREFIX] = prefix
        error = self._strip_project(req, len(prefix) + 1)
        if error is not None:
            return error
        if prefix == 'v2':
            req.environ[common.ENV_VERSION] = mv.MIN
            return req.get_response(self.app)
        try:
            version = mv.negotiate(req.headers)
        except mv.InvalidVersion as exc:
            return faults.fault_response(400, str(exc))
        except mv.UnsupportedVersion as exc:
            return faults.fault_response(406, str(exc))
        req.environ[common.ENV_VERSION] = version
        resp = req.get_response(self.app)
        for name, value in mv.response_headers(version):
            resp.headers[name] = value
        return resp


def wrap(app, top_level_names, auth_strategy=None):
    from nova.image import glance_v2_app
    app = APIVersionAndPath(app, top_level_names)
    # The local image source, served as the Glance v2 subset the real
    # clients use, behind the same authentication as the Compute API.
    app = glance_v2_app.mount(app)
    app = auth.pipeline(app, auth_strategy)
    app = FaultWrapper(app)
    return RequestId(app)
