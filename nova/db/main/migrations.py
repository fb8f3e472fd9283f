"""Queries on the migrations table of a cell database (and the resize
flavors kept in instance_extra). Called by nova.objects.migration and
nova.objects.instance in the conductor only."""

import datetime

import sqlalchemy as sa

from nova.db import base
from nova.db.main import models
from nova.db import session as db_session
from nova import exception

# Statuses after which a migration is over, whatever its kind.
FINAL_STATUSES = ('confirmed', 'reverted', 'error', 'failed', 'completed',
                  'cancelled', 'done')

_M = models.Migration


def _query(context):
    stmt = sa.select(_M)
    mode = getattr(context, 'read_deleted', 'no')
    if mode == 'no':
        stmt = stmt.where(_M.deleted == 0)
    elif mode == 'only':
        stmt = stmt.where(_M.deleted != 0)
    return stmt


def migration_create(context, values):
    with db_session.cell_session(context) as s:
        row = _M(**values)
        s.add(row)
        s.flush()
        return row


def migration_get(context, migration_id):
    with db_session.cell_session(context) as s:
        row = s.scalars(_query(context).where(_M.id == migration_id)).first()
        if row is None:
            raise exception.MigrationNotFound(migration_id=migration_id)
        return row


def migration_get_by_uuid(context, uuid):
    with db_session.cell_session(context) as s:
        row = s.scalars(_query(context).where(_M.uuid == uuid)).first()
        if row is None:
            raise exception.MigrationNotFound(migration_id=uuid)
        return row


def migration_get_by_id_and_instance(context, migration_id, instance_uuid):
    with db_session.cell_session(context) as s:
        row = s.scalars(_query(context).where(
            _M.id == migration_id,
            _M.instance_uuid == instance_uuid)).first()
        if row is None:
            raise exception.MigrationNotFoundForInstance(
                migration_id=migration_id, instance_id=instance_uuid)
        return row


def migration_get_by_instance_and_status(context, instance_uuid, status):
    """The newest migration of the instance in ``status``."""
    with db_session.cell_session(context) as s:
        row = s.scalars(_query(context).where(
            _M.instance_uuid == instance_uuid,
            _M.status == status).order_by(_M.id.desc())).first()
        if row is None:
            raise exception.MigrationNotFoundByStatus(
                instance_id=instance_uuid, status=status)
        return row


def migration_update(context, migration_id, values):
    with db_session.cell_session(context) as s:
        row = s.scalars(_query(context).where(
            _M.id == migration_id).with_for_update()).first()
        if row is None:
            raise exception.MigrationNotFound(migration_id=migration_id)
        row.update(values)
        s.flush()
        return row


def migration_get_in_progress_by_instance(context, instance_uuid,
                                          migration_type=None):
    with db_session.cell_session(context) as s:
        stmt = _query(context).where(_M.instance_uuid == instance_uuid,
                                     _M.status.notin_(FINAL_STATUSES))
        if migration_type:
            stmt = stmt.where(_M.migration_type == migration_type)
        return list(s.scalars(stmt.order_by(_M.id)))


def migration_get_in_progress_by_host_and_node(context, host, node):
    """Moves to or from the node that still hold (or will hold) its
    resources."""
    with db_session.cell_session(context) as s:
        stmt = _query(context).where(
            sa.or_(sa.and_(_M.source_compute == host,
                           _M.source_node == node),
                   sa.and_(_M.dest_compute == host, _M.dest_node == node)),
            _M.status.notin_(FINAL_STATUSES))
        return list(s.scalars(stmt.order_by(_M.id)))


def migration_get_in_progress_by_host(context, host):
    """Moves from or to any node of ``host`` not over yet."""
    with db_session.cell_session(context) as s:
        stmt = _query(context).where(
            sa.or_(_M.source_compute == host, _M.dest_compute == host),
            _M.status.notin_(FINAL_STATUSES))
        return list(s.scalars(stmt.order_by(_M.id)))


def migration_get_unconfirmed_by_dest_compute(context, confirm_window,
                                              dest_compute):
    """Finished resizes onto ``dest_compute`` waiting for a confirm for
    more than ``confirm_window`` seconds."""
    limit = base.utcnow() - datetime.timedelta(seconds=confirm_window)
    with db_session.cell_session(context) as s:
        return list(s.scalars(_query(context).where(
            _M.status == 'finished', _M.dest_compute == dest_compute,
            _M.updated_at <= limit).order_by(_M.id)))


# Filters that match one column (a list means any of).
_EXACT = ('status', 'instance_uuid', 'source_compute', 'dest_compute',
          'migration_type', 'user_id', 'project_id', 'uuid')


def _apply_filters(stmt, filters):
    for key in _EXACT:
        value = filters.get(key)
        if value is None:
            continue
        column = getattr(_M, key)
        if isinstance(value, (list, tuple, set)):
            stmt = stmt.where(column.in_(list(value)))
        else:
            stmt = stmt.where(column == value)
    if filters.get('host'):
        host = filters['host']
        stmt = stmt.where(sa.or_(_M.source_compute == host,
                                 _M.dest_compute == host))
    if filters.get('node'):
        node = filters['node']
        stmt = stmt.where(sa.or_(_M.source_node == node,
                                 _M.dest_node == node))
    if 'hidden' in filters:
        stmt = stmt.where(sa.func.coalesce(_M.hidden, False) ==
                          bool(filters['hidden']))
    if filters.get('changes-since'):
        stmt = stmt.where(_M.updated_at >=
                          base.naive_utc(filters['changes-since']))
    if filters.get('changes-before'):
        stmt = stmt.where(_M.updated_at <=
                          base.naive_utc(filters['changes-before']))
    return stmt


def migration_get_all_by_filters(context, filters, limit=None, marker=None):
    """Newest first (created_at, then id). ``marker`` is the uuid of the
    last migration of the previous page."""
    with db_session.cell_session(context) as s:
        stmt = _apply_filters(_query(context), filters or {})
        if marker is not None:
            mrow = s.scalars(sa.select(_M).where(_M.uuid == marker)).first()
            if mrow is None:
                raise exception.MarkerNotFound(marker=marker)
            if mrow.created_at is None:
                stmt = stmt.where(_M.id < mrow.id)
            else:
                stmt = stmt.where(sa.or_(
                    _M.created_at < mrow.created_at,
                    sa.and_(_M.created_at == mrow.created_at,
                            _M.id < mrow.id)))
        stmt = stmt.order_by(_M.created_at.desc(), _M.id.desc())
        if limit is not None:
            stmt = stmt.limit(limit)
        return list(s.scalars(stmt))


def instance_extra_set_move_flavors(context, instance_uuid, values):
    """Write old_flavor / new_flavor (serialized, or None to clear) of
    ``instance_uuid``; ``values`` holds only the ones that changed."""
    with db_session.cell_session(context) as s:
        row = s.scalars(sa.select(models.InstanceExtra).where(
            models.InstanceExtra.instance_uuid == instance_uuid)).first()
        if row is None:
            raise exception.InstanceNotFound(instance_id=instance_uuid)
        row.update(values)
        s.flush()
