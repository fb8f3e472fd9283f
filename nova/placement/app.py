"""The placement WSGI application: ``build(conf)``.

Outermost first: request id -> error rendering -> authentication ->
microversion negotiation -> the router, which maps (path, method) to a
handler and answers 404/405 itself. Errors raised anywhere below become
the JSON error body of nova.placement.errors.
"""

import re
import uuid

from oslo_db import exception as db_exc
from oslo_log import log as logging
import webob
import webob.dec

from nova.placement import auth
from nova.placement.db import session as db_session
from nova.placement import errors
from nova.placement.handlers import aggregate
from nova.placement.handlers import allocation
from nova.placement.handlers import allocation_candidate
from nova.placement.handlers import inventory
from nova.placement.handlers import reshaper
from nova.placement.handlers import resource_class
from nova.placement.handlers import resource_provider
from nova.placement.handlers import root
from nova.placement.handlers import trait
from nova.placement.handlers import usage
from nova.placement import microversion as mv
from nova.placement import util

LOG = logging.getLogger(__name__)

ENV_REQUEST_ID = 'openstack.request_id'

# A write that lost a deadlock (MariaDB) or a race to insert the same
# project, user, aggregate or consumer row is simply run again: its
# transaction was rolled back and the handler starts from scratch.
RETRIES = 3

ROUTES = (
    ('/', {'GET': root.home}),
    ('/resource_providers', {'GET': resource_provider.list_all,
                             'POST': resource_provider.create}),
    ('/resource_providers/{uuid}', {'GET': resource_provider.show,
                                    'PUT': resource_provider.update,
                                    'DELETE': resource_provider.delete}),
    ('/resource_providers/{uuid}/inventories', {
        'GET': inventory.get_all, 'POST': inventory.post_one,
        'PUT': inventory.put_all, 'DELETE': inventory.delete_all}),
    ('/resource_providers/{uuid}/inventories/{resource_class}', {
        'GET': inventory.get_one, 'PUT': inventory.put_one,
        'DELETE': inventory.delete_one}),
    ('/resource_providers/{uuid}/usages', {'GET': usage.provider_usages}),
    ('/resource_providers/{uuid}/aggregates', {
        'GET': aggregate.get_aggregates, 'PUT': aggregate.put_aggregates}),
    ('/resource_providers/{uuid}/allocations', {
        'GET': allocation.list_for_provider}),
    ('/resource_providers/{uuid}/traits', {
        'GET': trait.get_provider_traits, 'PUT': trait.put_provider_traits,
        'DELETE': trait.delete_provider_traits}),
    ('/resource_classes', {'GET': resource_class.list_all,
                           'POST': resource_class.create}),
    ('/resource_classes/{name}', {'GET': resource_class.show,
                                  'PUT': resource_class.update,
                                  'DELETE': resource_class.delete}),
    ('/traits', {'GET': trait.list_all}),
    ('/traits/{name}', {'GET': trait.show, 'PUT': trait.create,
                        'DELETE': trait.delete}),
    ('/allocations', {'POST': allocation.set_many}),
    ('/allocations/{consumer_uuid}', {'GET': allocation.list_for_consumer,
                                      'PUT': allocation.set_for_consumer,
                                      'DELETE': allocation.delete}),
    ('/usages', {'GET': usage.project_usages}),
    ('/allocation_candidates', {'GET': allocation_candidate.list_all}),
    ('/reshaper', {'POST': reshaper.reshape}),
)


def _compile(template):
    pattern = re.sub(r'\{(\w+)\}', r'(?P<\1>[^/]+)', template)
    return re.compile('^%s$' % pattern)


class Router:
    def __init__(self, routes):
        self.routes = [(_compile(path), methods) for path, methods in routes]

    def __call__(self, req):
        path = req.path_info
        if len(path) > 1 and path.endswith('/'):
            path = path.rstrip('/')
        for regex, methods in self.routes:
            match = regex.match(path)
            if match is None:
                continue
            method = req.method
            handler = methods.get(method)
            if handler is None and method == 'HEAD':
                handler = methods.get('GET')
            if handler is None:
                raise errors.MethodNotAllowed(
                    'The method specified is not allowed for this resource.',
                    headers={'Allow': ', '.join(sorted(methods))})
            req.urlvars = match.groupdict()
            return handler(req)
        raise errors.NotFound('The resource could not be found.')


class PlacementApp:
    """Negotiates the microversion, routes, and renders errors."""

    def __init__(self, conf, database):
        self.conf = conf
        self.db = database
        self.router = Router(ROUTES)

    def _error(self, req, exc, version):
        code = exc.code if version is not None and version >= (1, 23) \
            else None
        headers = dict(exc.headers)
        if exc.status in (400, 406) and version is None:
            headers[mv.HEADER] = 'placement %s' % mv.MIN_STR
        return errors.error_response(
            exc.status, exc.detail, req.environ.get(ENV_REQUEST_ID), code,
            headers)

    def _route(self, req):
        for attempt in range(RETRIES):
            try:
                return self.router(req)
            except (db_exc.DBDeadlock, db_exc.DBDuplicateEntry):
                if attempt == RETRIES - 1:
                    raise
                LOG.debug('Retrying %s %s after a database conflict',
                          req.method, req.path_qs)

    @webob.dec.wsgify
    def __call__(self, req):
        req.environ[util.ENV_DB] = self.db
        req.environ[util.ENV_CONF] = self.conf
        version = None
        try:
            version = mv.negotiate(req.headers)
            req.environ[mv.ENV_VERSION] = version
            resp = self._route(req)
        except errors.PlacementError as exc:
            resp = self._error(req, exc, version)
        except Exception:
            LOG.exception('Uncaught exception serving %s %s', req.method,
                          req.path_qs)
            resp = errors.error_response(
                500, 'An unexpected error prevented the server from '
                     'fulfilling your request.',
                req.environ.get(ENV_REQUEST_ID))
        if version is not None:
            resp.headers[mv.HEADER] = 'placement %s' % mv.format_version(
                version)
            resp.headers['Vary'] = mv.HEADER
        return resp


class RequestId:
    def __init__(self, app):
        self.app = app

    @webob.dec.wsgify
    def __call__(self, req):
        request_id = 'req-%s' % uuid.uuid4()
        req.environ[ENV_REQUEST_ID] = request_id
        resp = req.get_response(self.app)
        resp.headers['X-Openstack-Request-Id'] = request_id
        return resp


def build(conf, url=None):
    """The placement application on ``url`` (default: [placement_database]
    connection of ``conf``)."""
    url = url or conf.placement_database.connection
    if not url:
        raise RuntimeError('[placement_database] connection is not set')
    if conf.placement_database.sync_on_startup:
        from nova.placement.db import migration
        migration.db_sync(url)
    database = db_session.Database(url)
    app = PlacementApp(conf, database)
    app = auth.middleware(app, conf.api.auth_strategy)
    return RequestId(app)
