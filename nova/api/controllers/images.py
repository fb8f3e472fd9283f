"""images: read-only proxy of the image service, gone after 2.35."""

import pecan
import webob.exc

from nova.api import common
from nova.api import microversions as mv
from nova.api.schemas import types
from nova.api import validation
from nova.api.views import images as view

_QUERY = validation.query_schema({
    'limit': types.non_negative_integer,
    'marker': {'type': 'string'},
    'name': {'type': 'string'},
    'status': {'type': 'string'},
    'minRam': {'type': 'string'},
    'minDisk': {'type': 'string'},
    'server': {'type': 'string'},
    'type': {'type': 'string'},
    'changes-since': {'type': 'string'},
})


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


def _list(req, detailed):
    _check_version(req)
    params = validation.query(req, _QUERY)
    limit, marker = common.paging(params)
    # The image API matches fields exactly: only the name is passed on,
    # the other filters (API status, minimums) are applied here.
    filters = {}
    if params.get('name'):
        filters['name'] = params['name']
    if params.get('status'):
        filters['status'] = params['status']
    if params.get('minRam'):
        filters['min_ram'] = _int(params['minRam'], 'minRam')
    if params.get('minDisk'):
        filters['min_disk'] = _int(params['minDisk'], 'minDisk')
    images = _image_api().get_all(
        common.context(req),
        filters={'name': filters['name']} if 'name' in filters else None,
        limit=limit, marker=marker)
    if 'status' in filters:
        images = [i for i in images
                  if view.api_status(i) == filters['status'].upper()]
    if 'min_ram' in filters:
        images = [i for i in images
                  if (i.get('min_ram') or 0) >= filters['min_ram']]
    if 'min_disk' in filters:
        images = [i for i in images
                  if (i.get('min_disk') or 0) >= filters['min_disk']]
    return view.index(req, list(images), limit, detailed)


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


class ImagesController:

    @pecan.expose(generic=True)
    def index(self):
        common.method_not_allowed()

    @index.when(method='GET', template='json')
    def list(self):
        return _list(pecan.request, detailed=False)

    @pecan.expose(generic=True)
    def detail(self):
        common.method_not_allowed()

    @detail.when(method='GET', template='json')
    def detail_get(self):
        return _list(pecan.request, detailed=True)

    @pecan.expose()
    def _lookup(self, image_id, *remainder):
        if remainder:
            raise webob.exc.HTTPNotFound()
        return ImageController(image_id), remainder
