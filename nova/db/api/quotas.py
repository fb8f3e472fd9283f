"""Quota limits and the usage counted in the API database.

Limits are rows of three tables: per project (``quotas``), per user of a
project (``project_user_quotas``) and per quota class (``quota_classes``).
Usage is never stored: it is counted from key pairs, server groups and
build requests when asked for.
"""

from oslo_db import exception as db_exc
from oslo_serialization import jsonutils
import sqlalchemy as sa

from nova.db.api import models
from nova.db import session as db_session


# Limits.

def quota_get_all_by_project(project_id):
    """{resource: hard_limit} set for the project itself."""
    with db_session.api_session() as s:
        rows = s.scalars(sa.select(models.Quota).where(
            models.Quota.project_id == project_id))
        return {r.resource: r.hard_limit for r in rows}


def quota_get_all_by_project_and_user(project_id, user_id):
    """{resource: hard_limit} set for the user within the project."""
    with db_session.api_session() as s:
        rows = s.scalars(sa.select(models.ProjectUserQuota).where(
            models.ProjectUserQuota.project_id == project_id,
            models.ProjectUserQuota.user_id == user_id))
        return {r.resource: r.hard_limit for r in rows}


def quota_get_user_limits_of_project(project_id):
    """{user_id: {resource: hard_limit}} for every user of the project
    with limits of their own."""
    with db_session.api_session() as s:
        rows = s.scalars(sa.select(models.ProjectUserQuota).where(
            models.ProjectUserQuota.project_id == project_id))
        result = {}
        for r in rows:
            result.setdefault(r.user_id, {})[r.resource] = r.hard_limit
        return result


def quota_set(project_id, resource, hard_limit, user_id=None):
    """Create or replace one limit of a project (or of one of its users)."""
    if user_id is None:
        model, where = models.Quota, {'project_id': project_id}
    else:
        model, where = models.ProjectUserQuota, {'project_id': project_id,
                                                 'user_id': user_id}
    for _attempt in range(3):
        try:
            with db_session.api_session() as s:
                stmt = sa.select(model).where(model.resource == resource)
                for column, value in where.items():
                    stmt = stmt.where(getattr(model, column) == value)
                row = s.scalars(stmt).first()
                if row is None:
                    s.add(model(resource=resource, hard_limit=hard_limit,
                                **where))
                else:
                    row.hard_limit = hard_limit
                s.flush()
            return
        except db_exc.DBDuplicateEntry:
            # A concurrent request created the row first: update it.
            continue


def quota_destroy_all_by_project(project_id):
    """Forget the project's limits and those of all its users."""
    with db_session.api_session() as s:
        s.execute(sa.delete(models.Quota).where(
            models.Quota.project_id == project_id))
        s.execute(sa.delete(models.ProjectUserQuota).where(
            models.ProjectUserQuota.project_id == project_id))


def quota_destroy_all_by_project_and_user(project_id, user_id):
    with db_session.api_session() as s:
        s.execute(sa.delete(models.ProjectUserQuota).where(
            models.ProjectUserQuota.project_id == project_id,
            models.ProjectUserQuota.user_id == user_id))


def quota_class_get_all_by_name(class_name):
    with db_session.api_session() as s:
        rows = s.scalars(sa.select(models.QuotaClass).where(
            models.QuotaClass.class_name == class_name).order_by(
            models.QuotaClass.id))
        return {r.resource: r.hard_limit for r in rows}


def quota_class_set(class_name, resource, hard_limit):
    with db_session.api_session() as s:
        row = s.scalars(sa.select(models.QuotaClass).where(
            models.QuotaClass.class_name == class_name,
            models.QuotaClass.resource == resource)).first()
        if row is None:
            s.add(models.QuotaClass(class_name=class_name, resource=resource,
                                    hard_limit=hard_limit))
        else:
            row.hard_limit = hard_limit


# Usage counted in the API database.

def key_pair_count_by_user(user_id):
    with db_session.api_session() as s:
        return s.scalar(sa.select(sa.func.count(models.KeyPair.id)).where(
            models.KeyPair.user_id == user_id))


def server_group_count(project_id, user_id=None):
    """(groups of the project, groups of the project the user owns)."""
    with db_session.api_session() as s:
        rows = list(s.execute(sa.select(models.InstanceGroup.user_id).where(
            models.InstanceGroup.project_id == project_id)))
        return (len(rows),
                sum(1 for (owner,) in rows if owner == user_id))


def server_group_member_count_by_user(group_uuid, user_id):
    """Members of the group that are live servers of the user.

    Members are counted through their instance mappings: a member whose
    server is being deleted (or was never recorded) does not count.
    """
    with db_session.api_session() as s:
        group_id = s.scalar(sa.select(models.InstanceGroup.id).where(
            models.InstanceGroup.uuid == group_uuid))
        if group_id is None:
            return 0
        stmt = sa.select(sa.func.count(models.InstanceGroupMember.id)).join(
            models.InstanceMapping,
            models.InstanceMapping.instance_uuid ==
            models.InstanceGroupMember.instance_uuid).where(
            models.InstanceGroupMember.group_id == group_id,
            sa.or_(models.InstanceMapping.queued_for_delete == sa.false(),
                   models.InstanceMapping.queued_for_delete.is_(None)))
        if user_id is not None:
            stmt = stmt.where(models.InstanceMapping.user_id == user_id)
        return s.scalar(stmt)


def build_request_usage(project_id):
    """Per build request of the project (servers not yet in a cell): its
    instance uuid, user id, vcpus and memory, read from the serialized
    instance."""
    with db_session.api_session() as s:
        rows = list(s.execute(sa.select(
            models.BuildRequest.instance_uuid,
            models.BuildRequest.instance).where(
            models.BuildRequest.project_id == project_id)))
    usage = []
    for instance_uuid, text in rows:
        data = {}
        try:
            data = jsonutils.loads(text or '{}').get('nova_object.data', {})
        except ValueError:
            pass
        usage.append({'uuid': instance_uuid,
                      'user_id': data.get('user_id'),
                      'vcpus': int(data.get('vcpus') or 0),
                      'memory_mb': int(data.get('memory_mb') or 0)})
    return usage


def build_requests_undo(instance_uuids):
    """Remove, in one transaction, what a refused boot request recorded:
    build requests, request specs, instance mappings and group
    membership of the given servers."""
    if not instance_uuids:
        return
    uuids = list(instance_uuids)
    with db_session.api_session() as s:
        for model in (models.BuildRequest, models.RequestSpec,
                      models.InstanceMapping, models.InstanceGroupMember):
            s.execute(sa.delete(model).where(model.instance_uuid.in_(uuids)))
