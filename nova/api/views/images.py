"""Bodies of the deprecated images proxy (up to microversion 2.35)."""

from oslo_utils import strutils

from nova.api import common

_STATUS = {
    'active': 'ACTIVE',
    'queued': 'SAVING',
    'saving': 'SAVING',
    'importing': 'SAVING',
    'uploading': 'SAVING',
    'deleted': 'DELETED',
    'pending_delete': 'DELETED',
    'killed': 'ERROR',
}
_PROGRESS = {'queued': 25, 'saving': 50, 'active': 100}


def _timestamp(value):
    if value is None or isinstance(value, str):
        return value
    return common.isotime(value)


def api_status(image):
    return _STATUS.get((image.get('status') or '').lower(), 'UNKNOWN')


def summary(req, image):
    return {
        'id': image['id'],
        'name': image.get('name'),
        'links': common.resource_links(req, 'images', image['id']),
    }


def detail(req, image):
    glance_status = (image.get('status') or '').lower()
    properties = image.get('properties') or {}
    body = summary(req, image)
    body.update({
        'minRam': image.get('min_ram') or 0,
        'minDisk': image.get('min_disk') or 0,
        'progress': _PROGRESS.get(glance_status, 0),
        'status': api_status(image),
        'created': _timestamp(image.get('created_at')),
        'updated': _timestamp(image.get('updated_at')),
        'metadata': {k: (v if isinstance(v, str) else str(v))
                     for k, v in properties.items()},
        'OS-EXT-IMG-SIZE:size': image.get('size'),
    })
    auto_disk_config = properties.get('auto_disk_config')
    if auto_disk_config is not None:
        body['OS-DCF:diskConfig'] = (
            'AUTO' if strutils.bool_from_string(auto_disk_config)
            else 'MANUAL')
    server = properties.get('instance_uuid')
    if server:
        body['server'] = {'id': server,
                          'links': common.resource_links(req, 'servers',
                                                         server)}
    return body


def index(req, images, limit, detailed):
    make = detail if detailed else summary
    body = {'images': [make(req, image) for image in images]}
    links = common.collection_links(
        req, body['images'], 'images', limit,
        path=['images', 'detail'] if detailed else None)
    if links:
        body['images_links'] = links
    return body
