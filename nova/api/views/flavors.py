"""Flavor bodies for the flavors resource and for flavor access."""

from nova.api import common
from nova.api import microversions as mv
from nova.policies import flavor_extra_specs as extra_specs_policies


def _links(req, flavor):
    return common.resource_links(req, 'flavors', flavor.flavorid)


def summary(req, flavor):
    body = {
        'id': flavor.flavorid,
        'name': flavor.name,
        'links': _links(req, flavor),
    }
    if common.version(req) >= mv.MV_FLAVOR_DESCRIPTION:
        body['description'] = flavor.description
    return body


def _shows_extra_specs(req):
    """From 2.61 flavors carry their extra specs, for callers whom the
    extra specs index rule allows."""
    return (common.version(req) >= mv.MV_FLAVOR_EXTRA_SPECS and
            common.allowed(req, extra_specs_policies.INDEX))


def detail(req, flavor, include_extra_specs=True):
    version = common.version(req)
    swap = flavor.swap
    if not swap and version < mv.MV_API_CLEANUP:
        swap = ''
    body = {
        'id': flavor.flavorid,
        'name': flavor.name,
        'ram': flavor.memory_mb,
        'disk': flavor.root_gb,
        'swap': swap,
        'OS-FLV-EXT-DATA:ephemeral': flavor.ephemeral_gb,
        'OS-FLV-DISABLED:disabled': flavor.disabled,
        'vcpus': flavor.vcpus,
        'os-flavor-access:is_public': flavor.is_public,
        'rxtx_factor': flavor.rxtx_factor,
        'links': _links(req, flavor),
    }
    if version >= mv.MV_FLAVOR_DESCRIPTION:
        body['description'] = flavor.description
    if version >= mv.MV_FLAVOR_EXTRA_SPECS and include_extra_specs:
        body['extra_specs'] = dict(flavor.extra_specs or {})
    return body


def show(req, flavor):
    return {'flavor': detail(req, flavor, _shows_extra_specs(req))}


def index(req, flavors, limit):
    body = {'flavors': [summary(req, f) for f in flavors]}
    links = common.collection_links(req, body['flavors'], 'flavors', limit)
    if links:
        body['flavors_links'] = links
    return body


def index_detail(req, flavors, limit):
    extra_specs = _shows_extra_specs(req)
    body = {'flavors': [detail(req, f, extra_specs) for f in flavors]}
    links = common.collection_links(req, body['flavors'], 'flavors', limit,
                                    path=['flavors', 'detail'])
    if links:
        body['flavors_links'] = links
    return body


def access_list(flavor):
    return {'flavor_access': [
        {'flavor_id': flavor.flavorid, 'tenant_id': project}
        for project in (flavor.projects or [])
    ]}
