"""Consumers and their allocations.

Writing allocations replaces everything the named consumers hold, in one
transaction: old allocations go, the new ones are checked against each
provider's inventory (unit limits and capacity left), written, and the
generation of every provider touched is bumped with a compare-and-set,
so that two writers racing for the last units of a provider cannot both
win. Consumer generations (1.28) guard a consumer's allocations the same
way; a consumer left without allocations is deleted.
"""

import collections

import sqlalchemy as sa

from nova.placement.db import models
from nova.placement import errors
from nova.placement import names
from nova.placement import providers

ALLOC = models.ALLOC
CONSUMER = models.CONSUMER
INV = models.INV
RP = models.RP

UNSET = object()

# One consumer's wanted state: {rp_uuid: {rc_name: amount}} plus who owns
# it. generation is UNSET below microversion 1.28 (not checked).
ConsumerAllocations = collections.namedtuple(
    'ConsumerAllocations',
    'consumer_uuid allocations project_id user_id generation consumer_type')


def _ensure_external(conn, table, external_id):
    row = conn.execute(sa.select(table.c.id).where(
        table.c.external_id == external_id)).first()
    if row is not None:
        return row.id
    return conn.execute(table.insert().values(
        external_id=external_id,
        created_at=models.base.utcnow())).inserted_primary_key[0]


def ensure_consumer_type(conn, name):
    table = models.CONSUMER_TYPE
    row = conn.execute(sa.select(table.c.id).where(
        table.c.name == name)).first()
    if row is not None:
        return row.id
    return conn.execute(table.insert().values(
        name=name, created_at=models.base.utcnow())).inserted_primary_key[0]


def _consumer_select():
    proj, user, ctype = models.PROJECT, models.USER, models.CONSUMER_TYPE
    return sa.select(
        CONSUMER.c.id, CONSUMER.c.uuid, CONSUMER.c.generation,
        CONSUMER.c.project_id.label('project_pk'),
        CONSUMER.c.user_id.label('user_pk'), CONSUMER.c.consumer_type_id,
        proj.c.external_id.label('project_id'),
        user.c.external_id.label('user_id'),
        ctype.c.name.label('consumer_type'),
        CONSUMER.c.created_at, CONSUMER.c.updated_at,
    ).select_from(
        CONSUMER.join(proj, proj.c.id == CONSUMER.c.project_id)
        .join(user, user.c.id == CONSUMER.c.user_id)
        .outerjoin(ctype, ctype.c.id == CONSUMER.c.consumer_type_id))


def get_consumer(conn, uuid):
    return conn.execute(_consumer_select().where(
        CONSUMER.c.uuid == uuid)).first()


def for_consumer(conn, uuid):
    """[(rp_uuid, rp_generation, rc_id, used, updated)] of a consumer."""
    return conn.execute(
        sa.select(RP.c.uuid, RP.c.generation, ALLOC.c.resource_class_id,
                  ALLOC.c.used,
                  sa.func.coalesce(ALLOC.c.updated_at, ALLOC.c.created_at))
        .select_from(ALLOC.join(RP, RP.c.id == ALLOC.c.resource_provider_id))
        .where(ALLOC.c.consumer_id == uuid)).all()


def for_provider(conn, rp_id):
    return conn.execute(
        sa.select(ALLOC.c.consumer_id, ALLOC.c.resource_class_id,
                  ALLOC.c.used,
                  sa.func.coalesce(ALLOC.c.updated_at, ALLOC.c.created_at))
        .where(ALLOC.c.resource_provider_id == rp_id)).all()


def _generation_conflict(expected, got):
    return errors.Conflict(
        'consumer generation conflict - expected %s but got %s'
        % ('null' if expected is None else expected,
           'null' if got is None else got),
        code=errors.CONCURRENT_UPDATE)


def _prepare_consumer(conn, want):
    """Create or update the consumer row; returns (id, generation)."""
    consumer = get_consumer(conn, want.consumer_uuid)
    type_id = (ensure_consumer_type(conn, want.consumer_type)
               if want.consumer_type else None)
    if consumer is None:
        if want.generation is not UNSET and want.generation is not None:
            raise _generation_conflict(None, want.generation)
        project = _ensure_external(conn, models.PROJECT, want.project_id)
        user = _ensure_external(conn, models.USER, want.user_id)
        new_id = conn.execute(CONSUMER.insert().values(
            uuid=want.consumer_uuid, project_id=project, user_id=user,
            generation=0, consumer_type_id=type_id,
            created_at=models.base.utcnow())).inserted_primary_key[0]
        return new_id, 0
    if want.generation is not UNSET and want.generation != \
            consumer.generation:
        raise _generation_conflict(consumer.generation, want.generation)
    values = {}
    if want.project_id != consumer.project_id:
        values['project_id'] = _ensure_external(conn, models.PROJECT,
                                                want.project_id)
    if want.user_id != consumer.user_id:
        values['user_id'] = _ensure_external(conn, models.USER, want.user_id)
    if type_id is not None and type_id != consumer.consumer_type_id:
        values['consumer_type_id'] = type_id
    if values:
        conn.execute(CONSUMER.update().where(
            CONSUMER.c.id == consumer.id).values(**values))
    return consumer.id, consumer.generation


def _bump_consumer(conn, consumer_id, generation):
    result = conn.execute(CONSUMER.update().where(
        CONSUMER.c.id == consumer_id,
        CONSUMER.c.generation == generation).values(
            generation=generation + 1, updated_at=models.base.utcnow()))
    if result.rowcount != 1:
        raise errors.Conflict(
            'consumer generation conflict - another process changed the '
            'allocations of this consumer', code=errors.CONCURRENT_UPDATE)


def _delete_empty_consumers(conn, uuids):
    if not uuids:
        return
    holding = sa.select(ALLOC.c.consumer_id).where(
        ALLOC.c.consumer_id.in_(uuids))
    conn.execute(CONSUMER.delete().where(CONSUMER.c.uuid.in_(uuids),
                                         CONSUMER.c.uuid.not_in(holding)))


def _resolve(db, conn, wanted):
    """Provider rows and class ids for every (rp_uuid, rc_name) wanted."""
    rp_uuids = set()
    rc_names = set()
    for want in wanted:
        for rp_uuid, resources in want.allocations.items():
            rp_uuids.add(rp_uuid)
            rc_names.update(resources)
    rps = {}
    if rp_uuids:
        rps = {row.uuid: row for row in conn.execute(
            sa.select(RP.c.id, RP.c.uuid, RP.c.generation).where(
                RP.c.uuid.in_(sorted(rp_uuids))))}
    for rp_uuid in rp_uuids:
        if rp_uuid not in rps:
            raise errors.BadRequest(
                "Allocation for resource provider '%s' that does not exist."
                % rp_uuid)
    rcs = {}
    for name in rc_names:
        rc = names.rc_id(db, conn, name, required=False)
        if rc is None:
            raise errors.BadRequest(
                'Unable to allocate inventory: Unknown resource class in '
                'allocation: %s' % name)
        rcs[name] = rc
    return rps, rcs


def _check_capacity(conn, rps, rows, rc_name_of):
    """Each new allocation row fits its inventory's unit limits, and each
    provider's class stays within capacity now that they are written."""
    if not rows:
        return
    rp_ids = sorted(set(r['resource_provider_id'] for r in rows))
    invs = {}
    for row in conn.execute(sa.select(INV).where(
            INV.c.resource_provider_id.in_(rp_ids))):
        invs[(row.resource_provider_id, row.resource_class_id)] = row
    used = {}
    for rp, rc, total in conn.execute(
            sa.select(ALLOC.c.resource_provider_id,
                      ALLOC.c.resource_class_id, sa.func.sum(ALLOC.c.used))
            .where(ALLOC.c.resource_provider_id.in_(rp_ids))
            .group_by(ALLOC.c.resource_provider_id,
                      ALLOC.c.resource_class_id)):
        used[(rp, rc)] = int(total)
    uuid_of = {row.id: row.uuid for row in rps.values()}
    for row in rows:
        rp, rc = row['resource_provider_id'], row['resource_class_id']
        amount = row['used']
        inv = invs.get((rp, rc))
        if inv is None:
            raise errors.Conflict(
                'Unable to allocate inventory: Inventory for %s on resource '
                'provider %s invalid.' % (rc_name_of(rc), uuid_of[rp]))
        if amount < inv.min_unit or amount > inv.max_unit or \
                amount % inv.step_size:
            raise errors.BadRequest(
                'Unable to allocate inventory: Allocation of %s for class '
                '%s on resource provider %s violates min_unit, max_unit, or '
                'step_size.' % (amount, rc_name_of(rc), uuid_of[rp]))
        capacity = (inv.total - inv.reserved) * inv.allocation_ratio
        if used.get((rp, rc), 0) > capacity:
            raise errors.Conflict(
                "Unable to allocate inventory: Unable to create allocation "
                "for '%s' on resource provider '%s'. The requested amount "
                "would exceed the capacity." % (rc_name_of(rc), uuid_of[rp]))


def replace(db, conn, wanted, check_consumer_generation=True):
    """Make each consumer in ``wanted`` hold exactly its allocations."""
    rps, rcs = _resolve(db, conn, wanted)
    consumers = {}
    for want in wanted:
        consumers[want.consumer_uuid] = _prepare_consumer(conn, want)
    uuids = [w.consumer_uuid for w in wanted]
    old_rps = set(conn.execute(
        sa.select(ALLOC.c.resource_provider_id).where(
            ALLOC.c.consumer_id.in_(uuids))).scalars())
    conn.execute(ALLOC.delete().where(ALLOC.c.consumer_id.in_(uuids)))
    rows = []
    now = models.base.utcnow()
    for want in wanted:
        for rp_uuid, resources in want.allocations.items():
            rp = rps[rp_uuid]
            for name, amount in resources.items():
                rows.append({'resource_provider_id': rp.id,
                             'consumer_id': want.consumer_uuid,
                             'resource_class_id': rcs[name],
                             'used': amount, 'created_at': now})
    if rows:
        conn.execute(ALLOC.insert(), rows)
    _check_capacity(conn, rps, rows, names.rc_names(db, conn))
    touched = {row.id: row.generation for row in rps.values()}
    for rp_id, generation in sorted(touched.items()):
        providers.bump_generation(conn, rp_id, generation)
    for rp_id in sorted(old_rps - set(touched)):
        conn.execute(RP.update().where(RP.c.id == rp_id).values(
            generation=RP.c.generation + 1))
    for want in wanted:
        consumer_id, generation = consumers[want.consumer_uuid]
        _bump_consumer(conn, consumer_id, generation)
    _delete_empty_consumers(
        conn, [w.consumer_uuid for w in wanted if not w.allocations])


def delete_for_consumer(conn, uuid):
    result = conn.execute(ALLOC.delete().where(ALLOC.c.consumer_id == uuid))
    if not result.rowcount:
        raise errors.NotFound("No allocations for consumer '%s'" % uuid)
    conn.execute(CONSUMER.delete().where(CONSUMER.c.uuid == uuid))
