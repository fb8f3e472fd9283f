"""os-instance-actions: the requests accepted on a server and, per
request, the events of the services that worked on it.

GET /servers/{id}/os-instance-actions             list, newest first
GET /servers/{id}/os-instance-actions/{request_id} one, with its events

Since 2.21 the actions of deleted servers are shown too; 2.58 pages and
filters the list (limit, marker, changes-since; 2.66 changes-before).
Events are shown to those the events rule allows (administrators) with
their tracebacks, and since 2.51 to everyone without; 2.62 adds hostId
(and host under the events rule), 2.84 details (under events:details).
"""

from oslo_utils import timeutils
import pecan
import webob.exc

from nova.api import common
from nova.api.controllers import servers
from nova.api import microversions as mv
from nova.api.schemas import instance_actions as schema
from nova.api import validation
from nova.api.views import instance_actions as view
from nova import context as nova_context
from nova import objects
from nova.policies import instance_actions as policies


def _instance(req, server_id, rule):
    """The caller's server, deleted ones included from 2.21, once
    ``rule`` allows the caller."""
    ctx = common.context(req)
    if common.version(req) < mv.MV_DELETED_SERVER_ACTIONS:
        return servers.get_server(req, server_id, rule)
    deleted_ctx = nova_context.RequestContext.from_dict(ctx.to_dict())
    deleted_ctx.read_deleted = 'yes'
    inst = servers.visible(
        ctx, servers.compute_api().get(deleted_ctx, server_id), server_id)
    common.authorize(req, rule, servers.target(inst))
    return inst


def _cell_context(req, inst):
    ctx = common.context(req)
    inst_ctx = getattr(inst, '_context', None)
    cell_uuid = getattr(inst_ctx, 'cell_uuid', None)
    return ctx.targeted(cell_uuid) if cell_uuid else ctx


def _parse_time(params, name):
    try:
        return timeutils.normalize_time(timeutils.parse_isotime(params[name]))
    except ValueError:
        raise webob.exc.HTTPBadRequest(
            explanation='Invalid %s value' % name)


def _list_options(req):
    """(limit, marker, filters) of a list request; all None before 2.58."""
    version = common.version(req)
    query = schema.list_query(version)
    if query is None:
        return None, None, None
    params = validation.query(req, query)
    limit, marker = common.paging(params)
    filters = {}
    for name in ('changes-since', 'changes-before'):
        if name in params:
            filters[name] = _parse_time(params, name)
    if ('changes-since' in filters and 'changes-before' in filters and
            filters['changes-since'] > filters['changes-before']):
        raise webob.exc.HTTPBadRequest(
            explanation='The value of changes-since must be less than or '
                        'equal to changes-before.')
    return limit, marker, filters


class InstanceActionsController:
    """/servers/{server_id}/os-instance-actions[/{request_id}]"""

    def __init__(self, server_id):
        self.server_id = server_id

    @pecan.expose(generic=True, template='json')
    def index(self):
        common.method_not_allowed()

    @index.when(method='GET', template='json')
    def list(self):
        req = pecan.request
        inst = _instance(req, self.server_id, policies.LIST)
        limit, marker, filters = _list_options(req)
        actions = objects.InstanceActionList.get_by_instance_uuid(
            _cell_context(req, inst), inst.uuid, limit=limit,
            marker=marker, filters=filters)
        items = [view.action(req, act) for act in actions]
        body = {'instanceActions': items}
        if limit is not None:
            links = view.links(req, self.server_id, items, limit)
            if links:
                body['links'] = links
        return body

    @pecan.expose(template='json')
    def _lookup(self, request_id, *remainder):
        if remainder:
            raise webob.exc.HTTPNotFound()
        return InstanceActionController(self.server_id, request_id), ()


class InstanceActionController:
    """/servers/{server_id}/os-instance-actions/{request_id}"""

    def __init__(self, server_id, request_id):
        self.server_id = server_id
        self.request_id = request_id

    @pecan.expose(generic=True, template='json')
    def index(self):
        common.method_not_allowed()

    @index.when(method='GET', template='json')
    def show(self):
        req = pecan.request
        version = common.version(req)
        inst = _instance(req, self.server_id, policies.SHOW)
        owner = servers.target(inst)
        cctxt = _cell_context(req, inst)
        act = objects.InstanceAction.get_by_request_id(cctxt, inst.uuid,
                                                       self.request_id)
        if act is None:
            raise webob.exc.HTTPNotFound(
                explanation='Action %s not found' % self.request_id)
        body = view.action(req, act)
        events = common.allowed(req, policies.EVENTS, owner)
        if events or version >= mv.MV_ACTION_EVENTS_FOR_ALL:
            details = version >= mv.MV_ACTION_EVENT_DETAILS and \
                common.allowed(req, policies.EVENTS_DETAILS, owner)
            # hostId hashes the server's project, as in the server body.
            project_id = inst.project_id
            body['events'] = [
                view.event(evt, project_id, show_traceback=events,
                           show_host=events and
                           version >= mv.MV_ACTION_EVENT_HOST,
                           show_host_id=version >= mv.MV_ACTION_EVENT_HOST,
                           show_details=details)
                for evt in objects.InstanceActionEventList.get_by_action(
                    cctxt, act.id)]
        return {'instanceAction': body}
