"""Flavor access: who may use a private flavor.

GET /flavors/{id}/os-flavor-access and the addTenantAccess and
removeTenantAccess actions of POST /flavors/{id}/action.
"""

import pecan
import webob.exc

from nova.api import common
from nova.api.schemas import flavors as schema
from nova.api import validation
from nova.api.views import flavors as view
from nova import objects
from nova.policies import flavor_access as policies


def _flavor(req, flavor_id):
    return objects.Flavor.get_by_flavor_id(common.context(req), flavor_id)


class FlavorAccessController:

    def __init__(self, flavor_id):
        self.flavor_id = flavor_id

    @pecan.expose(generic=True)
    def index(self):
        common.method_not_allowed()

    @index.when(method='GET', template='json')
    def list(self):
        req = pecan.request
        common.authorize(req, policies.INDEX)
        flavor = _flavor(req, self.flavor_id)
        if flavor.is_public:
            raise webob.exc.HTTPNotFound(
                explanation='Access list not available for public flavors.')
        return view.access_list(flavor)


class FlavorActionController:

    def __init__(self, flavor_id):
        self.flavor_id = flavor_id

    @pecan.expose(generic=True)
    def index(self):
        common.method_not_allowed()

    @index.when(method='POST', template='json')
    def action(self):
        req = pecan.request
        data = validation.load_json(req)
        if isinstance(data, dict) and 'addTenantAccess' in data:
            common.authorize(req, policies.ADD)
            data = validation.body(req, schema.add_tenant_access)
            flavor = _flavor(req, self.flavor_id)
            flavor.add_access(data['addTenantAccess']['tenant'])
        elif isinstance(data, dict) and 'removeTenantAccess' in data:
            common.authorize(req, policies.REMOVE)
            data = validation.body(req, schema.remove_tenant_access)
            flavor = _flavor(req, self.flavor_id)
            flavor.remove_access(data['removeTenantAccess']['tenant'])
        else:
            raise webob.exc.HTTPBadRequest(
                explanation='There is no such action: %s'
                % (', '.join(data) if isinstance(data, dict) else data))
        return view.access_list(flavor)
