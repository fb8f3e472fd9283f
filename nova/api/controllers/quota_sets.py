"""os-quota-sets: the limits of a project (or of a user in it), their
usage, and the defaults.

The policy target is the project of the path: its readers see its
quotas, a caller from another project gets 403 (as upstream); every
change is for administrators. The defaults are public.
"""

import pecan
import webob.exc

from nova.api import common
from nova.api import microversions as mv
from nova.api.schemas import quotas as schema
from nova.api.schemas import types
from nova.api import validation
from nova.policies import quota_sets as policies
from nova import quota


def filtered_resources(version):
    """The resources a quota set shows at ``version``."""
    hidden = set()
    if version >= mv.MV_NO_NETWORK_QUOTAS:
        hidden.update(quota.NETWORK_RESOURCES)
    if version >= mv.MV_NO_PERSONALITY:
        hidden.update(quota.PERSONALITY_RESOURCES)
    return [name for name in quota.RESOURCE_NAMES if name not in hidden]


def format_quota_set(req, project_id, values, key='quota_set',
                     resources=None):
    body = {'id': str(project_id)} if project_id else {}
    for name in resources or filtered_resources(common.version(req)):
        if name in values:
            body[name] = values[name]
    return {key: body}


def _user_id(req):
    return validation.query(req, schema.user_query).get('user_id') or None


def _authorize(req, rule, project_id):
    common.authorize(req, rule, {'project_id': project_id})


def _check_limit(resource, value, minimum, maximum):
    def inf(v):
        return float('inf') if v == -1 else v

    if inf(value) < inf(minimum):
        raise webob.exc.HTTPBadRequest(
            explanation='Quota limit %s for %s must be greater than or '
                        'equal to already used and reserved %s.'
                        % (value, resource, minimum))
    if inf(value) > inf(maximum):
        raise webob.exc.HTTPBadRequest(
            explanation='Quota limit %s for %s must be less than or '
                        'equal to %s.' % (value, resource, maximum))


class QuotaSetDetailController:
    """/os-quota-sets/{project_id}/detail: limits with their usage."""

    def __init__(self, project_id):
        self.project_id = project_id

    @pecan.expose(generic=True)
    def index(self):
        common.method_not_allowed()

    @index.when(method='GET', template='json')
    def show(self):
        req = pecan.request
        _authorize(req, policies.DETAIL, self.project_id)
        values = quota.get_project_quotas(
            common.context(req), self.project_id, user_id=_user_id(req),
            usages=True)
        return format_quota_set(req, self.project_id, values)


class QuotaSetDefaultsController:
    """/os-quota-sets/{project_id}/defaults."""

    def __init__(self, project_id):
        self.project_id = project_id

    @pecan.expose(generic=True)
    def index(self):
        common.method_not_allowed()

    @index.when(method='GET', template='json')
    def show(self):
        req = pecan.request
        _authorize(req, policies.DEFAULTS, self.project_id)
        return format_quota_set(req, self.project_id,
                                quota.get_defaults(common.context(req)))


class QuotaSetController:
    """/os-quota-sets/{project_id}."""

    def __init__(self, project_id):
        self.project_id = project_id
        self.detail = QuotaSetDetailController(project_id)
        self.defaults = QuotaSetDefaultsController(project_id)

    @pecan.expose(generic=True)
    def index(self):
        common.method_not_allowed()

    @index.when(method='GET', template='json')
    def show(self):
        req = pecan.request
        _authorize(req, policies.SHOW, self.project_id)
        values = quota.get_project_quotas(
            common.context(req), self.project_id, user_id=_user_id(req))
        return format_quota_set(req, self.project_id, values)

    @index.when(method='PUT', template='json')
    def update(self):
        req = pecan.request
        _authorize(req, policies.UPDATE, self.project_id)
        ctx = common.context(req)
        user_id = _user_id(req)
        body = validation.body(
            req, schema.update_quota_set(common.version(req)))['quota_set']
        force = types.to_bool(body.pop('force', False))
        wanted = {name: int(value) for name, value in body.items()}
        if wanted and not force:
            settable = quota.get_settable_quotas(ctx, self.project_id,
                                                 user_id=user_id)
            # Refuse the whole update if any value is out of range.
            for name, value in wanted.items():
                _check_limit(name, value, settable[name]['minimum'],
                             settable[name]['maximum'])
        if wanted:
            quota.set_project_quotas(ctx, self.project_id, wanted,
                                     user_id=user_id)
        values = quota.get_project_quotas(ctx, self.project_id,
                                          user_id=user_id)
        return format_quota_set(req, None, values)

    @index.when(method='DELETE', template='json')
    def delete(self):
        req = pecan.request
        _authorize(req, policies.DELETE, self.project_id)
        ctx = common.context(req)
        user_id = _user_id(req)
        if user_id:
            quota.destroy_all_by_project_and_user(ctx, self.project_id,
                                                  user_id)
        else:
            quota.destroy_all_by_project(ctx, self.project_id)
        return common.empty_response(202)


class QuotaSetsController:
    """/os-quota-sets: only its members exist."""

    @pecan.expose(generic=True)
    def index(self):
        raise webob.exc.HTTPNotFound()

    @pecan.expose()
    def _lookup(self, project_id, *remainder):
        return QuotaSetController(project_id), remainder
