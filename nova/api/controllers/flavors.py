"""Flavors: list, show, create (admin), update the description, delete
(admin), and their sub-resources os-flavor-access and os-extra_specs."""

import uuid

import pecan
from oslo_utils import strutils
import webob.exc

from nova.api import common
from nova.api.controllers import flavor_access
from nova.api.controllers import flavor_extra_specs
from nova.api import microversions as mv
from nova.api.schemas import flavors as schema
from nova.api.schemas import types
from nova.api import validation
from nova.api.views import flavors as view
from nova import objects
from nova.policies import flavor_manage as policies


def get_flavor(ctx, flavor_id):
    """The flavor with API id ``flavor_id``; FlavorNotFound (404) else."""
    return objects.Flavor.get_by_flavor_id(ctx, flavor_id)


def _int_filter(params, name):
    value = params.get(name)
    if value is None:
        return None
    try:
        return int(value)
    except ValueError:
        raise webob.exc.HTTPBadRequest(
            explanation='Invalid %s filter [%s]' % (name, value))


def _is_public_filter(req, params):
    """True (public and accessible), False, or None (all) for admins."""
    if not common.is_admin(req):
        return True
    value = params.get('is_public')
    if value is None:
        return True
    if value.lower() == 'none':
        return None
    try:
        return strutils.bool_from_string(value, strict=True)
    except ValueError:
        raise webob.exc.HTTPBadRequest(
            explanation='Invalid is_public filter [%s]' % value)


def _list(req):
    ctx = common.context(req)
    params = validation.query(req, schema.list_query(common.version(req)))
    limit, marker = common.paging(params)
    filters = {}
    is_public = _is_public_filter(req, params)
    filters['is_public'] = is_public
    if is_public and ctx.project_id:
        filters['projects'] = [ctx.project_id]
    min_ram = _int_filter(params, 'minRam')
    if min_ram is not None:
        filters['min_memory_mb'] = min_ram
    min_disk = _int_filter(params, 'minDisk')
    if min_disk is not None:
        filters['min_root_gb'] = min_disk
    flavors = objects.FlavorList.get_all(
        ctx, filters=filters,
        sort_key=params.get('sort_key', 'flavorid'),
        sort_dir=params.get('sort_dir', 'asc'),
        limit=limit, marker=marker)
    return list(flavors), limit


class FlavorController:
    """One flavor: /flavors/{id}."""

    def __init__(self, flavor_id):
        self.flavor_id = flavor_id

    @pecan.expose(generic=True)
    def index(self):
        common.method_not_allowed()

    @index.when(method='GET', template='json')
    def show(self):
        req = pecan.request
        return view.show(req, get_flavor(common.context(req),
                                         self.flavor_id))

    @index.when(method='PUT', template='json')
    def update(self):
        req = pecan.request
        if common.version(req) < mv.MV_FLAVOR_DESCRIPTION:
            raise webob.exc.HTTPNotFound()
        common.authorize(req, policies.UPDATE)
        body = validation.body(req, schema.update)
        flavor = get_flavor(common.context(req), self.flavor_id)
        flavor.description = body['flavor']['description']
        flavor.save()
        return view.show(req, flavor)

    @index.when(method='DELETE', template='json')
    def delete(self):
        req = pecan.request
        common.authorize(req, policies.DELETE)
        get_flavor(common.context(req), self.flavor_id).destroy()
        return common.empty_response(202)


class FlavorsController:
    """/flavors and /flavors/detail."""

    @pecan.expose(generic=True)
    def index(self):
        common.method_not_allowed()

    @index.when(method='GET', template='json')
    def list(self):
        flavors, limit = _list(pecan.request)
        return view.index(pecan.request, flavors, limit)

    @index.when(method='POST', template='json')
    def create(self):
        req = pecan.request
        common.authorize(req, policies.CREATE)
        version = common.version(req)
        values = validation.body(req, schema.create(version))['flavor']
        flavor_id = values.get('id')
        flavor = objects.Flavor(
            context=common.context(req),
            name=values['name'].strip(),
            flavorid=str(flavor_id) if flavor_id is not None
            else str(uuid.uuid4()),
            memory_mb=int(values['ram']),
            vcpus=int(values['vcpus']),
            root_gb=int(values['disk']),
            ephemeral_gb=int(values.get('OS-FLV-EXT-DATA:ephemeral', 0)),
            swap=int(values.get('swap', 0)),
            rxtx_factor=float(values.get('rxtx_factor', 1.0)),
            is_public=types.to_bool(
                values.get('os-flavor-access:is_public', True)),
            disabled=False,
            description=values.get('description'),
        )
        flavor.create()
        return view.show(req, flavor)

    @pecan.expose(generic=True)
    def detail(self):
        common.method_not_allowed()

    @detail.when(method='GET', template='json')
    def detail_get(self):
        flavors, limit = _list(pecan.request)
        return view.index_detail(pecan.request, flavors, limit)

    @pecan.expose()
    def _lookup(self, flavor_id, *remainder):
        if not remainder:
            return FlavorController(flavor_id), remainder
        sub, rest = remainder[0], remainder[1:]
        if sub == 'os-flavor-access' and not rest:
            return flavor_access.FlavorAccessController(flavor_id), rest
        if sub == 'action' and not rest:
            return flavor_access.FlavorActionController(flavor_id), rest
        if sub == 'os-extra_specs':
            if not rest:
                return (flavor_extra_specs.ExtraSpecsController(flavor_id),
                        rest)
            if len(rest) == 1:
                return (flavor_extra_specs.ExtraSpecController(
                    flavor_id, rest[0]), ())
        raise webob.exc.HTTPNotFound()
