"""os-services: the nova services and whether they are alive (admin)."""

import pecan

from nova.api import common
from nova.api import validation
from nova.api.views import services as view
from nova import objects

_QUERY = validation.query_schema({
    'host': {'type': 'string'},
    'binary': {'type': 'string'},
})


def is_up(svc):
    # Imported late: nova.servicegroup belongs to the service layer.
    from nova import servicegroup
    return servicegroup.is_up(svc)


class ServicesController:

    @pecan.expose(generic=True)
    def index(self):
        common.method_not_allowed()

    @index.when(method='GET', template='json')
    def list(self):
        req = pecan.request
        common.require_admin(req, 'os_compute_api:os-services:list')
        params = validation.query(req, _QUERY)
        ctx = common.context(req)
        if params.get('binary'):
            services = objects.ServiceList.get_by_binary(ctx,
                                                         params['binary'])
        else:
            services = objects.ServiceList.get_all(ctx)
        if params.get('host'):
            services = [s for s in services if s.host == params['host']]
        return {'services': [view.service(req, s, is_up(s))
                             for s in services]}
