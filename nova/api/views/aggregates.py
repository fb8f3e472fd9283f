"""Bodies of the os-aggregates resource."""

from nova.api import common
from nova.api.views import services as services_view

# Aggregates show their uuid from this microversion on.
MV_AGGREGATE_UUID = '2.41'


def aggregate(req, agg, with_members=True):
    body = {
        'availability_zone': agg.availability_zone,
        'created_at': services_view.timestamp(agg.created_at),
        'deleted': bool(agg.deleted),
        'deleted_at': services_view.timestamp(agg.deleted_at),
        'id': agg.id,
        'name': agg.name,
        'updated_at': services_view.timestamp(agg.updated_at),
    }
    if with_members:
        body['hosts'] = list(agg.hosts or [])
        body['metadata'] = dict(agg.metadata or {})
    if common.version(req) >= MV_AGGREGATE_UUID:
        body['uuid'] = agg.uuid
    return body


def show(req, agg):
    return {'aggregate': aggregate(req, agg)}


def created(req, agg):
    # A new aggregate is answered without hosts and metadata, as upstream.
    return {'aggregate': aggregate(req, agg, with_members=False)}


def index(req, aggs):
    return {'aggregates': [aggregate(req, a) for a in aggs]}
