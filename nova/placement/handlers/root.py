"""GET /: the version document (served without authentication)."""

from nova.placement import microversion as mv
from nova.placement import util


def home(req):
    body = {'versions': [{
        'id': 'v%s' % mv.MAX_STR.split('.')[0] + '.0',
        'max_version': mv.MAX_STR,
        'min_version': mv.MIN_STR,
        'status': 'CURRENT',
        'links': [{'rel': 'self', 'href': ''}],
    }]}
    return util.json_response(req, body)
