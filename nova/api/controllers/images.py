"""images: proxy of the image service (list, show, delete, metadata),
gone after 2.35."""

import pecan
import webob.exc

from nova.api import common
from nova.api.controllers import image_metadata
from nova.api import microversions as mv
from nova.api.schemas import images as schema
from nova.api import validation
from nova.api.views import images as view


def _image_api():
    from nova.image import api as image_api
    return image_api.API()


def _check_version(req):
    if common.version(req) > mv.MV_MAX_PROXY:
        raise webob.exc.HTTPNotFound()


def _int(value, name):
    try:
        return int(value)
    except ValueError:
        raise webob.exc.HTTPBadRequest(
            explanation='Invalid %s filter [%s]' % (name, value))


def _server_id(ref):
    # "server" is an id or a server URL; images keep the id.
    return ref.rstrip('/').rsplit('/', 1)[-1]


def _list(req, detailed):
    _check_version(req)
    params = validation.query(req, schema.list_query)
    limit, marker = common.paging(params)
    # Filters on record fields and properties go to the image API; the
    # API status and the minimums are applied here, before paging.
    filters = {}
    properties = {}
    if params.get('name'):
        filters['name'] = params['name']
    if params.get('server'):
        properties['instance_uuid'] = _server_id(params['server'])
    if params.get('type'):
        properties['image_type'] = params['type']
    if properties:
        filters['properties'] = properties
    status = params.get('status')
    min_ram = _int(params['minRam'], 'minRam') if params.get('minRam') \
        else None
    min_disk = _int(params['minDisk'], 'minDisk') \
        if params.get('minDisk') else None
    local = status is not None or min_ram is not None or \
        min_disk is not None
    images = _image_api().get_all(
        common.context(req), filters=filters or None,
        limit=None if local else limit, marker=None if local else marker)
    if not local:
        return view.index(req, list(images), limit, detailed)
    images = [i for i in images
              if (status is None or view.api_status(i) == status.upper()) and
              (min_ram is None or (i.get('min_ram') or 0) >= min_ram) and
              (min_disk is None or (i.get('min_disk') or 0) >= min_disk)]
    if marker:
        ids = [i['id'] for i in images]
        if marker not in ids:
            raise webob.exc.HTTPBadRequest(
                explanation='marker [%s] not found' % marker)
        images = images[ids.index(marker) + 1:]
    if limit is not None:
        images = images[:limit]
    return view.index(req, images, limit, detailed)


class ImageController:

    def __init__(self, image_id):
        self.image_id = image_id

    @pecan.expose(generic=True)
    def index(self):
        common.method_not_allowed()

    @index.when(method='GET', template='json')
    def show(self):
        req = pecan.request
        _check_version(req)
        image = _image_api().get(common.context(req), self.image_id)
        return {'image': view.detail(req, image)}

    @index.when(method='DELETE', template='json')
    def delete(self):
        req = pecan.request
        _check_version(req)
        _image_api().delete(common.context(req), self.image_id)
        return common.empty_response(204)


class ImagesController:

    @pecan.expose(generic=True)
    def index(self):
        common.method_not_allowed()

    @index.when(method='GET', template='json')
    def list(self):
        return _list(pecan.request, detailed=False)

    @index.when(method='DELETE', template='json')
    def delete_blank(self):
        # DELETE /images/ names no image: not found, as upstream answers.
        raise webob.exc.HTTPNotFound()

    @pecan.expose(generic=True)
    def detail(self):
        common.method_not_allowed()

    @detail.when(method='GET', template='json')
    def detail_get(self):
        return _list(pecan.request, detailed=True)

    @pecan.expose()
    def _lookup(self, image_id, *remainder):
        if remainder and remainder[0] == 'metadata':
            return (image_metadata.ImageMetadataController(image_id),
                    remainder[1:])
        if remainder:
            raise webob.exc.HTTPNotFound()
        return ImageController(image_id), remainder
