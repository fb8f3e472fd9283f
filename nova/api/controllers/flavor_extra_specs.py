"""Flavor extra specs: /flavors/{id}/os-extra_specs[/{key}]."""

import pecan
import webob.exc

from nova.api import common
from nova.api import extra_specs
from nova.api import microversions as mv
from nova.api.schemas import flavors as schema
from nova.api import validation
from nova import exception
from nova import objects
from nova.policies import flavor_extra_specs as policies


def _flavor(req, flavor_id):
    return objects.Flavor.get_by_flavor_id(common.context(req), flavor_id)


def _checked(req, specs):
    """``specs`` with their values as the strings stored; from 2.86 checked
    against the extra specs nova knows."""
    specs = _as_strings(specs)
    if common.version(req) >= mv.MV_EXTRA_SPEC_VALIDATION:
        extra_specs.check_all(specs)
    return specs


def _as_strings(specs):
    out = {}
    for key, value in specs.items():
        if isinstance(value, bool):
            value = str(value)
        out[key] = value if isinstance(value, str) else str(value)
    return out


class ExtraSpecsController:

    def __init__(self, flavor_id):
        self.flavor_id = flavor_id

    @pecan.expose(generic=True)
    def index(self):
        common.method_not_allowed()

    @index.when(method='GET', template='json')
    def list(self):
        common.authorize(pecan.request, policies.INDEX)
        flavor = _flavor(pecan.request, self.flavor_id)
        return {'extra_specs': dict(flavor.extra_specs or {})}

    @index.when(method='POST', template='json')
    def create(self):
        req = pecan.request
        common.authorize(req, policies.CREATE)
        specs = _checked(
            req,
            validation.body(req, schema.extra_specs_create)['extra_specs'])
        flavor = _flavor(req, self.flavor_id)
        flavor.save_extra_specs(to_add=specs)
        return {'extra_specs': specs}


class ExtraSpecController:

    def __init__(self, flavor_id, key):
        self.flavor_id = flavor_id
        self.key = key

    def _not_found(self):
        return exception.FlavorExtraSpecsNotFound(
            flavor_id=self.flavor_id, extra_specs_key=self.key)

    @pecan.expose(generic=True)
    def index(self):
        common.method_not_allowed()

    @index.when(method='GET', template='json')
    def show(self):
        common.authorize(pecan.request, policies.SHOW)
        specs = _flavor(pecan.request, self.flavor_id).extra_specs or {}
        if self.key not in specs:
            raise self._not_found()
        return {self.key: specs[self.key]}

    @index.when(method='PUT', template='json')
    def update(self):
        req = pecan.request
        common.authorize(req, policies.UPDATE)
        body = validation.body(req, schema.extra_spec_update)
        if self.key not in body:
            raise webob.exc.HTTPBadRequest(
                explanation='Request body and URI mismatch')
        specs = _checked(req, body)
        flavor = _flavor(req, self.flavor_id)
        flavor.save_extra_specs(to_add=specs)
        return specs

    @index.when(method='DELETE', template='json')
    def delete(self):
        req = pecan.request
        common.authorize(req, policies.DELETE)
        flavor = _flavor(req, self.flavor_id)
        if self.key not in (flavor.extra_specs or {}):
            raise self._not_found()
        flavor.save_extra_specs(to_delete=[self.key])
        return common.empty_response(200)
