"""os-server-groups: groups of servers with an (anti-)affinity policy.

Groups belong to a project and the policy target is the owning project.
A group of another project the caller may not see answers 404 (its
existence does not leak); administrators see every group and may list
every project's with ``all_projects``.
"""

import pecan
import webob.exc

from nova.api import common
from nova.api.schemas import server_groups as schema
from nova.api import validation
from nova.api.views import server_groups as view
from nova import exception
from nova.objects import instance_group as group_obj
from nova import objects
from nova.policies import server_groups as policies
from nova import quota


def _get(req, group_uuid, rule):
    """The group, once ``rule`` allows the caller on it: 404 for another
    project's group the caller may not see, 403 for a group of the
    caller's project the caller's role does not allow."""
    ctx = common.context(req)
    group = objects.InstanceGroup.get_by_uuid(ctx, group_uuid)
    target = {'project_id': group.project_id, 'user_id': group.user_id}
    if (group.project_id != ctx.project_id and
            not common.allowed(req, rule, target)):
        raise exception.InstanceGroupNotFound(group_uuid=group_uuid)
    common.authorize(req, rule, target)
    return group


def _check_quota(ctx, count=1):
    """403 if the project cannot have ``count`` more groups (0: the
    re-check once the group exists)."""
    quota.check_server_groups(ctx, ctx.project_id, ctx.user_id, count)


class ServerGroupController:
    """One group: /os-server-groups/{id}."""

    def __init__(self, group_uuid):
        self.group_uuid = group_uuid

    @pecan.expose(generic=True)
    def index(self):
        common.method_not_allowed()

    @index.when(method='GET', template='json')
    def show(self):
        req = pecan.request
        return view.show(req, _get(req, self.group_uuid, policies.SHOW))

    @index.when(method='DELETE', template='json')
    def delete(self):
        req = pecan.request
        _get(req, self.group_uuid, policies.DELETE).destroy()
        return common.empty_response(204)


class ServerGroupsController:
    """/os-server-groups."""

    @pecan.expose(generic=True)
    def index(self):
        common.method_not_allowed()

    @index.when(method='GET', template='json')
    def list(self):
        req = pecan.request
        ctx = common.context(req)
        common.authorize(req, policies.INDEX, {'project_id': ctx.project_id})
        params = validation.query(req, schema.list_query(
            common.version(req)))
        # Without index:all_projects the caller gets their own project's
        # groups, not a 403, as upstream.
        if 'all_projects' in params and common.allowed(
                req, policies.ALL_PROJECTS, {'project_id': ctx.project_id}):
            groups = objects.InstanceGroupList.get_all(ctx)
        else:
            groups = objects.InstanceGroupList.get_by_project_id(
                ctx, ctx.project_id)
        groups = list(groups)
        offset = int(params.get('offset') or 0)
        limit, _marker = common.paging(params)
        if not limit:
            limit = common.CONF.api.max_limit
        return view.index(req, groups[offset:offset + limit])

    @index.when(method='POST', template='json')
    def create(self):
        req = pecan.request
        ctx = common.context(req)
        common.authorize(req, policies.CREATE, {
            'project_id': ctx.project_id, 'user_id': ctx.user_id})
        version = common.version(req)
        values = validation.body(req, schema.create(version))['server_group']
        if version >= schema.MV_SERVER_GROUP_POLICY:
            policy = values['policy']
            rules = values.get('rules') or {}
            if rules and policy != group_obj.ANTI_AFFINITY:
                raise webob.exc.HTTPBadRequest(
                    explanation='Only anti-affinity policy supports rules.')
        else:
            policy, rules = values['policies'][0], {}
        _check_quota(ctx)
        group = objects.InstanceGroup(
            ctx, name=values['name'], policy=policy,
            rules={k: str(v) for k, v in rules.items()},
            user_id=ctx.user_id, project_id=ctx.project_id, members=[])
        group.create()
        if quota.CONF.quota.recheck_quota:
            try:
                _check_quota(ctx, 0)
            except exception.OverQuota:
                # A concurrent create took the last one: this group goes.
                group.destroy()
                raise
        return view.show(req, group)

    @pecan.expose()
    def _lookup(self, group_uuid, *remainder):
        if not remainder:
            return ServerGroupController(group_uuid), remainder
        raise webob.exc.HTTPNotFound()
