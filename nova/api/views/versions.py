"""Version documents of the API root (``/``) and of each major version."""

from nova.api import common
from nova.api import microversions as mv

_V21 = {
    'id': 'v2.1',
    'status': 'CURRENT',
    'version': mv.MAX_VERSION,
    'min_version': mv.MIN_VERSION,
    'updated': '2013-07-23T11:33:21Z',
    'path': 'v2.1',
}
_V20 = {
    'id': 'v2.0',
    'status': 'SUPPORTED',
    'version': '',
    'min_version': '',
    'updated': '2011-01-21T11:33:21Z',
    'path': 'v2',
}
VERSIONS = (_V20, _V21)


def _root_url(req):
    # Links of version documents never carry a project id.
    return common._base_url(req)


def _summary(req, version):
    return {
        'id': version['id'],
        'status': version['status'],
        'version': version['version'],
        'min_version': version['min_version'],
        'updated': version['updated'],
        'links': [{'rel': 'self',
                   'href': '%s/%s/' % (_root_url(req), version['path'])}],
    }


def versions_list(req):
    return {'versions': [_summary(req, v) for v in VERSIONS]}


def version_doc(req, prefix):
    version = _V21 if prefix == 'v2.1' else _V20
    doc = _summary(req, version)
    doc['links'].append({
        'rel': 'describedby',
        'type': 'text/html',
        'href': 'http://docs.openstack.org/',
    })
    media_version = '2.1' if prefix == 'v2.1' else '2'
    doc['media-types'] = [{
        'base': 'application/json',
        'type': 'application/vnd.openstack.compute+json;version=%s'
                % media_version,
    }]
    return {'version': doc}
