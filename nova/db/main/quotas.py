"""Usage counted in a cell database for quotas and usage reports."""

import sqlalchemy as sa

from nova.db.main import models
from nova.db import session as db_session

# Soft-deleted servers (awaiting reclaim) hold no quota, as upstream.
SOFT_DELETED = 'soft-delete'


def instance_usage(context, project_id, user_id=None, among=None):
    """Live servers of the project in the context's cell.

    Returns {'project': (count, vcpus, memory_mb), 'user': (...),
    'present': uuids of ``among`` that are in this cell (live or not)}.
    """
    inst = models.Instance
    live = sa.and_(inst.project_id == project_id, inst.deleted == 0,
                   sa.or_(inst.vm_state != SOFT_DELETED,
                          inst.vm_state.is_(None)))
    totals = (sa.func.count(inst.id),
              sa.func.coalesce(sa.func.sum(inst.vcpus), 0),
              sa.func.coalesce(sa.func.sum(inst.memory_mb), 0))
    result = {}
    with db_session.cell_session(context) as s:
        result['project'] = tuple(int(v) for v in s.execute(
            sa.select(*totals).where(live)).one())
        if user_id is not None:
            result['user'] = tuple(int(v) for v in s.execute(
                sa.select(*totals).where(live, inst.user_id == user_id)
            ).one())
        present = []
        if among:
            present = list(s.scalars(sa.select(inst.uuid).where(
                inst.uuid.in_(list(among)))))
        result['present'] = present
    return result


def instances_in_period(context, start, end, project_id=None):
    """Servers (deleted ones included) that ran at some time between
    ``start`` and ``end``: launched before ``end`` and not terminated
    before ``start``."""
    inst = models.Instance
    stmt = sa.select(inst).where(
        sa.or_(inst.terminated_at.is_(None), inst.terminated_at > start),
        inst.launched_at < end)
    if project_id is not None:
        stmt = stmt.where(inst.project_id == project_id)
    with db_session.cell_session(context) as s:
        return list(s.scalars(stmt.order_by(inst.created_at, inst.id)))
