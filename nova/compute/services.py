"""Service administration for os-services: enable/disable, force down,
and deletion of a service with what hangs off it (compute nodes, their
resource providers and aggregate memberships, the host mapping)."""

from oslo_log import log as logging

from nova import exception
from nova import objects

LOG = logging.getLogger(__name__)

COMPUTE_BINARY = 'nova-compute'


def update(context, service, status=None, disabled_reason=None,
           forced_down=None):
    """Apply the changes os-services asks for; returns the service."""
    if status == 'enabled':
        service.disabled = False
        service.disabled_reason = None
    elif status == 'disabled':
        service.disabled = True
        service.disabled_reason = disabled_reason
    if forced_down is not None:
        service.forced_down = forced_down
    service.save()
    LOG.info('Service %s on host %s updated: disabled=%s forced_down=%s',
             service.binary, service.host, service.disabled,
             service.forced_down)
    return service


def _report_client():
    from nova.scheduler.client import report
    return report.get_client()


def delete(context, service):
    """Delete ``service``; a compute service only when it hosts no
    instances (ServiceHasInstances, 409)."""
    if service.binary == COMPUTE_BINARY:
        _delete_compute_parts(context, service)
    service.destroy()
    LOG.info('Deleted service %s on host %s', service.binary, service.host)


def _delete_compute_parts(context, service):
    host = service.host
    if len(objects.InstanceList.get_by_host(context, host)):
        raise exception.ServiceHasInstances()
    for agg in objects.AggregateList.get_by_host(context, host):
        try:
            agg.delete_host(host)
        except exception.NotFound:
            continue
        try:
            _report_client().aggregate_remove_host(context, agg.uuid,
                                                   host_name=host)
        except Exception as exc:  # placement down: membership still goes
            LOG.warning('Could not remove host %s from placement aggregate '
                        '%s: %s', host, agg.uuid, exc)
    for node in objects.ComputeNodeList.get_all_by_host(context, host):
        try:
            _report_client().delete_resource_provider(context, node.uuid)
        except Exception as exc:  # placement down: the node still goes
            LOG.warning('Could not delete resource provider %s of host '
                        '%s: %s', node.uuid, host, exc)
        node.destroy()
    try:
        objects.HostMapping.get_by_host(context, host).destroy()
    except exception.HostMappingNotFound:
        pass
