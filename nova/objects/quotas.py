"""Quota limits and usage counts, read and written in the conductor.

Every method is a remotable classmethod returning plain data, so a quota
check costs the API one RPC whatever the number of cells.
"""

from oslo_versionedobjects import fields

from nova.db.api import api as api_db
from nova.db.api import quotas as quota_db
from nova.db.main import quotas as cell_quota_db
from nova.objects import base
from nova.objects import instance as instance_obj

# Resources whose usage is counted from the servers of the project.
INSTANCE_RESOURCES = ('instances', 'cores', 'ram')


def _cell_uuids():
    return [cell.uuid for cell in api_db.cell_mapping_get_all()]


def _count_instances(context, project_id, user_id):
    """Servers, vcpus and memory of the project (and the user) across the
    build requests and every cell, each server counted once.

    Build requests are read before the cells: the conductor creates a
    server in its cell before it deletes the build request, so a server
    moving between the two is seen at least once, never missed.
    """
    pending = {br['uuid']: br for br in quota_db.build_request_usage(
        project_id)}
    project = [0, 0, 0]
    user = [0, 0, 0]
    for cell_uuid in _cell_uuids():
        usage = cell_quota_db.instance_usage(
            context.targeted(cell_uuid), project_id, user_id,
            among=list(pending))
        for i, value in enumerate(usage['project']):
            project[i] += value
        if user_id is not None:
            for i, value in enumerate(usage['user']):
                user[i] += value
        for instance_uuid in usage['present']:
            pending.pop(instance_uuid, None)
    for br in pending.values():
        values = (1, br['vcpus'], br['memory_mb'])
        for i, value in enumerate(values):
            project[i] += value
            if user_id is not None and br['user_id'] == user_id:
                user[i] += value
    result = {'project': dict(zip(INSTANCE_RESOURCES, project))}
    if user_id is not None:
        result['user'] = dict(zip(INSTANCE_RESOURCES, user))
    return result


@base.NovaObjectRegistry.register
class Quotas(base.NovaObject):
    """Namespace of the quota methods that need the databases."""
    # Version 1.0: Initial version
    VERSION = '1.0'

    fields = {
        'project_id': fields.StringField(nullable=True),
        'user_id': fields.StringField(nullable=True),
    }

    @base.remotable_classmethod
    def get_limits(cls, context, project_id, user_id=None):
        """The limits stored for the "default" class, the project and the
        user: {'class': {...}, 'project': {...}, 'user': {...}}."""
        result = {'class': quota_db.quota_class_get_all_by_name('default')}
        if project_id is not None:
            result['project'] = quota_db.quota_get_all_by_project(project_id)
        if project_id is not None and user_id is not None:
            result['user'] = quota_db.quota_get_all_by_project_and_user(
                project_id, user_id)
        return result

    @base.remotable_classmethod
    def get_limits_and_usage(cls, context, project_id, user_id, resources,
                             group_uuid=None):
        """The stored limits (as get_limits) and the usage of the given
        countable resources: {'limits': ..., 'project': {res: n},
        'user': {res: n}}, in one call."""
        result = {'limits': cls.get_limits(context, project_id, user_id)}
        usage = cls.count(context, project_id, user_id, resources,
                          group_uuid=group_uuid)
        result.update(usage)
        return result

    @base.remotable_classmethod
    def count(cls, context, project_id, user_id, resources,
              group_uuid=None):
        """Usage of the countable ``resources``: {'project': {...},
        'user': {...}}."""
        project, user = {}, {}
        if set(resources) & set(INSTANCE_RESOURCES):
            counted = _count_instances(context, project_id, user_id)
            for name in INSTANCE_RESOURCES:
                if name in resources:
                    project[name] = counted['project'][name]
                    if user_id is not None:
                        user[name] = counted['user'][name]
        if 'key_pairs' in resources and user_id is not None:
            # Key pairs belong to users: the project figure is the user's.
            project['key_pairs'] = user['key_pairs'] = \
                quota_db.key_pair_count_by_user(user_id)
        if 'server_groups' in resources:
            project['server_groups'], user['server_groups'] = \
                quota_db.server_group_count(project_id, user_id)
        if 'server_group_members' in resources and group_uuid:
            project['server_group_members'] = \
                user['server_group_members'] = \
                quota_db.server_group_member_count_by_user(group_uuid,
                                                           user_id)
        return {'project': project, 'user': user}

    @base.remotable_classmethod
    def set_limits(cls, context, project_id, limits, user_id=None):
        for resource, hard_limit in limits.items():
            quota_db.quota_set(project_id, resource, hard_limit,
                               user_id=user_id)

    @base.remotable_classmethod
    def destroy_all_by_project(cls, context, project_id):
        quota_db.quota_destroy_all_by_project(project_id)

    @base.remotable_classmethod
    def destroy_all_by_project_and_user(cls, context, project_id, user_id):
        quota_db.quota_destroy_all_by_project_and_user(project_id, user_id)

    @base.remotable_classmethod
    def get_class(cls, context, class_name):
        return quota_db.quota_class_get_all_by_name(class_name)

    @base.remotable_classmethod
    def set_class_limits(cls, context, class_name, limits):
        for resource, hard_limit in limits.items():
            quota_db.quota_class_set(class_name, resource, hard_limit)

    @base.remotable_classmethod
    def undo_build_requests(cls, context, instance_uuids):
        """Remove what a refused boot request recorded in the API
        database (build requests, request specs, mappings, group
        membership)."""
        quota_db.build_requests_undo(instance_uuids)

    @base.remotable_classmethod
    @base.datetime_args('start', 'end')
    def usage_in_period(cls, context, start, end, project_id=None):
        """Servers of every cell that ran between ``start`` and ``end``,
        as dicts with their sizes and life times."""
        start = start.replace(tzinfo=None)
        end = end.replace(tzinfo=None)
        usages = []
        for cell_uuid in _cell_uuids():
            rows = cell_quota_db.instances_in_period(
                context.targeted(cell_uuid), start, end, project_id)
            for row in rows:
                flavor = instance_obj._flavor_from_db(
                    row.extra.flavor if row.extra else None)
                usages.append({
                    'uuid': row.uuid,
                    'name': row.display_name or '',
                    'project_id': row.project_id,
                    'flavor': flavor.name if flavor is not None else '',
                    'memory_mb': int(row.memory_mb or 0),
                    'vcpus': int(row.vcpus or 0),
                    'local_gb': int((row.root_gb or 0) +
                                    (row.ephemeral_gb or 0)),
                    'vm_state': row.vm_state,
                    'deleted': bool(row.deleted),
                    'created_at': _iso(row.created_at),
                    'launched_at': _iso(row.launched_at),
                    'terminated_at': _iso(row.terminated_at),
                })
        usages.sort(key=lambda u: (u['created_at'] or '', u['uuid']))
        return usages


def _iso(value):
    return value.strftime('%Y-%m-%dT%H:%M:%S.%f') if value else None
