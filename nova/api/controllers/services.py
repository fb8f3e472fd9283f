"""os-services: the nova services and whether they are alive (admin).

Before 2.53 a service is changed by host and binary with
PUT /os-services/{enable,disable,disable-log-reason,force-down (2.11)};
from 2.53 with PUT /os-services/{uuid}. DELETE /os-services/{id} removes
a service (a compute service only when it hosts no instances).
"""

import uuid

import pecan
import webob.exc

from nova.api import common
from nova.api import faults
from nova.api import microversions as mv
from nova.api.schemas import services as schema
from nova.api.schemas import types
from nova.api import validation
from nova.api.views import services as view
from nova.compute import services as service_api
from nova import exception
from nova import objects
from nova.policies import services as policies

_LEGACY_ACTIONS = ('enable', 'disable', 'disable-log-reason', 'force-down')


def is_up(svc):
    # Imported late: nova.servicegroup belongs to the service layer.
    from nova import servicegroup
    return servicegroup.is_up(svc)


def _by_host_and_binary(ctx, host, binary):
    with faults.translate((exception.ServiceNotFound, 404,
                           'Could not find binary %s on host %s.'
                           % (binary, host))):
        return objects.Service.get_by_host_and_binary(ctx, host, binary)


def _not_found(service_id):
    # The service as the caller named it (uuid or id) in the message.
    return (exception.ServiceNotFound, 404,
            'Service %s not found.' % service_id)


def _by_id(req, service_id):
    """The service of a DELETE or 2.53 PUT: a uuid from 2.53, an integer
    id before."""
    ctx = common.context(req)
    if common.version(req) >= mv.MV_UUID_IDS:
        try:
            uuid.UUID(service_id)
        except ValueError:
            raise webob.exc.HTTPBadRequest(
                explanation='Invalid uuid %s' % service_id)
        with faults.translate(_not_found(service_id)):
            return objects.Service.get_by_uuid(ctx, service_id)
    try:
        numeric = int(service_id)
    except ValueError:
        raise webob.exc.HTTPBadRequest(
            explanation='Invalid ID %s' % service_id)
    with faults.translate(_not_found(service_id)):
        return objects.Service.get_by_id(ctx, numeric)


def _legacy_update(req, action):
    """PUT /os-services/<action> before 2.53."""
    version = common.version(req)
    if action not in _LEGACY_ACTIONS or (
            action == 'force-down' and version < mv.MV_FORCED_DOWN):
        raise webob.exc.HTTPNotFound(explanation='Unknown action')
    ctx = common.context(req)
    if action == 'force-down':
        body = validation.body(req, schema.force_down)
        svc = _by_host_and_binary(ctx, body['host'], body['binary'])
        forced = types.to_bool(body['forced_down'])
        service_api.update(ctx, svc, forced_down=forced)
        return {'service': {'host': svc.host, 'binary': svc.binary,
                            'forced_down': forced}}
    body = validation.body(req, schema.update)
    reason = None
    if action == 'disable-log-reason':
        reason = body.get('disabled_reason')
        if not reason:
            raise webob.exc.HTTPBadRequest(
                explanation='Missing disabled reason field')
    svc = _by_host_and_binary(ctx, body['host'], body['binary'])
    status = 'enabled' if action == 'enable' else 'disabled'
    service_api.update(ctx, svc, status=status, disabled_reason=reason)
    result = {'host': svc.host, 'binary': svc.binary, 'status': status}
    if action == 'disable-log-reason':
        result['disabled_reason'] = reason
    return {'service': result}


def _update_by_uuid(req, service_id):
    """PUT /os-services/{uuid} (2.53)."""
    body = validation.body(req, schema.update_by_uuid)
    status = body.get('status')
    reason = body.get('disabled_reason')
    forced = body.get('forced_down')
    if status is None and forced is None:
        raise webob.exc.HTTPBadRequest(
            explanation="'status' and/or 'forced_down' must be specified.")
    if reason is not None and status != 'disabled':
        raise webob.exc.HTTPBadRequest(
            explanation="Specifying 'disabled_reason' with status other "
                        "than 'disabled' is invalid.")
    svc = _by_id(req, service_id)
    if svc.binary != service_api.COMPUTE_BINARY:
        raise webob.exc.HTTPBadRequest(
            explanation='Updating a %s service is not supported. Only '
                        'nova-compute services can be updated.' % svc.binary)
    service_api.update(common.context(req), svc, status=status,
                       disabled_reason=reason,
                       forced_down=(None if forced is None
                                    else types.to_bool(forced)))
    return {'service': view.service(req, svc, is_up(svc))}


class ServiceController:
    """/os-services/{id or action}."""

    def __init__(self, service_id):
        self.service_id = service_id

    @pecan.expose(generic=True)
    def index(self):
        common.method_not_allowed()

    @index.when(method='PUT', template='json')
    def update(self):
        req = pecan.request
        common.authorize(req, policies.UPDATE)
        if common.version(req) >= mv.MV_UUID_IDS:
            return _update_by_uuid(req, self.service_id)
        return _legacy_update(req, self.service_id)

    @index.when(method='DELETE', template='json')
    def delete(self):
        req = pecan.request
        common.authorize(req, policies.DELETE)
        svc = _by_id(req, self.service_id)
        service_api.delete(common.context(req), svc)
        return common.empty_response(204)


class ServicesController:

    @pecan.expose(generic=True)
    def index(self):
        common.method_not_allowed()

    @index.when(method='GET', template='json')
    def list(self):
        req = pecan.request
        common.authorize(req, policies.LIST)
        params = validation.query(req, schema.list_query)
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

    @pecan.expose()
    def _lookup(self, service_id, *remainder):
        if remainder:
            raise webob.exc.HTTPNotFound()
        return ServiceController(service_id), remainder
