"""/resource_providers/{uuid}/aggregates (1.1; generations from 1.19)."""

import sqlalchemy as sa

from nova.placement.db import models
from nova.placement import errors
from nova.placement import microversion as mv
from nova.placement import providers
from nova.placement.schemas import aggregate as schema
from nova.placement import util

AGG = models.AGG
RP_AGG = models.RP_AGG


def _require_version(req):
    if not mv.at_least(req, '1.1'):
        raise errors.NotFound('The resource could not be found.')


def provider_aggregates(conn, rp_id):
    return conn.execute(
        sa.select(AGG.c.uuid).select_from(
            RP_AGG.join(AGG, AGG.c.id == RP_AGG.c.aggregate_id))
        .where(RP_AGG.c.resource_provider_id == rp_id)
        .order_by(AGG.c.uuid)).scalars().all()


def ensure_aggregates(conn, uuids):
    """{uuid: id}, creating the aggregates placement does not know yet."""
    if not uuids:
        return {}
    known = dict(conn.execute(sa.select(AGG.c.uuid, AGG.c.id).where(
        AGG.c.uuid.in_(uuids))).all())
    missing = [u for u in uuids if u not in known]
    if missing:
        now = models.base.utcnow()
        conn.execute(AGG.insert(), [{'uuid': u, 'created_at': now}
                                    for u in missing])
        known = dict(conn.execute(sa.select(AGG.c.uuid, AGG.c.id).where(
            AGG.c.uuid.in_(uuids))).all())
    return known


def set_provider_aggregates(conn, rp_id, uuids):
    ids = ensure_aggregates(conn, uuids)
    conn.execute(RP_AGG.delete().where(
        RP_AGG.c.resource_provider_id == rp_id))
    if ids:
        now = models.base.utcnow()
        conn.execute(RP_AGG.insert(), [
            {'resource_provider_id': rp_id, 'aggregate_id': i,
             'created_at': now} for i in sorted(set(ids.values()))])


def _view(req, aggs, generation):
    body = {'aggregates': aggs}
    if mv.at_least(req, '1.19'):
        body['resource_provider_generation'] = generation
    return body


def get_aggregates(req):
    _require_version(req)
    with util.db(req).reader() as conn:
        rp = providers.require(conn, req.urlvars['uuid'])
        aggs = provider_aggregates(conn, rp.id)
    return util.json_response(req, _view(req, aggs, rp.generation),
                              last_modified=rp.updated_at or rp.created_at)


def put_aggregates(req):
    _require_version(req)
    with_generation = mv.at_least(req, '1.19')
    data = util.extract_json(req, schema.PUT_AGGREGATES if with_generation
                             else schema.PUT_AGGREGATES_OLD)
    uuids = data['aggregates'] if with_generation else data
    uuids = sorted(set(util.normalize_uuid(u) for u in uuids))
    with util.db(req).writer() as conn:
        rp = providers.require(conn, req.urlvars['uuid'])
        generation = rp.generation
        if with_generation:
            generation = providers.bump_generation(
                conn, rp.id, data['resource_provider_generation'])
        set_provider_aggregates(conn, rp.id, uuids)
    return util.json_response(req, _view(req, uuids, generation),
                              last_modified=None)
