"""Resource providers and their trees.

A provider row keeps both its parent and its root, so "every provider of
this tree" is one indexed lookup. The generation is the optimistic lock of
everything hanging off a provider (inventories, traits, aggregates,
allocations against it): writers bump it with a compare-and-set and lose
with a 409 when someone else bumped it first.
"""

import uuid as uuidlib

import sqlalchemy as sa
from sqlalchemy import exc as sa_exc

from nova.placement.db import models
from nova.placement import errors

RP = models.RP
_PARENT = RP.alias('parent_rp')
_ROOT = RP.alias('root_rp')


def _select():
    return sa.select(
        RP.c.id, RP.c.uuid, RP.c.name, RP.c.generation,
        RP.c.parent_provider_id, RP.c.root_provider_id,
        _PARENT.c.uuid.label('parent_provider_uuid'),
        _ROOT.c.uuid.label('root_provider_uuid'),
        RP.c.created_at, RP.c.updated_at,
    ).select_from(
        RP.outerjoin(_PARENT, _PARENT.c.id == RP.c.parent_provider_id)
        .outerjoin(_ROOT, _ROOT.c.id == RP.c.root_provider_id))


def get(conn, uuid):
    return conn.execute(_select().where(RP.c.uuid == uuid)).first()


def require(conn, uuid, action=''):
    row = get(conn, uuid)
    if row is None:
        raise errors.provider_not_found(uuid, action)
    return row


def get_many_by_ids(conn, ids):
    rows = {}
    ids = list(ids)
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        for row in conn.execute(_select().where(RP.c.id.in_(chunk))):
            rows[row.id] = row
    return rows


def list_providers(conn, name=None, uuid=None, root_id=None,
                   conditions=()):
    query = _select()
    if name is not None:
        query = query.where(RP.c.name == name)
    if uuid is not None:
        query = query.where(RP.c.uuid == uuid)
    if root_id is not None:
        query = query.where(RP.c.root_provider_id == root_id)
    for cond in conditions:
        query = query.where(cond)
    return conn.execute(query.order_by(RP.c.id)).all()


def _duplicate(conn, uuid, name, exclude_id=None):
    query = sa.select(RP.c.id, RP.c.uuid, RP.c.name).where(
        sa.or_(RP.c.uuid == uuid, RP.c.name == name))
    for row in conn.execute(query):
        if row.id == exclude_id:
            continue
        if row.name == name:
            raise errors.Conflict(
                'Conflicting resource provider name: %s already exists.'
                % name, code=errors.DUPLICATE_NAME)
        raise errors.Conflict(
            'Conflicting resource provider uuid: %s already exists.' % uuid)


def create(conn, name, uuid=None, parent_uuid=None):
    uuid = uuid or str(uuidlib.uuid4())
    _duplicate(conn, uuid, name)
    parent = None
    if parent_uuid is not None:
        parent = get(conn, parent_uuid)
        if parent is None:
            raise errors.BadRequest(
                'Unable to create resource provider "%s", %s: parent '
                'provider UUID does not exist.' % (name, uuid))
    now = models.base.utcnow()
    try:
        result = conn.execute(RP.insert().values(
            uuid=uuid, name=name, generation=0, created_at=now,
            parent_provider_id=parent.id if parent else None,
            root_provider_id=parent.root_provider_id if parent else None))
    except sa_exc.IntegrityError:
        _duplicate(conn, uuid, name)
        raise
    new_id = result.inserted_primary_key[0]
    if parent is None:
        conn.execute(RP.update().where(RP.c.id == new_id).values(
            root_provider_id=new_id))
    return get(conn, uuid)


def _descendant_ids(conn, rp):
    """Ids of the providers below ``rp`` (not ``rp`` itself)."""
    rows = conn.execute(sa.select(RP.c.id, RP.c.parent_provider_id).where(
        RP.c.root_provider_id == rp.root_provider_id)).all()
    children = {}
    for id_, parent in rows:
        children.setdefault(parent, []).append(id_)
    found = []
    todo = list(children.get(rp.id, ()))
    while todo:
        id_ = todo.pop()
        found.append(id_)
        todo.extend(children.get(id_, ()))
    return found


def update(conn, rp, name, parent_uuid, allow_reparent):
    """Rename ``rp`` and/or move it under ``parent_uuid`` (None for no
    parent; ``...`` to leave the parent alone)."""
    _duplicate(conn, rp.uuid, name, exclude_id=rp.id)
    values = {'name': name, 'updated_at': models.base.utcnow()}
    new_root = None
    if parent_uuid is not ... and parent_uuid != rp.parent_provider_uuid:
        if rp.parent_provider_uuid is not None and not allow_reparent:
            raise errors.BadRequest(
                'Unable to save resource provider %s: Object action update '
                'failed because: re-parenting a provider is not currently '
                'allowed.' % rp.uuid)
        if parent_uuid is None:
            if not allow_reparent:
                raise errors.BadRequest(
                    'Unable to save resource provider %s: Object action '
                    'update failed because: un-parenting a provider is not '
                    'currently allowed.' % rp.uuid)
            values['parent_provider_id'] = None
            new_root = rp.id
        else:
            parent = get(conn, parent_uuid)
            if parent is None:
                raise errors.BadRequest(
                    'Unable to save resource provider %s: parent provider '
                    'UUID does not exist.' % rp.uuid)
            if parent.id == rp.id or parent.id in _descendant_ids(conn, rp):
                raise errors.BadRequest(
                    'Unable to save resource provider %s: Object action '
                    'update failed because: creating loop in the provider '
                    'tree is not allowed.' % rp.uuid)
            values['parent_provider_id'] = parent.id
            new_root = parent.root_provider_id
    if new_root is not None and new_root != rp.root_provider_id:
        subtree = [rp.id] + _descendant_ids(conn, rp)
        conn.execute(RP.update().where(RP.c.id.in_(subtree)).values(
            root_provider_id=new_root))
    try:
        conn.execute(RP.update().where(RP.c.id == rp.id).values(**values))
    except sa_exc.IntegrityError:
        _duplicate(conn, rp.uuid, name, exclude_id=rp.id)
        raise
    return get(conn, rp.uuid)


def delete(conn, rp):
    used = conn.execute(sa.select(models.ALLOC.c.id).where(
        models.ALLOC.c.resource_provider_id == rp.id).limit(1)).first()
    if used is not None:
        raise errors.Conflict(
            'Unable to delete resource provider %s: Resource provider has '
            'allocations.' % rp.uuid, code=errors.PROVIDER_IN_USE)
    child = conn.execute(sa.select(RP.c.id).where(
        RP.c.parent_provider_id == rp.id).limit(1)).first()
    if child is not None:
        raise errors.Conflict(
            'Unable to delete parent resource provider %s: It has child '
            'resource providers.' % rp.uuid,
            code=errors.PROVIDER_CANNOT_DELETE_PARENT)
    for table in (models.INV, models.RP_TRAIT, models.RP_AGG):
        conn.execute(table.delete().where(
            table.c.resource_provider_id == rp.id))
    conn.execute(RP.delete().where(RP.c.id == rp.id))


def bump_generation(conn, rp_id, generation):
    """Compare-and-set the generation of a provider; returns the new one."""
    result = conn.execute(RP.update().where(
        RP.c.id == rp_id, RP.c.generation == generation).values(
            generation=generation + 1, updated_at=models.base.utcnow()))
    if result.rowcount != 1:
        raise errors.concurrent_update()
    return generation + 1


def check_generation(rp, generation):
    if rp.generation != generation:
        raise errors.concurrent_update()
