"""/traits and /resource_providers/{uuid}/traits (microversion 1.6)."""

import sqlalchemy as sa

from nova.placement.db import models
from nova.placement import errors
from nova.placement import microversion as mv
from nova.placement import names
from nova.placement import providers
from nova.placement.schemas import trait as schema
from nova.placement import util

TRAIT = models.TRAIT
RP_TRAIT = models.RP_TRAIT


def _require_version(req):
    if not mv.at_least(req, '1.6'):
        raise errors.NotFound('The resource could not be found.')


def list_all(req):
    _require_version(req)
    params = util.query(req, {'name', 'associated'})
    query = sa.select(TRAIT.c.name, TRAIT.c.created_at, TRAIT.c.updated_at)
    name = params.get('name')
    if name is not None:
        if name.startswith('in:'):
            wanted = [n.strip() for n in name[3:].split(',') if n.strip()]
            query = query.where(TRAIT.c.name.in_(wanted))
        elif name.startswith('startswith:'):
            prefix = name[len('startswith:'):]
            query = query.where(TRAIT.c.name.startswith(prefix,
                                                        autoescape=True))
        else:
            raise errors.BadRequest(
                "Badly formatted name parameter. Expected name query string "
                "parameter in form: ?name=[in|startswith]:[name1,name2|"
                "prefix]. Got: \"%s\"" % name)
    associated = params.get('associated')
    if associated is not None:
        if associated not in ('true', 'false'):
            raise errors.BadRequest(
                'The query parameter "associated" only accepts '
                '"true" or "false"')
        used = sa.select(RP_TRAIT.c.trait_id)
        query = query.where(TRAIT.c.id.in_(used) if associated == 'true'
                            else TRAIT.c.id.not_in(used))
    db = util.db(req)
    with db.reader() as conn:
        names.names(db, conn)
        rows = conn.execute(query.order_by(TRAIT.c.name)).all()
    return util.json_response(
        req, {'traits': [r.name for r in rows]},
        last_modified=util.latest(*[r.updated_at or r.created_at
                                    for r in rows]))


def show(req):
    _require_version(req)
    db = util.db(req)
    name = req.urlvars['name']
    with db.reader() as conn:
        names.names(db, conn)
        row = conn.execute(sa.select(TRAIT).where(
            TRAIT.c.name == name)).first()
    if row is None:
        raise errors.NotFound('No such trait(s): %s' % name)
    return util.empty_response(204)


def create(req):
    _require_version(req)
    name = req.urlvars['name']
    if not name.startswith(names.CUSTOM_PREFIX):
        raise errors.BadRequest(
            "The trait is invalid. A valid trait must be no longer than 255 "
            "characters, start with the prefix \"CUSTOM_\" and use "
            "following characters: \"A\"-\"Z\", \"0\"-\"9\" and \"_\"")
    util.validate(name, schema.CUSTOM_TRAIT)
    db = util.db(req)
    location = {'Location': '/traits/%s' % name}
    with db.writer() as conn:
        names.names(db, conn)
        row = conn.execute(sa.select(TRAIT.c.id).where(
            TRAIT.c.name == name)).first()
        if row is not None:
            return util.empty_response(204, headers=location)
        conn.execute(TRAIT.insert().values(name=name,
                                           created_at=models.base.utcnow()))
    return util.empty_response(201, headers=location)


def delete(req):
    _require_version(req)
    name = req.urlvars['name']
    db = util.db(req)
    with db.writer() as conn:
        names.names(db, conn)
        row = conn.execute(sa.select(TRAIT.c.id).where(
            TRAIT.c.name == name)).first()
        if row is None:
            raise errors.NotFound('No such trait(s): %s' % name)
        if name in names.STANDARD_TRAITS:
            raise errors.BadRequest('Cannot delete standard trait %s.'
                                    % name)
        used = conn.execute(sa.select(RP_TRAIT.c.resource_provider_id).where(
            RP_TRAIT.c.trait_id == row.id).limit(1)).first()
        if used is not None:
            raise errors.Conflict('The trait %s is in use by a resource '
                                  'provider.' % name)
        conn.execute(TRAIT.delete().where(TRAIT.c.id == row.id))
    db.names = None
    return util.empty_response()


def provider_trait_ids(conn, rp_id):
    return conn.execute(sa.select(RP_TRAIT.c.trait_id).where(
        RP_TRAIT.c.resource_provider_id == rp_id)).scalars().all()


def set_provider_traits(conn, rp_id, trait_ids):
    conn.execute(RP_TRAIT.delete().where(
        RP_TRAIT.c.resource_provider_id == rp_id))
    if trait_ids:
        now = models.base.utcnow()
        conn.execute(RP_TRAIT.insert(), [
            {'resource_provider_id': rp_id, 'trait_id': t, 'created_at': now}
            for t in sorted(set(trait_ids))])


def _rp_view(db, conn, rp, generation=None):
    return {'traits': sorted(names.trait_names(
                db, conn, provider_trait_ids(conn, rp.id))),
            'resource_provider_generation':
                rp.generation if generation is None else generation}


def get_provider_traits(req):
    _require_version(req)
    db = util.db(req)
    with db.reader() as conn:
        rp = providers.require(conn, req.urlvars['uuid'])
        body = _rp_view(db, conn, rp)
    return util.json_response(req, body,
                              last_modified=rp.updated_at or rp.created_at)


def put_provider_traits(req):
    _require_version(req)
    data = util.extract_json(req, schema.PUT_PROVIDER_TRAITS)
    db = util.db(req)
    with db.writer() as conn:
        rp = providers.require(conn, req.urlvars['uuid'])
        ids = names.trait_ids(db, conn, data['traits'])
        gen = providers.bump_generation(
            conn, rp.id, data['resource_provider_generation'])
        set_provider_traits(conn, rp.id, ids.values())
        body = _rp_view(db, conn, rp, gen)
    return util.json_response(req, body, last_modified=None)


def delete_provider_traits(req):
    _require_version(req)
    with util.db(req).writer() as conn:
        rp = providers.require(conn, req.urlvars['uuid'])
        providers.bump_generation(conn, rp.id, rp.generation)
        set_provider_traits(conn, rp.id, [])
    return util.empty_response()
