"""Queries on the API database. Called by versioned objects in the
conductor and by nova-manage; never imported by other services."""

import sqlalchemy as sa
from oslo_db import exception as db_exc

from nova.db.api import models
from nova.db import session as db_session
from nova import exception


def _one(session, stmt):
    return session.scalars(stmt).first()


def _get(session, model, not_found, **where):
    """The row of ``model`` matching the ``where`` columns, or raise
    ``not_found`` (an exception instance)."""
    stmt = sa.select(model)
    for column, value in where.items():
        stmt = stmt.where(getattr(model, column) == value)
    row = _one(session, stmt)
    if row is None:
        raise not_found
    return row


# Cell mappings.

def cell_mapping_get_by_uuid(uuid):
    with db_session.api_session() as s:
        return _get(
            s, models.CellMapping,
            exception.CellMappingNotFound(uuid=uuid),
            uuid=uuid)


def cell_mapping_get_all():
    with db_session.api_session() as s:
        return list(s.scalars(sa.select(models.CellMapping).order_by(
            models.CellMapping.id)))


def cell_mapping_create(values):
    with db_session.api_session() as s:
        row = models.CellMapping(**values)
        s.add(row)
        s.flush()
        return row


def cell_mapping_update(uuid, values):
    with db_session.api_session() as s:
        row = _get(
            s, models.CellMapping,
            exception.CellMappingNotFound(uuid=uuid),
            uuid=uuid)
        row.update(values)
        return row


# Host mappings.

def host_mapping_get_by_host(host):
    with db_session.api_session() as s:
        return _get(
            s, models.HostMapping,
            exception.HostMappingNotFound(name=host),
            host=host)


def host_mapping_get_all():
    with db_session.api_session() as s:
        return list(s.scalars(sa.select(models.HostMapping)))


def host_mapping_create(host, cell_uuid):
    with db_session.api_session() as s:
        cell = _one(s, sa.select(models.CellMapping).where(
            models.CellMapping.uuid == cell_uuid))
        if cell is None:
            raise exception.CellMappingNotFound(uuid=cell_uuid)
        row = models.HostMapping(host=host, cell_id=cell.id)
        s.add(row)
        try:
            s.flush()
        except db_exc.DBDuplicateEntry:
            raise exception.HostMappingExists(name=host)
        row.cell_mapping = cell
        return row


# Instance mappings.

def instance_mapping_get(instance_uuid):
    with db_session.api_session() as s:
        return _get(
            s, models.InstanceMapping,
            exception.InstanceMappingNotFound(uuid=instance_uuid),
            instance_uuid=instance_uuid)


def instance_mapping_get_many(instance_uuids):
    if not instance_uuids:
        return []
    with db_session.api_session() as s:
        return list(s.scalars(sa.select(models.InstanceMapping).where(
            models.InstanceMapping.instance_uuid.in_(instance_uuids))))


def instance_mapping_get_by_cells(cell_uuids, project_id=None):
    """The mappings of the instances in the given cells (optionally of one
    project), oldest first."""
    if not cell_uuids:
        return []
    with db_session.api_session() as s:
        stmt = sa.select(models.InstanceMapping).join(
            models.CellMapping,
            models.InstanceMapping.cell_id == models.CellMapping.id).where(
            models.CellMapping.uuid.in_(cell_uuids),
            models.InstanceMapping.queued_for_delete == sa.false())
        if project_id is not None:
            stmt = stmt.where(models.InstanceMapping.project_id == project_id)
        return list(s.scalars(stmt.order_by(models.InstanceMapping.id)))


def instance_mapping_create(values):
    with db_session.api_session() as s:
        row = models.InstanceMapping(**values)
        s.add(row)
        s.flush()
        s.refresh(row)
        return row


def instance_mapping_create_many(values_list):
    """Create mappings for a whole multi-create request in one transaction."""
    with db_session.api_session() as s:
        rows = [models.InstanceMapping(**v) for v in values_list]
        s.add_all(rows)
        s.flush()
        return rows


def instance_mapping_update(instance_uuid, values):
    with db_session.api_session() as s:
        row = _get(
            s, models.InstanceMapping,
            exception.InstanceMappingNotFound(uuid=instance_uuid),
            instance_uuid=instance_uuid)
        if 'cell_uuid' in values:
            cell_uuid = values.pop('cell_uuid')
            cell = _one(s, sa.select(models.CellMapping).where(
                models.CellMapping.uuid == cell_uuid))
            row.cell_id = cell.id
            row.cell_mapping = cell
        row.update(values)
        s.flush()
        return row


def instance_mapping_delete(instance_uuid):
    with db_session.api_session() as s:
        s.execute(sa.delete(models.InstanceMapping).where(
            models.InstanceMapping.instance_uuid == instance_uuid))


# Flavors.

# ``visible_to`` of the flavor readers: every flavor, or only those a
# project may use (the public ones and the private ones shared with it).
ALL_PROJECTS = object()


def _flavor_visibility(visible_to):
    """The condition a flavor must meet to be seen by project
    ``visible_to``; None when every flavor may be seen."""
    if visible_to is ALL_PROJECTS:
        return None
    shared = sa.select(models.FlavorProject.flavor_id).where(
        models.FlavorProject.project_id == visible_to)
    return sa.or_(models.Flavor.is_public == sa.true(),
                  models.Flavor.id.in_(shared))


def _flavor_query(visible_to=ALL_PROJECTS):
    stmt = sa.select(models.Flavor)
    condition = _flavor_visibility(visible_to)
    return stmt if condition is None else stmt.where(condition)


def flavor_get_by(visible_to=ALL_PROJECTS, **kwargs):
    with db_session.api_session() as s:
        stmt = _flavor_query(visible_to)
        for key, value in kwargs.items():
            stmt = stmt.where(getattr(models.Flavor, key) == value)
        return _one(s, stmt)


def flavor_get_all(filters=None, sort_key='flavorid', sort_dir='asc',
                   limit=None, marker=None, visible_to=ALL_PROJECTS):
    from oslo_db.sqlalchemy import utils as sqlalchemyutils
    filters = filters or {}
    with db_session.api_session() as s:
        query = s.query(models.Flavor)
        condition = _flavor_visibility(visible_to)
        if condition is not None:
            query = query.filter(condition)
        if not filters.get('include_disabled', False):
            query = query.filter(models.Flavor.disabled == sa.false())
        if 'min_memory_mb' in filters:
            query = query.filter(
                models.Flavor.memory_mb >= filters['min_memory_mb'])
        if 'min_root_gb' in filters:
            query = query.filter(
                models.Flavor.root_gb >= filters['min_root_gb'])
        is_public = filters.get('is_public')
        projects = filters.get('projects')
        if is_public is not None:
            condition = models.Flavor.is_public == bool(is_public)
            if is_public and projects:
                # Public flavors plus private ones shared with the project.
                shared = sa.select(models.FlavorProject.flavor_id).where(
                    models.FlavorProject.project_id.in_(projects))
                condition = sa.or_(condition, models.Flavor.id.in_(shared))
            query = query.filter(condition)
        marker_row = None
        if marker is not None:
            marker_row = query.filter(
                models.Flavor.flavorid == marker).first()
            if marker_row is None:
                raise exception.MarkerNotFound(marker=marker)
        query = sqlalchemyutils.paginate_query(
            query, models.Flavor, limit, [sort_key, 'id'],
            marker=marker_row, sort_dir=sort_dir)
        return query.all()


def flavor_create(values, extra_specs=None, projects=None):
    with db_session.api_session() as s:
        row = models.Flavor(**values)
        row.extra_specs = [models.FlavorExtraSpec(key=k, value=v)
                           for k, v in (extra_specs or {}).items()]
        row.projects = [models.FlavorProject(project_id=p)
                        for p in (projects or [])]
        s.add(row)
        try:
            s.flush()
        except db_exc.DBDuplicateEntry as e:
            if 'flavorid' in (e.columns or []) or any(
                    'flavorid' in c for c in e.columns or []):
                raise exception.FlavorIdExists(flavor_id=values['flavorid'])
            raise exception.FlavorExists(name=values['name'])
        return row


def _flavor_row(s, flavor_id):
    return _get(
        s, models.Flavor,
        exception.FlavorNotFound(flavor_id=flavor_id),
        id=flavor_id)


def flavor_update(flavor_id, values):
    with db_session.api_session() as s:
        row = _flavor_row(s, flavor_id)
        row.update(values)
        return row


def flavor_destroy(flavor_id):
    with db_session.api_session() as s:
        row = _flavor_row(s, flavor_id)
        s.delete(row)


def flavor_extra_specs_update(flavor_id, to_add, to_delete):
    with db_session.api_session() as s:
        row = _flavor_row(s, flavor_id)
        by_key = {spec.key: spec for spec in row.extra_specs}
        for key in to_delete or []:
            spec = by_key.pop(key, None)
            if spec is None:
                raise exception.FlavorExtraSpecsNotFound(
                    flavor_id=row.flavorid, extra_specs_key=key)
            row.extra_specs.remove(spec)
        for key, value in (to_add or {}).items():
            if key in by_key:
                by_key[key].value = value
            else:
                row.extra_specs.append(
                    models.FlavorExtraSpec(key=key, value=value))
        s.flush()
        return row


def flavor_access_add(flavor_id, project_id):
    with db_session.api_session() as s:
        row = _flavor_row(s, flavor_id)
        if any(p.project_id == project_id for p in row.projects):
            raise exception.FlavorAccessExists(flavor_id=row.flavorid,
                                               project_id=project_id)
        row.projects.append(models.FlavorProject(project_id=project_id))
        s.flush()
        return row


def flavor_access_remove(flavor_id, project_id):
    with db_session.api_session() as s:
        row = _flavor_row(s, flavor_id)
        for project in row.projects:
            if project.project_id == project_id:
                row.projects.remove(project)
                s.flush()
                return row
        raise exception.FlavorAccessNotFound(flavor_id=row.flavorid,
                                             project_id=project_id)


# Key pairs.

def key_pair_get(user_id, name):
    with db_session.api_session() as s:
        row = _one(s, sa.select(models.KeyPair).where(
            models.KeyPair.user_id == user_id, models.KeyPair.name == name))
        if row is None:
            raise exception.KeypairNotFound(user_id=user_id, name=name)
        return row


def key_pair_get_all_by_user(user_id):
    with db_session.api_session() as s:
        return list(s.scalars(sa.select(models.KeyPair).where(
            models.KeyPair.user_id == user_id).order_by(models.KeyPair.name)))


def key_pair_create(values):
    with db_session.api_session() as s:
        row = models.KeyPair(**values)
        s.add(row)
        try:
            s.flush()
        except db_exc.DBDuplicateEntry:
            raise exception.Conflict(
                reason='Key pair %s already exists.' % values['name'])
        return row


def key_pair_destroy(user_id, name):
    with db_session.api_session() as s:
        result = s.execute(sa.delete(models.KeyPair).where(
            models.KeyPair.user_id == user_id, models.KeyPair.name == name))
        if not result.rowcount:
            raise exception.KeypairNotFound(user_id=user_id, name=name)


# Request specs and build requests.

def request_spec_get(instance_uuid):
    with db_session.api_session() as s:
        return _get(
            s, models.RequestSpec,
            exception.RequestSpecNotFound(instance_uuid=instance_uuid),
            instance_uuid=instance_uuid)


def request_spec_get_many(instance_uuids):
    if not instance_uuids:
        return []
    with db_session.api_session() as s:
        return list(s.scalars(sa.select(models.RequestSpec).where(
            models.RequestSpec.instance_uuid.in_(instance_uuids))))


def request_spec_create(values):
    with db_session.api_session() as s:
        row = models.RequestSpec(**values)
        s.add(row)
        s.flush()
        return row


def request_spec_update(instance_uuid, spec):
    with db_session.api_session() as s:
        s.execute(sa.update(models.RequestSpec).where(
            models.RequestSpec.instance_uuid == instance_uuid).values(
            spec=spec))


def request_spec_destroy(instance_uuid):
    with db_session.api_session() as s:
        s.execute(sa.delete(models.RequestSpec).where(
            models.RequestSpec.instance_uuid == instance_uuid))


def build_request_get(instance_uuid):
    with db_session.api_session() as s:
        return _get(
            s, models.BuildRequest,
            exception.BuildRequestNotFound(uuid=instance_uuid),
            instance_uuid=instance_uuid)


def build_request_get_all(project_id=None):
    with db_session.api_session() as s:
        stmt = sa.select(models.BuildRequest)
        if project_id is not None:
            stmt = stmt.where(models.BuildRequest.project_id == project_id)
        return list(s.scalars(stmt))


def build_request_create(values):
    with db_session.api_session() as s:
        row = models.BuildRequest(**values)
        s.add(row)
        s.flush()
        return row


def build_request_update(instance_uuid, values):
    with db_session.api_session() as s:
        s.execute(sa.update(models.BuildRequest).where(
            models.BuildRequest.instance_uuid == instance_uuid).values(
            **values))


def build_request_destroy(instance_uuid):
    """Delete the build request; False if it was already gone."""
    with db_session.api_session() as s:
        result = s.execute(sa.delete(models.BuildRequest).where(
            models.BuildRequest.instance_uuid == instance_uuid))
        return bool(result.rowcount)


def build_requests_create_many(entries):
    """Write what the API records for a boot request, all or nothing.

    ``entries`` holds, per instance, the values of its build request, its
    serialized request spec and its instance mapping (no cell yet).
    """
    with db_session.api_session() as s:
        for build_values, spec_text, mapping_values in entries:
            s.add(models.BuildRequest(**build_values))
            s.add(models.RequestSpec(
                instance_uuid=build_values['instance_uuid'], spec=spec_text))
            s.add(models.InstanceMapping(**mapping_values))
        s.flush()


# Host aggregates. Only live aggregates (deleted == 0) are ever returned.

def _aggregate_query():
    return sa.select(models.Aggregate).where(models.Aggregate.deleted == 0)


def _aggregate_row(s, aggregate_id):
    row = _one(s, _aggregate_query().where(
        models.Aggregate.id == aggregate_id))
    if row is None:
        raise exception.AggregateNotFound(aggregate_id=aggregate_id)
    return row


def _aggregate_name_taken(s, name, but_id=None):
    stmt = _aggregate_query().where(models.Aggregate.name == name)
    if but_id is not None:
        stmt = stmt.where(models.Aggregate.id != but_id)
    return _one(s, stmt) is not None


def aggregate_get(aggregate_id):
    with db_session.api_session() as s:
        return _aggregate_row(s, aggregate_id)


def aggregate_get_by_uuid(uuid):
    with db_session.api_session() as s:
        row = _one(s, _aggregate_query().where(models.Aggregate.uuid == uuid))
        if row is None:
            raise exception.AggregateNotFound(aggregate_id=uuid)
        return row


def aggregate_get_all():
    with db_session.api_session() as s:
        return list(s.scalars(_aggregate_query().order_by(
            models.Aggregate.id)))


def aggregate_get_by_host(host, key=None):
    """Aggregates holding ``host``; only those with metadata ``key`` when
    a key is given."""
    with db_session.api_session() as s:
        stmt = _aggregate_query().where(models.Aggregate.id.in_(
            sa.select(models.AggregateHost.aggregate_id).where(
                models.AggregateHost.host == host)))
        if key is not None:
            stmt = stmt.where(models.Aggregate.id.in_(
                sa.select(models.AggregateMetadata.aggregate_id).where(
                    models.AggregateMetadata.key == key)))
        return list(s.scalars(stmt.order_by(models.Aggregate.id)))


def aggregate_get_by_metadata(key=None, value=None, hosts=None):
    """Aggregates with a metadata item matching ``key`` and/or ``value``,
    restricted to those holding one of ``hosts`` when that is given."""
    with db_session.api_session() as s:
        stmt = _aggregate_query()
        if key is not None or value is not None:
            meta = sa.select(models.AggregateMetadata.aggregate_id)
            if key is not None:
                meta = meta.where(models.AggregateMetadata.key == key)
            if value is not None:
                meta = meta.where(models.AggregateMetadata.value == value)
            stmt = stmt.where(models.Aggregate.id.in_(meta))
        if hosts is not None:
            stmt = stmt.where(models.Aggregate.id.in_(
                sa.select(models.AggregateHost.aggregate_id).where(
                    models.AggregateHost.host.in_(list(hosts)))))
        return list(s.scalars(stmt.order_by(models.Aggregate.id)))


def aggregate_create(values, metadata=None):
    with db_session.api_session() as s:
        if _aggregate_name_taken(s, values['name']):
            raise exception.AggregateNameExists(
                aggregate_name=values['name'])
        row = models.Aggregate(**values)
        row.metadata_items = [models.AggregateMetadata(key=k, value=v)
                              for k, v in (metadata or {}).items()]
        row.hosts = []
        s.add(row)
        try:
            s.flush()
        except db_exc.DBDuplicateEntry:
            raise exception.AggregateNameExists(
                aggregate_name=values['name'])
        return row


def aggregate_update(aggregate_id, values):
    with db_session.api_session() as s:
        row = _aggregate_row(s, aggregate_id)
        name = values.get('name')
        if name is not None and _aggregate_name_taken(s, name, row.id):
            raise exception.AggregateNameExists(aggregate_name=name)
        row.update(values)
        row.updated_at = _utcnow()
        try:
            s.flush()
        except db_exc.DBDuplicateEntry:
            raise exception.AggregateNameExists(aggregate_name=name)
        return row


def aggregate_destroy(aggregate_id):
    with db_session.api_session() as s:
        row = _aggregate_row(s, aggregate_id)
        row.hosts = []
        row.metadata_items = []
        row.deleted = row.id
        row.deleted_at = _utcnow()


def aggregate_host_add(aggregate_id, host):
    with db_session.api_session() as s:
        row = _aggregate_row(s, aggregate_id)
        if any(h.host == host for h in row.hosts):
            raise exception.AggregateHostExists(aggregate_id=aggregate_id,
                                                host=host)
        row.hosts.append(models.AggregateHost(host=host))
        try:
            s.flush()
        except db_exc.DBDuplicateEntry:
            raise exception.AggregateHostExists(aggregate_id=aggregate_id,
                                                host=host)
        return row


def aggregate_host_delete(aggregate_id, host):
    with db_session.api_session() as s:
        row = _aggregate_row(s, aggregate_id)
        for item in row.hosts:
            if item.host == host:
                row.hosts.remove(item)
                s.flush()
                return row
        raise exception.AggregateHostNotFound(aggregate_id=aggregate_id,
                                              host=host)


def aggregate_metadata_update(aggregate_id, updates):
    """Set the items of ``updates``; a None value removes its key."""
    with db_session.api_session() as s:
        row = _aggregate_row(s, aggregate_id)
        by_key = {item.key: item for item in row.metadata_items}
        for key, value in updates.items():
            item = by_key.get(key)
            if value is None:
                if item is not None:
                    row.metadata_items.remove(item)
            elif item is not None:
                item.value = value
            else:
                row.metadata_items.append(
                    models.AggregateMetadata(key=key, value=value))
        row.updated_at = _utcnow()
        s.flush()
        return row


def _utcnow():
    from nova.db import base
    return base.utcnow()


# Server groups (instance groups).

def _instance_group_row(s, uuid):
    return _get(s, models.InstanceGroup,
                exception.InstanceGroupNotFound(group_uuid=uuid), uuid=uuid)


def instance_group_get_by_uuid(uuid):
    with db_session.api_session() as s:
        return _instance_group_row(s, uuid)


def instance_group_get_by_name(name, project_id):
    with db_session.api_session() as s:
        row = _one(s, sa.select(models.InstanceGroup).where(
            models.InstanceGroup.name == name,
            models.InstanceGroup.project_id == project_id).order_by(
            models.InstanceGroup.id))
        if row is None:
            raise exception.InstanceGroupNotFound(group_uuid=name)
        return row


def instance_group_get_by_instance(instance_uuid):
    with db_session.api_session() as s:
        row = _one(s, sa.select(models.InstanceGroup).join(
            models.InstanceGroupMember).where(
            models.InstanceGroupMember.instance_uuid == instance_uuid))
        if row is None:
            raise exception.InstanceGroupNotFound(group_uuid='')
        return row


def instance_group_get_all(project_id=None):
    with db_session.api_session() as s:
        stmt = sa.select(models.InstanceGroup)
        if project_id is not None:
            stmt = stmt.where(models.InstanceGroup.project_id == project_id)
        return list(s.scalars(stmt.order_by(models.InstanceGroup.id)))


def instance_group_create(values, policy=None, rules=None, members=None):
    """Create a group; ``rules`` is the JSON text of its policy's rules."""
    with db_session.api_session() as s:
        row = models.InstanceGroup(**values)
        row.policies = ([models.InstanceGroupPolicy(policy=policy,
                                                    rules=rules)]
                        if policy else [])
        row.members = [models.InstanceGroupMember(instance_uuid=m)
                       for m in dict.fromkeys(members or [])]
        s.add(row)
        try:
            s.flush()
        except db_exc.DBDuplicateEntry:
            raise exception.InstanceGroupIdExists(group_uuid=values['uuid'])
        return row


def instance_group_update(uuid, values, members=None):
    """Update the group's columns; replace its members when given."""
    with db_session.api_session() as s:
        row = _instance_group_row(s, uuid)
        row.update(values)
        if members is not None:
            wanted = list(dict.fromkeys(members))
            current = {m.instance_uuid: m for m in row.members}
            for gone in set(current) - set(wanted):
                row.members.remove(current[gone])
            for new in wanted:
                if new not in current:
                    row.members.append(
                        models.InstanceGroupMember(instance_uuid=new))
        s.flush()
        return row


def instance_group_destroy(uuid):
    with db_session.api_session() as s:
        s.delete(_instance_group_row(s, uuid))


def instance_group_members_add(uuid, instance_uuids):
    """Add members to a group; returns the uuids that were new."""
    with db_session.api_session() as s:
        row = _instance_group_row(s, uuid)
        current = {m.instance_uuid for m in row.members}
        added = [u for u in dict.fromkeys(instance_uuids)
                 if u not in current]
        for instance_uuid in added:
            row.members.append(
                models.InstanceGroupMember(instance_uuid=instance_uuid))
        s.flush()
        return added


def instance_mappings_queued_for_delete(instance_uuids):
    """Which of ``instance_uuids`` belong to servers being deleted."""
    if not instance_uuids:
        return set()
    with db_session.api_session() as s:
        return set(s.scalars(sa.select(
            models.InstanceMapping.instance_uuid).where(
            models.InstanceMapping.instance_uuid.in_(list(instance_uuids)),
            models.InstanceMapping.queued_for_delete == sa.true())))
