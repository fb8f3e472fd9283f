"""/servers/{id}/tags (2.26): simple string tags of a server.

GET lists, PUT replaces all, DELETE removes all; one tag is checked (GET,
204 or 404), added (PUT: 201 with a Location, 204 if present) and
removed (DELETE) at /servers/{id}/tags/{tag}. Changes need the server
active, paused, suspended or stopped (409 otherwise).
"""

import pecan
import webob.exc

from nova.api import common
from nova.api.controllers import servers
from nova.api import faults
from nova.api import microversions as mv
from nova.api.schemas import server_tags as schema
from nova.api import validation
from nova import exception
from nova import objects
from nova.policies import server_tags as policies
from nova.states import vm_states

_EDITABLE = (vm_states.ACTIVE, vm_states.PAUSED, vm_states.SUSPENDED,
             vm_states.STOPPED)


def _server(req, server_id, rule, action=None):
    """The server (its context targets its cell) once ``rule`` allows the
    caller; 409 when ``action`` is a change the server's state does not
    allow."""
    if common.version(req) < mv.MV_TAGS:
        raise webob.exc.HTTPNotFound()
    inst = servers.get_server(req, server_id, rule)
    if action is not None and inst.vm_state not in _EDITABLE:
        raise webob.exc.HTTPConflict(
            explanation="Cannot '%s' instance %s while it is in vm_state %s"
                        % (action, server_id, inst.vm_state))
    return inst


def _names(inst):
    if not inst.obj_attr_is_set('tags') or inst.tags is None:
        return []
    return sorted(t.tag for t in inst.tags)


class TagController:
    """/servers/{id}/tags/{tag}."""

    def __init__(self, server_id, tag):
        self.server_id = server_id
        self.tag = tag

    @pecan.expose(generic=True)
    def index(self):
        common.method_not_allowed()

    @index.when(method='GET', template='json')
    def show(self):
        req = pecan.request
        inst = _server(req, self.server_id, policies.SHOW)
        if self.tag not in _names(inst):
            raise webob.exc.HTTPNotFound(
                explanation="Server %s has no tag '%s'"
                            % (self.server_id, self.tag))
        return common.empty_response(204)

    @index.when(method='PUT', template='json')
    def update(self):
        req = pecan.request
        inst = _server(req, self.server_id, policies.UPDATE, 'update tag')
        # The tag comes from the URL, not a body: say so in the message.
        with faults.translate((
                exception.ValidationError, 400,
                lambda exc: "Tag '%s' is invalid. It must be a non empty "
                            "string without characters '/' and ','. "
                            "Validation error message: %s"
                            % (self.tag, exc.format_message()))):
            validation.check(self.tag, schema.tag)
        current = objects.TagList.get_by_resource_id(inst._context,
                                                     inst.uuid).names()
        if len(current) >= schema.MAX_TAGS:
            raise webob.exc.HTTPBadRequest(
                explanation='The number of tags exceeded the per-server '
                            'limit %d' % schema.MAX_TAGS)
        if self.tag in current:
            return common.empty_response(204)
        objects.Tag(inst._context, resource_id=inst.uuid,
                    tag=self.tag).create()
        pecan.response.headers['Location'] = common.self_href(
            req, 'servers', self.server_id, 'tags', self.tag)
        return common.empty_response(201)

    @index.when(method='DELETE', template='json')
    def delete(self):
        req = pecan.request
        inst = _server(req, self.server_id, policies.DELETE, 'delete tag')
        objects.Tag.destroy(inst._context, inst.uuid, self.tag)
        return common.empty_response(204)


class TagsController:
    """/servers/{id}/tags."""

    def __init__(self, server_id):
        self.server_id = server_id

    @pecan.expose(generic=True)
    def index(self):
        common.method_not_allowed()

    @index.when(method='GET', template='json')
    def list(self):
        req = pecan.request
        return {'tags': _names(_server(req, self.server_id,
                                       policies.INDEX))}

    @index.when(method='PUT', template='json')
    def update_all(self):
        req = pecan.request
        if common.version(req) < mv.MV_TAGS:
            raise webob.exc.HTTPNotFound()
        wanted = validation.body(req, schema.update_all)['tags']
        inst = _server(req, self.server_id, policies.UPDATE_ALL,
                       'update tags')
        tags = objects.TagList.create(inst._context, inst.uuid, wanted)
        return {'tags': sorted(tags.names())}

    @index.when(method='DELETE', template='json')
    def delete_all(self):
        req = pecan.request
        inst = _server(req, self.server_id, policies.DELETE_ALL,
                       'delete tags')
        objects.TagList.destroy(inst._context, inst.uuid)
        return common.empty_response(204)

    @pecan.expose()
    def _lookup(self, tag, *remainder):
        if remainder:
            raise webob.exc.HTTPNotFound()
        return TagController(self.server_id, tag), remainder
