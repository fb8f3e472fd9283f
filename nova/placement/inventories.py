"""Inventories: how much of each resource class a provider has.

Every write bumps the provider's generation (compare-and-set against the
generation the caller saw). Removing the inventory of a class that has
allocations is refused; shrinking it below what is allocated is allowed
(the operator may be taking capacity away on purpose) and logged.
"""

from oslo_log import log as logging
import sqlalchemy as sa

from nova.placement.db import models
from nova.placement import errors
from nova.placement import providers

LOG = logging.getLogger(__name__)

INV = models.INV
ALLOC = models.ALLOC

FIELDS = ('total', 'reserved', 'min_unit', 'max_unit', 'step_size',
          'allocation_ratio')
MAX_INT = 2147483647
DEFAULTS = {'reserved': 0, 'min_unit': 1, 'max_unit': MAX_INT,
            'step_size': 1, 'allocation_ratio': 1.0}


def with_defaults(data):
    inv = dict(DEFAULTS)
    inv.update({k: v for k, v in data.items() if k in FIELDS})
    inv['allocation_ratio'] = float(inv['allocation_ratio'])
    return inv


def capacity(inv):
    return int((inv['total'] - inv['reserved']) * inv['allocation_ratio'])


def get_all(conn, rp_id):
    """{rc_id: row} of one provider."""
    rows = conn.execute(sa.select(INV).where(
        INV.c.resource_provider_id == rp_id)).all()
    return {row.resource_class_id: row for row in rows}


def _used(conn, rp_id):
    return dict(conn.execute(
        sa.select(ALLOC.c.resource_class_id, sa.func.sum(ALLOC.c.used))
        .where(ALLOC.c.resource_provider_id == rp_id)
        .group_by(ALLOC.c.resource_class_id)).all())


def check_reserved(rp, rc_name, inv, allow_equal):
    bad = (inv['reserved'] > inv['total'] if allow_equal
           else inv['reserved'] >= inv['total'])
    if bad and inv['reserved']:
        raise errors.BadRequest(
            "Unable to update inventory for resource provider %s: Invalid "
            "inventory for '%s' on resource provider '%s'. The reserved "
            "value is greater than or equal to total."
            % (rp.uuid, rc_name, rp.uuid))


def _in_use(rp, rc_name):
    return errors.Conflict(
        "Inventory for '%s' on resource provider '%s' in use."
        % (rc_name, rp.uuid), code=errors.INVENTORY_INUSE)


def _warn_exceeded(rp, rc_name, inv, used):
    if used and used > capacity(inv):
        LOG.warning('Resource provider %s: the new %s inventory (capacity '
                    '%d) is below the amount allocated (%d).',
                    rp.uuid, rc_name, capacity(inv), used)


def replace(conn, rp, generation, new, rc_name_of):
    """Set the whole inventory of ``rp`` to ``new`` ({rc_id: inv})."""
    new_gen = providers.bump_generation(conn, rp.id, generation)
    current = get_all(conn, rp.id)
    used = _used(conn, rp.id)
    now = models.base.utcnow()
    removed = [rc for rc in current if rc not in new]
    for rc in removed:
        if used.get(rc):
            raise _in_use(rp, rc_name_of(rc))
    if removed:
        conn.execute(INV.delete().where(
            INV.c.resource_provider_id == rp.id,
            INV.c.resource_class_id.in_(removed)))
    for rc, inv in new.items():
        _warn_exceeded(rp, rc_name_of(rc), inv, used.get(rc))
        if rc in current:
            row = current[rc]
            if any(getattr(row, f) != inv[f] for f in FIELDS):
                conn.execute(INV.update().where(INV.c.id == row.id).values(
                    updated_at=now, **inv))
        else:
            conn.execute(INV.insert().values(
                resource_provider_id=rp.id, resource_class_id=rc,
                created_at=now, **inv))
    return new_gen


def add(conn, rp, generation, rc, inv, rc_name):
    if rc in get_all(conn, rp.id):
        raise errors.Conflict(
            'Update to resource provider failed: Inventory for %s on '
            'resource provider %s already exists.' % (rc_name, rp.uuid))
    new_gen = providers.bump_generation(conn, rp.id, generation)
    conn.execute(INV.insert().values(
        resource_provider_id=rp.id, resource_class_id=rc,
        created_at=models.base.utcnow(), **inv))
    return new_gen


def update_one(conn, rp, generation, rc, inv, rc_name):
    current = get_all(conn, rp.id)
    if rc not in current:
        raise errors.NotFound(
            'No inventory of class %s found for resource provider %s'
            % (rc_name, rp.uuid))
    new_gen = providers.bump_generation(conn, rp.id, generation)
    _warn_exceeded(rp, rc_name, inv, _used(conn, rp.id).get(rc))
    conn.execute(INV.update().where(INV.c.id == current[rc].id).values(
        updated_at=models.base.utcnow(), **inv))
    return new_gen


def delete_one(conn, rp, rc, rc_name):
    current = get_all(conn, rp.id)
    if rc not in current:
        raise errors.NotFound(
            'No inventory of class %s found for delete' % rc_name)
    if _used(conn, rp.id).get(rc):
        raise _in_use(rp, rc_name)
    providers.bump_generation(conn, rp.id, rp.generation)
    conn.execute(INV.delete().where(INV.c.id == current[rc].id))
