"""/resource_classes: the standard classes of os_resource_classes plus
the operator's CUSTOM_* ones."""

import sqlalchemy as sa

from nova.placement.db import models
from nova.placement import errors
from nova.placement import microversion as mv
from nova.placement import names
from nova.placement.schemas import resource_class as schema
from nova.placement import util

RC = models.RC
def view(name):
    return {'name': name,
            'links': [{'rel': 'self', 'href': '/resource_classes/%s' % name}]}


def _require_version(req):
    if not mv.at_least(req, '1.2'):
        raise errors.NotFound('The resource could not be found.')


def _get(conn, name):
    return conn.execute(sa.select(RC).where(RC.c.name == name)).first()


def _insert(conn, name):
    next_id = conn.execute(sa.select(sa.func.max(RC.c.id)).where(
        RC.c.id >= names.CUSTOM_RC_MIN_ID)).scalar()
    next_id = names.CUSTOM_RC_MIN_ID if next_id is None else next_id + 1
    conn.execute(RC.insert().values(id=next_id, name=name,
                                    created_at=models.base.utcnow()))


def _duplicate(name):
    return errors.Conflict('Conflicting resource class already exists: %s'
                           % name, code=errors.DUPLICATE_NAME)


def list_all(req):
    db = util.db(req)
    with db.reader() as conn:
        names.names(db, conn)
        rows = conn.execute(sa.select(RC).order_by(RC.c.id)).all()
    stamp = util.latest(*[r.updated_at or r.created_at for r in rows])
    return util.json_response(
        req, {'resource_classes': [view(r.name) for r in rows]},
        last_modified=stamp)


def show(req):
    _require_version(req)
    db = util.db(req)
    name = req.urlvars['name']
    with db.reader() as conn:
        names.names(db, conn)
        row = _get(conn, name)
    if row is None:
        raise errors.NotFound('No such resource class %s.' % name)
    return util.json_response(req, view(name),
                              last_modified=row.updated_at or row.created_at)


def create(req):
    _require_version(req)
    data = util.extract_json(req, schema.RESOURCE_CLASS)
    db = util.db(req)
    name = data['name']
    with db.writer() as conn:
        names.names(db, conn)
        if _get(conn, name) is not None:
            raise _duplicate(name)
        _insert(conn, name)
    return util.empty_response(
        201, headers={'Location': '/resource_classes/%s' % name})


def update(req):
    _require_version(req)
    db = util.db(req)
    name = req.urlvars['name']
    if mv.at_least(req, '1.7'):
        return _create_or_confirm(req, db, name)
    data = util.extract_json(req, schema.RESOURCE_CLASS)
    with db.writer() as conn:
        names.names(db, conn)
        row = _get(conn, name)
        if row is None:
            raise errors.NotFound('No such resource class %s.' % name)
        if row.id < names.CUSTOM_RC_MIN_ID:
            raise errors.BadRequest('Cannot update standard resource class '
                                    '%s' % name)
        if _get(conn, data['name']) is not None:
            raise _duplicate(data['name'])
        conn.execute(RC.update().where(RC.c.id == row.id).values(
            name=data['name'], updated_at=models.base.utcnow()))
    db.names = None
    return util.json_response(req, view(data['name']), last_modified=None)


def _create_or_confirm(req, db, name):
    util.validate({'name': name}, schema.RESOURCE_CLASS)
    with db.writer() as conn:
        names.names(db, conn)
        if _get(conn, name) is not None:
            return util.empty_response(
                204, headers={'Location': '/resource_classes/%s' % name})
        _insert(conn, name)
    return util.empty_response(
        201, headers={'Location': '/resource_classes/%s' % name})


def delete(req):
    _require_version(req)
    db = util.db(req)
    name = req.urlvars['name']
    with db.writer() as conn:
        names.names(db, conn)
        row = _get(conn, name)
        if row is None:
            raise errors.NotFound('No such resource class %s.' % name)
        if row.id < names.CUSTOM_RC_MIN_ID:
            raise errors.BadRequest('Cannot delete standard resource class '
                                    '%s: Cannot delete standard resource '
                                    'class.' % name)
        used = conn.execute(sa.select(models.INV.c.id).where(
            models.INV.c.resource_class_id == row.id).limit(1)).first()
        if used is not None:
            raise errors.Conflict(
                'Unable to delete resource class %s. Resource class is in '
                'use in inventory.' % name)
        conn.execute(RC.delete().where(RC.c.id == row.id))
    db.names = None
    return util.empty_response()
