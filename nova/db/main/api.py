"""Queries on a cell database. Called by versioned objects in the
conductor and by nova-manage; never imported by other services.

Every function takes the request context first: its ``cell_uuid`` picks
the cell database, its ``read_deleted`` whether soft-deleted rows show.
"""

import heapq
import re

from oslo_db import exception as db_exc
import sqlalchemy as sa

from nova.db import base
from nova.db.main import models
from nova.db import session as db_session
from nova import exception


def _soft_delete(row):
    row.deleted = row.id
    row.deleted_at = base.utcnow()


def _live(context, model, stmt):
    """Apply the context's read_deleted to a query on a soft-delete model."""
    mode = getattr(context, 'read_deleted', 'no')
    if mode == 'no':
        return stmt.where(model.deleted == 0)
    if mode == 'only':
        return stmt.where(model.deleted != 0)
    return stmt


# Services.

def service_create(context, values):
    with db_session.cell_session(context) as s:
        row = models.Service(**values)
        s.add(row)
        try:
            s.flush()
        except db_exc.DBDuplicateEntry:
            raise exception.ServiceBinaryExists(host=values.get('host'),
                                                binary=values.get('binary'))
        return row


def _live_row(s, context, model, not_found=None, **where):
    """The row of ``model`` matching the ``where`` columns, as the
    context's read_deleted allows; None or ``not_found`` raised if there
    is none."""
    stmt = _live(context, model, sa.select(model))
    for column, value in where.items():
        stmt = stmt.where(getattr(model, column) == value)
    row = s.scalars(stmt).first()
    if row is None and not_found is not None:
        raise not_found
    return row


def service_get(context, service_id):
    with db_session.cell_session(context) as s:
        return _live_row(s, context, models.Service,
                         exception.ServiceNotFound(service_id=service_id),
                         id=service_id)


def service_get_by_uuid(context, uuid):
    with db_session.cell_session(context) as s:
        return _live_row(s, context, models.Service,
                         exception.ServiceNotFound(service_id=uuid),
                         uuid=uuid)


def service_get_by_host_and_binary(context, host, binary):
    with db_session.cell_session(context) as s:
        return _live_row(
            s, context, models.Service,
            exception.ServiceNotFound(service_id='%s/%s' % (host, binary)),
            host=host, binary=binary)


def service_get_all(context, disabled=None, binary=None, host=None):
    with db_session.cell_session(context) as s:
        stmt = _live(context, models.Service, sa.select(models.Service))
        if disabled is not None:
            stmt = stmt.where(models.Service.disabled == disabled)
        if binary is not None:
            stmt = stmt.where(models.Service.binary == binary)
        if host is not None:
            stmt = stmt.where(models.Service.host == host)
        return list(s.scalars(stmt.order_by(models.Service.id)))


def service_update(context, service_id, values):
    with db_session.cell_session(context) as s:
        row = _live_row(s, context, models.Service,
                        exception.ServiceNotFound(service_id=service_id),
                        id=service_id)
        row.update(values)
        s.flush()
        return row


def service_heartbeat(context, service_id, now):
    """Record a heartbeat with one UPDATE; returns the refreshed row."""
    with db_session.cell_session(context) as s:
        result = s.execute(sa.update(models.Service).where(
            models.Service.id == service_id,
            models.Service.deleted == 0).values(
            report_count=models.Service.report_count + 1,
            last_seen_up=now, updated_at=now))
        if not result.rowcount:
            raise exception.ServiceNotFound(service_id=service_id)
        return _live_row(s, context, models.Service, id=service_id)


def service_destroy(context, service_id):
    with db_session.cell_session(context) as s:
        row = _live_row(s, context, models.Service,
                        exception.ServiceNotFound(service_id=service_id),
                        id=service_id)
        _soft_delete(row)


# Compute nodes.

def _node_query(context):
    return _live(context, models.ComputeNode, sa.select(models.ComputeNode))


def compute_node_get(context, node_id):
    with db_session.cell_session(context) as s:
        return _live_row(
            s, context, models.ComputeNode,
            exception.ComputeHostNotFoundById(compute_id=node_id),
            id=node_id)


def compute_node_get_by_uuid(context, uuid):
    with db_session.cell_session(context) as s:
        return _live_row(
            s, context, models.ComputeNode,
            exception.ComputeHostNotFoundById(compute_id=uuid), uuid=uuid)


def compute_node_get_by_host_and_nodename(context, host, nodename):
    with db_session.cell_session(context) as s:
        return _live_row(
            s, context, models.ComputeNode,
            exception.ComputeHostNotFoundByNode(nodename=nodename),
            host=host, hypervisor_hostname=nodename)


def compute_node_get_all(context, host=None):
    with db_session.cell_session(context) as s:
        stmt = _node_query(context)
        if host is not None:
            stmt = stmt.where(models.ComputeNode.host == host)
        return list(s.scalars(stmt.order_by(models.ComputeNode.id)))


def compute_node_get_changed_since(context, since):
    """Node records created, updated or deleted at or after ``since``,
    deleted ones included (the scheduler's incremental refresh)."""
    node = models.ComputeNode
    since = base.naive_utc(since)
    with db_session.cell_session(context) as s:
        stmt = sa.select(node).where(sa.or_(
            node.updated_at >= since, node.created_at >= since,
            node.deleted_at >= since))
        return list(s.scalars(stmt.order_by(node.id)))


def compute_node_create(context, values):
    with db_session.cell_session(context) as s:
        row = models.ComputeNode(**values)
        s.add(row)
        s.flush()
        return row


def compute_node_create_many(context, values_list):
    """Create many node records in one transaction (first start of a
    host that exposes thousands of nodes).

    A node whose uuid belongs to a deleted record (its service was
    deleted, then started again with the uuid it remembers) gets that
    record back, updated: uuids are unique among deleted records too."""
    node = models.ComputeNode
    uuids = [values['uuid'] for values in values_list if values.get('uuid')]
    with db_session.cell_session(context) as s:
        deleted = {}
        if uuids:
            deleted = {row.uuid: row for row in s.scalars(
                sa.select(node).where(node.uuid.in_(uuids),
                                      node.deleted != 0))}
        rows = []
        for values in values_list:
            row = deleted.get(values.get('uuid'))
            if row is None:
                row = node(**values)
                s.add(row)
            else:
                row.update(values)
                row.deleted = 0
                row.deleted_at = None
                row.updated_at = base.utcnow()
            rows.append(row)
        s.flush()
        return rows


def compute_node_update(context, node_id, values):
    with db_session.cell_session(context) as s:
        row = _live_row(
            s, context, models.ComputeNode,
            exception.ComputeHostNotFoundById(compute_id=node_id),
            id=node_id)
        row.update(values)
        s.flush()
        return row


def compute_node_update_many(context, updates):
    """Apply {node_id: values} in one transaction (a host with many nodes
    reports them all at once)."""
    with db_session.cell_session(context) as s:
        now = base.utcnow()
        for node_id, values in updates.items():
            values = dict(values, updated_at=now)
            s.execute(sa.update(models.ComputeNode).where(
                models.ComputeNode.id == node_id).values(**values))


def compute_node_destroy(context, node_id):
    with db_session.cell_session(context) as s:
        row = s.get(models.ComputeNode, node_id)
        if row is None:
            raise exception.ComputeHostNotFoundById(compute_id=node_id)
        _soft_delete(row)


# Instances.

def _instance_query(context):
    return _live(context, models.Instance, sa.select(models.Instance))


def _set_dict_items(s, row, relation, model, items):
    current = {item.key: item for item in getattr(row, relation)}
    for key, item in current.items():
        if key not in items:
            getattr(row, relation).remove(item)
            s.delete(item)
    for key, value in items.items():
        if key in current:
            current[key].value = value
        else:
            getattr(row, relation).append(
                model(key=key, value=value, instance_uuid=row.uuid))


def instance_create(context, values, metadata=None, system_metadata=None,
                    flavor=None, network_info=None):
    with db_session.cell_session(context) as s:
        row = models.Instance(**values)
        row.extra = models.InstanceExtra(instance_uuid=row.uuid,
                                         flavor=flavor,
                                         network_info=network_info)
        row.metadata_items = [
            models.InstanceMetadata(key=k, value=v, instance_uuid=row.uuid)
            for k, v in (metadata or {}).items()]
        row.system_metadata_items = [
            models.InstanceSystemMetadata(key=k, value=v,
                                          instance_uuid=row.uuid)
            for k, v in (system_metadata or {}).items()]
        s.add(row)
        try:
            s.flush()
        except db_exc.DBDuplicateEntry:
            raise exception.InstanceExists(name=values.get('uuid'))
        return row


def instance_get_by_uuid(context, uuid):
    with db_session.cell_session(context) as s:
        return _live_row(s, context, models.Instance,
                         exception.InstanceNotFound(instance_id=uuid),
                         uuid=uuid)


def instance_update(context, uuid, values, expected=None, metadata=None,
                    system_metadata=None, flavor=None, network_info=None):
    """Update an instance, refusing if a field is not in its expected set.

    ``expected`` maps a column (vm_state, task_state) to the values it may
    hold for the update to apply: this is how two racing state changes
    are kept from both winning.
    """
    with db_session.cell_session(context) as s:
        row = s.scalars(_instance_query(context).where(
            models.Instance.uuid == uuid).with_for_update()).first()
        if row is None:
            raise exception.InstanceNotFound(instance_id=uuid)
        for field, allowed in (expected or {}).items():
            if getattr(row, field) not in allowed:
                raise exception.InstanceInvalidState(
                    instance_uuid=uuid, attr=field,
                    state=getattr(row, field), method='update')
        row.update(values)
        if metadata is not None:
            _set_dict_items(s, row, 'metadata_items',
                            models.InstanceMetadata, metadata)
        if system_metadata is not None:
            _set_dict_items(s, row, 'system_metadata_items',
                            models.InstanceSystemMetadata, system_metadata)
        if flavor is not None:
            row.extra.flavor = flavor
        if network_info is not None:
            row.extra.network_info = network_info
        s.flush()
        return row


def instance_destroy(context, uuid):
    with db_session.cell_session(context) as s:
        row = s.scalars(_instance_query(context).where(
            models.Instance.uuid == uuid)).first()
        if row is None:
            raise exception.InstanceNotFound(instance_id=uuid)
        now = base.utcnow()
        row.vm_state = 'deleted'
        row.task_state = None
        row.terminated_at = row.terminated_at or now
        _soft_delete(row)
        for item in row.metadata_items + row.system_metadata_items:
            _soft_delete(item)
        from nova.db.main import tags as tags_db
        tags_db.purge_instance(s, uuid)
        return row


def instance_get_all_by_host(context, host):
    with db_session.cell_session(context) as s:
        return list(s.scalars(_instance_query(context).where(
            models.Instance.host == host)))


# Filters that match a column exactly (a list means any of).
_EXACT_FILTERS = ('project_id', 'user_id', 'host', 'node', 'vm_state',
                  'task_state', 'uuid', 'reservation_id', 'image_ref',
                  'availability_zone', 'key_name', 'locked',
                  'instance_type_id')


def _apply_instance_filters(stmt, context, filters):
    filters = dict(filters or {})
    deleted = filters.pop('deleted', None)
    if deleted is None:
        stmt = _live(context, models.Instance, stmt)
    elif deleted:
        stmt = stmt.where(models.Instance.deleted != 0)
    else:
        stmt = stmt.where(models.Instance.deleted == 0)
    for key in _EXACT_FILTERS:
        if key not in filters:
            continue
        value = filters[key]
        column = getattr(models.Instance, key)
        if isinstance(value, (list, tuple, set, frozenset)):
            stmt = stmt.where(column.in_(list(value)))
        elif value is None:
            stmt = stmt.where(column.is_(None))
        else:
            stmt = stmt.where(column == value)
    if filters.get('changes-since'):
        stmt = stmt.where(models.Instance.updated_at >=
                          base.naive_utc(filters['changes-since']))
    if filters.get('changes-before'):
        stmt = stmt.where(models.Instance.updated_at <=
                          base.naive_utc(filters['changes-before']))
    from nova.db.main import tags as tags_db
    stmt = tags_db.apply_filters(stmt, filters)
    return stmt


def name_matcher(pattern):
    """Predicate for the API's name filter: a regular expression, or the
    literal text when the pattern is not one."""
    try:
        regex = re.compile(pattern)
    except re.error:
        regex = re.compile(re.escape(pattern))
    return lambda name: bool(regex.search(name or ''))


def _sort_value(row, key):
    value = getattr(row, key)
    # None sorts first ascending, as SQL NULLs do in MySQL and SQLite.
    return (value is not None, value)


def instance_get_all_by_filters(context, filters, sort_keys, sort_dirs,
                                limit=None, marker_values=None,
                                marker_uuid=None):
    """Instances of one cell database, sorted, after a marker.

    ``marker_values`` are the sort-key values of the marker instance (it
    may live in another cell), so each cell can continue after it.
    """
    filters = dict(filters or {})
    name = filters.pop('display_name', None)
    with db_session.cell_session(context) as s:
        stmt = _apply_instance_filters(sa.select(models.Instance), context,
                                       filters)
        if marker_values is not None:
            stmt = stmt.where(_after_marker(sort_keys, sort_dirs,
                                            marker_values))
        order = []
        for key, direction in zip(sort_keys, sort_dirs):
            column = getattr(models.Instance, key)
            order.append(column.asc() if direction == 'asc'
                         else column.desc())
        stmt = stmt.order_by(*order)
        if limit is not None and name is None:
            stmt = stmt.limit(limit)
        rows = list(s.scalars(stmt))
        if name is not None:
            match = name_matcher(name)
            rows = [r for r in rows if match(r.display_name)]
            if limit is not None:
                rows = rows[:limit]
        return rows


def _after_marker(sort_keys, sort_dirs, marker_values):
    """WHERE clause selecting rows strictly after the marker's position."""
    clauses = []
    for i, (key, direction) in enumerate(zip(sort_keys, sort_dirs)):
        column = getattr(models.Instance, key)
        value = marker_values[i]
        equal_before = [getattr(models.Instance, k) == marker_values[j]
                        if marker_values[j] is not None
                        else getattr(models.Instance, k).is_(None)
                        for j, k in enumerate(sort_keys[:i])]
        if value is None:
            # NULL sorts first: ascending, anything non-NULL follows;
            # descending, nothing follows.
            beyond = column.is_not(None) if direction == 'asc' else sa.false()
        elif direction == 'asc':
            beyond = column > value
        else:
            beyond = sa.or_(column < value, column.is_(None))
        clauses.append(sa.and_(*equal_before, beyond))
    return sa.or_(*clauses)


def instance_get_marker_values(context, uuid, sort_keys):
    with db_session.cell_session(context.elevated(read_deleted='yes')) as s:
        row = s.scalars(sa.select(models.Instance).where(
            models.Instance.uuid == uuid)).first()
        if row is None:
            return None
        return [getattr(row, key) for key in sort_keys]


def merge_sorted(row_lists, sort_keys, sort_dirs, limit=None):
    """Merge per-cell sorted lists into one list sorted the same way."""
    def key(row):
        parts = []
        for k, d in zip(sort_keys, sort_dirs):
            parts.append(_Ordered(_sort_value(row, k), d == 'desc'))
        return parts
    merged = heapq.merge(*row_lists, key=key)
    result = []
    for row in merged:
        result.append(row)
        if limit is not None and len(result) >= limit:
            break
    return result


class _Ordered:
    """Comparison wrapper that flips order for descending keys."""
    __slots__ = ('value', 'reverse')

    def __init__(self, value, reverse):
        self.value = value
        self.reverse = reverse

    def __lt__(self, other):
        if self.reverse:
            return other.value < self.value
        return self.value < other.value

    def __eq__(self, other):
        return self.value == other.value


# Faults.

def instance_fault_create(context, values):
    with db_session.cell_session(context) as s:
        row = models.InstanceFault(**values)
        s.add(row)
        s.flush()
        return row


def instance_fault_get_latest(context, instance_uuids):
    """The newest fault of each instance, as {uuid: row}."""
    if not instance_uuids:
        return {}
    with db_session.cell_session(context) as s:
        rows = s.scalars(sa.select(models.InstanceFault).where(
            models.InstanceFault.instance_uuid.in_(list(instance_uuids)),
            models.InstanceFault.deleted == 0).order_by(
            models.InstanceFault.instance_uuid,
            models.InstanceFault.created_at.desc(),
            models.InstanceFault.id.desc()))
        latest = {}
        for row in rows:
            latest.setdefault(row.instance_uuid, row)
        return latest
