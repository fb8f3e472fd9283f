"""/servers/{id}/metadata: the user metadata of a server.

GET lists it, POST merges keys into it, PUT replaces it; one key is read,
set or deleted at /servers/{id}/metadata/{key}. Changes need the server
in a stable state (409 otherwise) and stay within the metadata_items
quota (403).
"""

import pecan
import webob.exc

from nova.api import common
from nova.api.controllers import servers
from nova.api.schemas import server_metadata as schema
from nova.api import validation
from nova import exception
from nova.policies import server_metadata as policies


def _update(req, server_id, rule, metadata, delete):
    inst = servers.get_server(req, server_id, rule)
    return servers.compute_api().update_instance_metadata(
        common.context(req), inst, metadata, delete=delete)


class MetadataItemController:
    """/servers/{id}/metadata/{key}."""

    def __init__(self, server_id, key):
        self.server_id = server_id
        self.key = key

    @pecan.expose(generic=True)
    def index(self):
        common.method_not_allowed()

    @index.when(method='GET', template='json')
    def show(self):
        req = pecan.request
        metadata = servers.get_server(req, self.server_id,
                                      policies.SHOW).metadata
        if self.key not in metadata:
            raise exception.MetadataItemNotFound()
        return {'meta': {self.key: metadata[self.key]}}

    @index.when(method='PUT', template='json')
    def update(self):
        req = pecan.request
        meta = validation.body(req, schema.update_item)['meta']
        if self.key not in meta:
            raise webob.exc.HTTPBadRequest(
                explanation='Request body and URI mismatch')
        _update(req, self.server_id, policies.UPDATE, meta, delete=False)
        return {'meta': meta}

    @index.when(method='DELETE', template='json')
    def delete(self):
        req = pecan.request
        inst = servers.get_server(req, self.server_id, policies.DELETE)
        servers.compute_api().delete_instance_metadata(
            common.context(req), inst, self.key)
        return common.empty_response(204)


class MetadataController:
    """/servers/{id}/metadata."""

    def __init__(self, server_id):
        self.server_id = server_id

    @pecan.expose(generic=True)
    def index(self):
        common.method_not_allowed()

    @index.when(method='GET', template='json')
    def list(self):
        req = pecan.request
        inst = servers.get_server(req, self.server_id, policies.INDEX)
        return {'metadata': dict(inst.metadata)}

    @index.when(method='POST', template='json')
    def create(self):
        req = pecan.request
        metadata = validation.body(req, schema.update_all)['metadata']
        return {'metadata': _update(req, self.server_id, policies.CREATE,
                                    metadata, delete=False)}

    @index.when(method='PUT', template='json')
    def update_all(self):
        req = pecan.request
        metadata = validation.body(req, schema.update_all)['metadata']
        return {'metadata': _update(req, self.server_id,
                                    policies.UPDATE_ALL, metadata,
                                    delete=True)}

    @pecan.expose()
    def _lookup(self, key, *remainder):
        if remainder:
            raise webob.exc.HTTPNotFound()
        return MetadataItemController(self.server_id, key), remainder
