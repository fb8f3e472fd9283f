"""/images/{id}/metadata: custom properties of an image through the
deprecated images proxy (up to 2.35).

GET lists them, POST merges keys, PUT replaces them all; one key is read,
set or deleted at /images/{id}/metadata/{key}. Writes need the image's
owner or an admin (403 otherwise, 404 for an image not visible).
"""

import pecan
import webob.exc

from nova.api import common
from nova.api import microversions as mv
from nova.api.schemas import server_metadata as schema
from nova.api import validation


def _image_api():
    from nova.image import api as image_api
    return image_api.API()


def _check_version(req):
    if common.version(req) > mv.MV_MAX_PROXY:
        raise webob.exc.HTTPNotFound()


def _properties(req, image_id):
    _check_version(req)
    image = _image_api().get(common.context(req), image_id)
    return dict(image.get('properties') or {})


def _update(req, image_id, properties, purge=False):
    _check_version(req)
    image = _image_api().update_properties(
        common.context(req), image_id, properties, purge=purge)
    return dict(image.get('properties') or {})


class ImageMetadataItemController:
    """/images/{id}/metadata/{key}."""

    def __init__(self, image_id, key):
        self.image_id = image_id
        self.key = key

    @pecan.expose(generic=True)
    def index(self):
        common.method_not_allowed()

    @index.when(method='GET', template='json')
    def show(self):
        metadata = _properties(pecan.request, self.image_id)
        if self.key not in metadata:
            raise webob.exc.HTTPNotFound(
                explanation='Invalid metadata key')
        return {'meta': {self.key: metadata[self.key]}}

    @index.when(method='PUT', template='json')
    def update(self):
        req = pecan.request
        _check_version(req)
        meta = validation.body(req, schema.update_item)['meta']
        if self.key not in meta:
            raise webob.exc.HTTPBadRequest(
                explanation='Request body and URI mismatch')
        _update(req, self.image_id, meta)
        return {'meta': meta}

    @index.when(method='DELETE', template='json')
    def delete(self):
        req = pecan.request
        if self.key not in _properties(req, self.image_id):
            raise webob.exc.HTTPNotFound(
                explanation='Invalid metadata key')
        _update(req, self.image_id, {self.key: None})
        return common.empty_response(204)


class ImageMetadataController:
    """/images/{id}/metadata."""

    def __init__(self, image_id):
        self.image_id = image_id

    @pecan.expose(generic=True)
    def index(self):
        common.method_not_allowed()

    @index.when(method='GET', template='json')
    def list(self):
        return {'metadata': _properties(pecan.request, self.image_id)}

    @index.when(method='POST', template='json')
    def create(self):
        req = pecan.request
        _check_version(req)
        metadata = validation.body(req, schema.update_all)['metadata']
        return {'metadata': _update(req, self.image_id, metadata)}

    @index.when(method='PUT', template='json')
    def update_all(self):
        req = pecan.request
        _check_version(req)
        metadata = validation.body(req, schema.update_all)['metadata']
        return {'metadata': _update(req, self.image_id, metadata,
                                    purge=True)}

    @pecan.expose()
    def _lookup(self, key, *remainder):
        if remainder:
            raise webob.exc.HTTPNotFound()
        return ImageMetadataItemController(self.image_id, key), remainder
