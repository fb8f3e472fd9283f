"""/resource_providers/{uuid}/usages and /usages (1.9; consumer types
1.38)."""

import sqlalchemy as sa

from nova.placement.db import models
from nova.placement import errors
from nova.placement import microversion as mv
from nova.placement import names
from nova.placement import providers
from nova.placement import util

ALLOC = models.ALLOC
CONSUMER = models.CONSUMER


def provider_usages(req):
    db = util.db(req)
    with db.reader() as conn:
        rp = providers.require(conn, req.urlvars['uuid'])
        inv = models.INV
        used = sa.select(sa.func.coalesce(sa.func.sum(ALLOC.c.used), 0)).where(
            ALLOC.c.resource_provider_id == inv.c.resource_provider_id,
            ALLOC.c.resource_class_id == inv.c.resource_class_id,
        ).scalar_subquery()
        rows = conn.execute(sa.select(inv.c.resource_class_id, used).where(
            inv.c.resource_provider_id == rp.id)).all()
        name_of = names.rc_names(db, conn)
        usages = {name_of(rc): int(total) for rc, total in rows}
    return util.json_response(
        req, {'usages': usages, 'resource_provider_generation': rp.generation},
        last_modified=None)


def project_usages(req):
    if not mv.at_least(req, '1.9'):
        raise errors.NotFound('The resource could not be found.')
    allowed = {'project_id', 'user_id'}
    with_types = mv.at_least(req, '1.38')
    if with_types:
        allowed.add('consumer_type')
    params = util.query(req, allowed)
    if 'project_id' not in params:
        raise errors.BadRequest(
            "Invalid query string parameters: 'project_id' is a required "
            "property")
    proj, user, ctype = models.PROJECT, models.USER, models.CONSUMER_TYPE
    type_name = sa.func.coalesce(ctype.c.name, 'unknown')
    query = sa.select(
        type_name, ALLOC.c.resource_class_id, sa.func.sum(ALLOC.c.used),
        sa.func.count(sa.distinct(ALLOC.c.consumer_id)),
    ).select_from(
        ALLOC.join(CONSUMER, CONSUMER.c.uuid == ALLOC.c.consumer_id)
        .join(proj, proj.c.id == CONSUMER.c.project_id)
        .join(user, user.c.id == CONSUMER.c.user_id)
        .outerjoin(ctype, ctype.c.id == CONSUMER.c.consumer_type_id)
    ).where(proj.c.external_id == params['project_id'])
    if 'user_id' in params:
        query = query.where(user.c.external_id == params['user_id'])
    wanted_type = params.get('consumer_type')
    if wanted_type not in (None, 'all'):
        if wanted_type == 'unknown':
            query = query.where(CONSUMER.c.consumer_type_id.is_(None))
        else:
            query = query.where(ctype.c.name == wanted_type)
    db = util.db(req)
    with db.reader() as conn:
        name_of = names.rc_names(db, conn)
        rows = conn.execute(query.group_by(
            type_name, ALLOC.c.resource_class_id)).all()
        if with_types:
            counts = {}
            consumers_query = query.with_only_columns(
                type_name, ALLOC.c.consumer_id).distinct()
            for tname, _consumer in conn.execute(consumers_query):
                counts[tname] = counts.get(tname, 0) + 1
    if not with_types:
        usages = {}
        for _type, rc, total, _count in rows:
            name = name_of(rc)
            usages[name] = usages.get(name, 0) + int(total)
        return util.json_response(req, {'usages': usages},
                                  last_modified=None)
    usages = {}
    if wanted_type == 'all':
        if rows:
            entry = usages.setdefault('all', {'consumer_count': sum(
                counts.values())})
            for _type, rc, total, _count in rows:
                name = name_of(rc)
                entry[name] = entry.get(name, 0) + int(total)
    else:
        for tname, rc, total, _count in rows:
            entry = usages.setdefault(
                tname, {'consumer_count': counts.get(tname, 0)})
            entry[name_of(rc)] = int(total)
    return util.json_response(req, {'usages': usages}, last_modified=None)
