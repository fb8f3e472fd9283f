"""os-security-groups and os-security-group-rules: proxies of the network
service's security groups, gone (404) after 2.35.

Groups are the caller's project's (an administrator adds all_tenants to
list everybody's); Neutron sees the caller's token, so its policy has the
last word. Deleting a group or a rule answers 202, as upstream.
"""

import pecan
import webob.exc

from nova.api import common
from nova.api import microversions as mv
from nova.api.schemas import security_groups as schema
from nova.api import validation
from nova.api.views import security_groups as view
import nova.conf
from nova.network import security_groups
from nova.policies import security_group_proxies as policies

CONF = nova.conf.CONF


def _check_version(req):
    if common.version(req) > mv.MV_MAX_PROXY:
        raise webob.exc.HTTPNotFound()


def _api():
    return security_groups.API()


def render(ctx, api, group):
    return view.group(group, api.describe(ctx, [group]))


def _limited(items, params):
    """The slice of ``items`` the offset and limit parameters ask for."""
    offset = int(params.get('offset') or 0)
    limit = int(params.get('limit') or 0) or CONF.api.max_limit
    return items[offset:offset + min(limit, CONF.api.max_limit)]


class SecurityGroupController:
    """/os-security-groups/{id}."""

    def __init__(self, group_id):
        self.group_id = group_id

    def _get(self, req, rule):
        _check_version(req)
        common.authorize(req, rule)
        ctx = common.context(req)
        security_groups.validate_id(self.group_id)
        return ctx, _api().get(ctx, self.group_id)

    @pecan.expose(generic=True)
    def index(self):
        common.method_not_allowed()

    @index.when(method='GET', template='json')
    def show(self):
        req = pecan.request
        ctx, group = self._get(req, policies.SHOW)
        return {'security_group': render(ctx, _api(), group)}

    @index.when(method='PUT', template='json')
    def update(self):
        req = pecan.request
        _check_version(req)
        values = validation.body(req, schema.update)['security_group']
        ctx, group = self._get(req, policies.UPDATE)
        api = _api()
        group = api.update(ctx, group, values['name'],
                           values['description'])
        return {'security_group': render(ctx, api, group)}

    @index.when(method='DELETE', template='json')
    def delete(self):
        req = pecan.request
        ctx, group = self._get(req, policies.DELETE)
        _api().destroy(ctx, group)
        return common.empty_response(202)


def _collection_other_verb():
    # "/os-security-groups/" names an empty id: upstream routes a DELETE
    # or PUT there nowhere (404); on the collection itself it is a 405.
    if pecan.request.path_info.endswith('/'):
        raise webob.exc.HTTPNotFound()
    common.method_not_allowed()


class SecurityGroupsController:
    """/os-security-groups."""

    @pecan.expose(generic=True)
    def index(self):
        _collection_other_verb()

    @index.when(method='GET', template='json')
    def list(self):
        req = pecan.request
        _check_version(req)
        common.authorize(req, policies.GET)
        params = validation.query(req, schema.list_query)
        ctx = common.context(req)
        all_tenants = 'all_tenants' in params and ctx.is_admin
        api = _api()
        groups = _limited(api.list(ctx, ctx.project_id,
                                   all_tenants=all_tenants), params)
        return {'security_groups': view.groups(groups,
                                               api.describe(ctx, groups))}

    @index.when(method='POST', template='json')
    def create(self):
        req = pecan.request
        _check_version(req)
        values = validation.body(req, schema.create)['security_group']
        common.authorize(req, policies.CREATE)
        ctx = common.context(req)
        api = _api()
        group = api.create(ctx, values['name'], values['description'])
        return {'security_group': render(ctx, api, group)}

    @pecan.expose()
    def _lookup(self, group_id, *remainder):
        if remainder:
            raise webob.exc.HTTPNotFound()
        return SecurityGroupController(group_id), remainder


class SecurityGroupRuleController:
    """/os-security-group-rules/{id}: DELETE only."""

    def __init__(self, rule_id):
        self.rule_id = rule_id

    @pecan.expose(generic=True)
    def index(self):
        common.method_not_allowed()

    @index.when(method='DELETE', template='json')
    def delete(self):
        req = pecan.request
        _check_version(req)
        common.authorize(req, policies.RULE_DELETE)
        ctx = common.context(req)
        security_groups.validate_id(self.rule_id)
        api = _api()
        rule = api.get_rule(ctx, self.rule_id)
        # The rule's group must be one the caller sees.
        api.get(ctx, rule['parent_group_id'])
        api.delete_rule(ctx, rule['id'])
        return common.empty_response(202)


class SecurityGroupRulesController:
    """/os-security-group-rules: POST only."""

    @pecan.expose(generic=True)
    def index(self):
        _collection_other_verb()

    @index.when(method='POST', template='json')
    def create(self):
        req = pecan.request
        _check_version(req)
        values = validation.body(req, schema.create_rule)[
            'security_group_rule']
        common.authorize(req, policies.RULE_CREATE)
        ctx = common.context(req)
        api = _api()
        parent = api.get(ctx, values['parent_group_id'])
        group_id = values.get('group_id')
        grantee = None
        if group_id is not None:
            source = api.get(ctx, group_id)
            grantee = {'name': source['name'],
                       'tenant_id': source['project_id']}
        rule = security_groups.new_rule(
            parent['id'], protocol=values.get('ip_protocol'),
            from_port=values.get('from_port'),
            to_port=values.get('to_port'), cidr=values.get('cidr'),
            group_id=group_id)
        if rule is None:
            raise webob.exc.HTTPBadRequest(
                explanation='Not enough parameters to build a valid rule.')
        made = api.create_rule(ctx, parent, rule)
        return {'security_group_rule': view.rule(made, grantee)}

    @pecan.expose()
    def _lookup(self, rule_id, *remainder):
        if remainder:
            raise webob.exc.HTTPNotFound()
        return SecurityGroupRuleController(rule_id), remainder
