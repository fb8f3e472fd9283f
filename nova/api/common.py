"""Request helpers shared by the controllers: who is asking, which
microversion, paging parameters and the links of responses."""

from urllib import parse

import webob.exc

import nova.conf
from nova.api import microversions as mv

CONF = nova.conf.CONF

ENV_CONTEXT = 'nova.context'
ENV_VERSION = 'nova.api_version'
ENV_PREFIX = 'nova.api_prefix'          # 'v2.1' or 'v2'
ENV_URL_PROJECT = 'nova.url_project_id'  # project id given in the URL


def context(req):
    return req.environ[ENV_CONTEXT]


def version(req):
    return req.environ.get(ENV_VERSION, mv.MIN)


def is_admin(req):
    return bool(context(req).is_admin)


def authorize(req, action, target=None):
    """403 unless the policy rule ``action`` allows the caller.

    ``target`` is the resource's owner ({'project_id': ..., 'user_id':
    ...}); by default the caller's own project, for collection APIs.
    """
    context(req).can(action, target)


def allowed(req, action, target=None):
    """Whether the policy rule ``action`` allows the caller (no 403)."""
    return context(req).can(action, target, fatal=False)


def _base_url(req):
    url = req.application_url
    prefix = CONF.api.compute_link_prefix
    if prefix:
        ours = parse.urlsplit(url)
        theirs = parse.urlsplit(prefix)
        path = theirs.path.rstrip('/') + ours.path
        url = parse.urlunsplit((theirs.scheme, theirs.netloc, path, '', ''))
    return url.rstrip('/')


def _project_part(req):
    project = req.environ.get(ENV_URL_PROJECT)
    return [project] if project else []


def self_href(req, *parts):
    """Versioned link (rel self) to a resource."""
    segments = [req.environ.get(ENV_PREFIX, 'v2.1')] + _project_part(req)
    segments += [str(p) for p in parts]
    return '/'.join([_base_url(req)] + segments)


def bookmark_href(req, *parts):
    """Version-less link (rel bookmark) to a resource."""
    segments = _project_part(req) + [str(p) for p in parts]
    return '/'.join([_base_url(req)] + segments)


def resource_links(req, collection, item_id):
    return [
        {'rel': 'self', 'href': self_href(req, collection, item_id)},
        {'rel': 'bookmark', 'href': bookmark_href(req, collection, item_id)},
    ]


def paging(params):
    """(limit, marker) from validated query parameters, limit capped."""
    limit = params.get('limit')
    limit = CONF.api.max_limit if limit is None else int(limit)
    return min(limit, CONF.api.max_limit), params.get('marker')


def collection_links(req, items, collection, limit, id_key='id',
                     path=None):
    """A "next" link when the page is full, as the upstream API gives."""
    if not items or len(items) < limit:
        return []
    params = [(k, v) for k, v in req.GET.items() if k != 'marker']
    params.append(('marker', items[-1][id_key]))
    href = self_href(req, *(path or [collection]))
    return [{'rel': 'next', 'href': href + '?' + parse.urlencode(params)}]


def isotime(value):
    """ISO 8601 UTC timestamp as the API shows them, or None."""
    if value is None:
        return None
    return value.strftime('%Y-%m-%dT%H:%M:%SZ')


def method_not_allowed(*_args, **_kwargs):
    """Default handler of generic pecan methods: 405 for any other verb."""
    raise webob.exc.HTTPMethodNotAllowed()


def set_status(code):
    import pecan
    pecan.response.status = code


ENV_EMPTY_STATUS = 'nova.empty_status'


def empty_response(code=204):
    """An empty body with status ``code``, whatever the Accept header asked
    for: returning pecan's own response object skips template rendering.
    pecan turns every empty 200 into a 204, so the wanted status is also
    noted for nova.api.app.EmptyStatus to restore."""
    import pecan
    pecan.response.status = code
    pecan.request.environ[ENV_EMPTY_STATUS] = code
    return pecan.response
