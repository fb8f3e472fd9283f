"""os-aggregates: host aggregates and their availability zones (admin).

Adding or removing a host is mirrored into placement (the host's resource
providers join or leave the placement aggregate of the same uuid) so that
placement-side request filters see the membership. Placement being down
must not fail the API call: the mirror is best effort and logged.
"""

from oslo_log import log as logging
import pecan
import webob.exc

from nova.api import common
from nova.api import faults
from nova.api.schemas import aggregates as schema
from nova.api import validation
from nova.api.views import aggregates as view
from nova import exception
from nova.objects import aggregate as aggregate_obj
from nova import objects
from nova.policies import aggregates as policies

LOG = logging.getLogger(__name__)

COMPUTE_BINARY = 'nova-compute'

_REPORT_CLIENT = None


def _report_client():
    global _REPORT_CLIENT
    if _REPORT_CLIENT is None:
        # Imported late: the placement client is not needed to serve the
        # rest of the API and may be missing from a partial install.
        from nova.scheduler.client import report
        _REPORT_CLIENT = report.SchedulerReportClient()
    return _REPORT_CLIENT


def mirror_to_placement(ctx, action, agg_uuid, host):
    """Call the report client's aggregate_<action>_host; log failures."""
    try:
        method = getattr(_report_client(), 'aggregate_%s_host' % action)
        method(ctx, agg_uuid, host_name=host)
    except Exception as exc:
        LOG.warning('Could not %s host %s in placement aggregate %s: %s. '
                    'Placement will not see this membership until it is '
                    'synchronised again.', action, host, agg_uuid, exc)


def _aggregate_id(raw):
    try:
        return int(raw)
    except (TypeError, ValueError):
        raise webob.exc.HTTPBadRequest(
            explanation='Invalid input received: id must be an integer')


def _get(ctx, raw_id):
    return objects.Aggregate.get_by_id(ctx, _aggregate_id(raw_id))


def _host_context(ctx, host):
    """The context aimed at the cell of ``host`` (its host mapping), or
    the default cell when the host is not mapped yet."""
    try:
        mapping = objects.HostMapping.get_by_host(ctx, host)
    except exception.HostMappingNotFound:
        # Not discovered yet: its service, if any, is in the default cell.
        return ctx
    return ctx.targeted(mapping.cell_mapping.uuid)


def check_compute_host(ctx, host):
    """ComputeHostNotFound (404) unless ``host`` runs nova-compute."""
    try:
        service = objects.Service.get_by_host_and_binary(
            _host_context(ctx, host), host, COMPUTE_BINARY)
    except exception.NotFound:
        # No such service, or no cell for the host: either way the host
        # runs no nova-compute, which is what the caller is told.
        raise exception.ComputeHostNotFound(host=host)
    # A case-insensitive database may match another spelling.
    if service.host != host:
        raise exception.ComputeHostNotFound(host=host)


def _hosts_with_instances(ctx, hosts):
    return [h for h in hosts
            if len(objects.InstanceList.get_by_host(_host_context(ctx, h),
                                                    h))]


def check_zone_change(ctx, agg, zone, error, hosts=None,
                      check_instances=False):
    """Refuse zone ``zone`` for ``agg`` (or for ``hosts`` joining it) when
    it would put a host into two zones, or move servers to another zone.
    ``error`` is the InvalidAggregateAction subclass to raise."""
    if not zone:
        raise error(aggregate_id=agg.id,
                    reason='Aggregate %s does not support empty named '
                           'availability zone' % agg.name)
    hosts = list(agg.hosts or []) if hosts is None else hosts
    if not hosts:
        return
    conflicting = sorted({
        other.availability_zone for other in
        objects.AggregateList.get_by_metadata_key(
            ctx, aggregate_obj.AZ_KEY, hosts=hosts)
        if other.id != agg.id and other.availability_zone != zone})
    if conflicting:
        raise error(aggregate_id=agg.id,
                    reason='One or more hosts already in availability '
                           'zone(s) %s' % conflicting)
    if (check_instances and agg.availability_zone != zone and
            _hosts_with_instances(ctx, hosts)):
        raise error(aggregate_id=agg.id,
                    reason='One or more hosts contain instances in this '
                           'zone')


class AggregateController:
    """One aggregate: /os-aggregates/{id}."""

    def __init__(self, aggregate_id):
        self.aggregate_id = aggregate_id

    @pecan.expose(generic=True)
    def index(self):
        common.method_not_allowed()

    @index.when(method='GET', template='json')
    def show(self):
        req = pecan.request
        common.authorize(req, policies.SHOW)
        return view.show(req, _get(common.context(req), self.aggregate_id))

    @index.when(method='PUT', template='json')
    def update(self):
        req = pecan.request
        common.authorize(req, policies.UPDATE)
        _aggregate_id(self.aggregate_id)
        values = validation.body(req, schema.update)['aggregate']
        ctx = common.context(req)
        agg = _get(ctx, self.aggregate_id)
        if 'availability_zone' in values:
            zone = values['availability_zone']
            check_zone_change(ctx, agg, zone,
                              exception.InvalidAggregateActionUpdate,
                              check_instances=True)
            agg.availability_zone = zone
        if 'name' in values:
            agg.name = values['name'].strip()
        agg.save()
        return view.show(req, agg)

    @index.when(method='DELETE', template='json')
    def delete(self):
        req = pecan.request
        common.authorize(req, policies.DELETE)
        agg = _get(common.context(req), self.aggregate_id)
        if agg.hosts:
            raise exception.InvalidAggregateActionDelete(
                aggregate_id=agg.id, reason='Host aggregate is not empty')
        agg.destroy()
        return common.empty_response(200)


class AggregateActionController:
    """POST /os-aggregates/{id}/action: add_host, remove_host,
    set_metadata."""

    def __init__(self, aggregate_id):
        self.aggregate_id = aggregate_id

    @pecan.expose(generic=True)
    def index(self):
        common.method_not_allowed()

    @index.when(method='POST', template='json')
    def action(self):
        req = pecan.request
        data = validation.load_json(req)
        name = next(iter(data), None) if isinstance(data, dict) else None
        if name not in schema.ACTIONS:
            raise webob.exc.HTTPBadRequest(
                explanation='There is no such action: %s' % name)
        common.authorize(req, policies.ROOT % name)
        _aggregate_id(self.aggregate_id)
        body = validation.body(req, schema.ACTIONS[name])[name]
        ctx = common.context(req)
        agg = getattr(self, '_' + name)(ctx, body)
        return view.show(req, agg)

    def _add_host(self, ctx, body):
        host = body['host']
        check_compute_host(ctx, host)
        agg = _get(ctx, self.aggregate_id)
        if agg.availability_zone:
            check_zone_change(ctx, agg, agg.availability_zone,
                              exception.InvalidAggregateActionAdd,
                              hosts=[host])
        agg.add_host(host)
        mirror_to_placement(ctx, 'add', agg.uuid, host)
        return agg

    def _remove_host(self, ctx, body):
        host = body['host']
        with faults.translate((
                (exception.AggregateNotFound,
                 exception.AggregateHostNotFound), 404,
                'Cannot remove host %s in aggregate %s'
                % (host, self.aggregate_id))):
            agg = _get(ctx, self.aggregate_id)
            # A host whose service is gone can still leave the aggregate.
            agg.delete_host(host)
        mirror_to_placement(ctx, 'remove', agg.uuid, host)
        return agg

    def _set_metadata(self, ctx, body):
        metadata = body['metadata']
        agg = _get(ctx, self.aggregate_id)
        if aggregate_obj.AZ_KEY in metadata:
            check_zone_change(ctx, agg, metadata[aggregate_obj.AZ_KEY],
                              exception.InvalidAggregateActionUpdateMeta,
                              check_instances=True)
        agg.update_metadata(metadata)
        return agg


class AggregatesController:
    """/os-aggregates."""

    @pecan.expose(generic=True)
    def index(self):
        common.method_not_allowed()

    @index.when(method='GET', template='json')
    def list(self):
        req = pecan.request
        common.authorize(req, policies.INDEX)
        return view.index(req, objects.AggregateList.get_all(
            common.context(req)))

    @index.when(method='POST', template='json')
    def create(self):
        req = pecan.request
        common.authorize(req, policies.CREATE)
        values = validation.body(req, schema.create)['aggregate']
        agg = objects.Aggregate(common.context(req), name=values['name'])
        zone = values.get('availability_zone')
        if zone:
            agg.availability_zone = zone
        agg.create()
        return view.created(req, agg)

    @pecan.expose()
    def _lookup(self, aggregate_id, *remainder):
        if not remainder:
            return AggregateController(aggregate_id), remainder
        if remainder == ('action',):
            return AggregateActionController(aggregate_id), ()
        raise webob.exc.HTTPNotFound()
