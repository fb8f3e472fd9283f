"""os-quota-class-sets: limits of a quota class (administrators only).

Only the class "default" has an effect: its limits replace the [quota]
options for every project without limits of its own.
"""

import pecan
import webob.exc

from nova.api import common
from nova.api import microversions as mv
from nova.api.controllers import quota_sets
from nova.api.schemas import quotas as schema
from nova.api import validation
from nova.policies import quota_class_sets as policies
from nova import quota

_SERVER_GROUP_RESOURCES = ('server_groups', 'server_group_members')


def _resources(version):
    hidden = set()
    if version >= mv.MV_QUOTA_CLASS_SERVER_GROUPS:
        hidden.update(quota.NETWORK_RESOURCES)
    else:
        hidden.update(_SERVER_GROUP_RESOURCES)
    if version >= mv.MV_NO_PERSONALITY:
        hidden.update(quota.PERSONALITY_RESOURCES)
    return [name for name in quota.RESOURCE_NAMES if name not in hidden]


def _format(req, class_name, values):
    return quota_sets.format_quota_set(
        req, class_name, values, key='quota_class_set',
        resources=_resources(common.version(req)))


class QuotaClassSetController:
    """/os-quota-class-sets/{class_name}."""

    def __init__(self, class_name):
        self.class_name = class_name

    @pecan.expose(generic=True)
    def index(self):
        common.method_not_allowed()

    @index.when(method='GET', template='json')
    def show(self):
        req = pecan.request
        common.authorize(req, policies.SHOW)
        values = quota.get_class_quotas(common.context(req), self.class_name)
        return _format(req, self.class_name, values)

    @index.when(method='PUT', template='json')
    def update(self):
        req = pecan.request
        common.authorize(req, policies.UPDATE)
        if not 1 <= len(self.class_name) <= 255:
            raise webob.exc.HTTPBadRequest(
                explanation='quota_class_name has a length of %d; it must '
                            'be between 1 and 255.' % len(self.class_name))
        ctx = common.context(req)
        body = validation.body(req, schema.update_quota_class_set(
            common.version(req)))['quota_class_set']
        quota.update_class_quotas(
            ctx, self.class_name,
            {name: int(value) for name, value in body.items()})
        return _format(req, None, quota.get_class_quotas(ctx,
                                                         self.class_name))


class QuotaClassSetsController:
    """/os-quota-class-sets: only its members exist."""

    @pecan.expose(generic=True)
    def index(self):
        raise webob.exc.HTTPNotFound()

    @pecan.expose()
    def _lookup(self, class_name, *remainder):
        return QuotaClassSetController(class_name), remainder
