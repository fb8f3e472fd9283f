"""limits: the absolute limits of a project and what it uses of them
(rate limits are gone: "rate" is always empty)."""

import pecan

from nova.api import common
from nova.api import microversions as mv
from nova.api.schemas import limits as schema
from nova.api import validation
from nova.policies import limits as policies
from nova import quota

# Limit names of the body, by quota resource.
_MAX_NAMES = (
    ('ram', ('maxTotalRAMSize',)),
    ('instances', ('maxTotalInstances',)),
    ('cores', ('maxTotalCores',)),
    ('key_pairs', ('maxTotalKeypairs',)),
    ('floating_ips', ('maxTotalFloatingIps',)),
    ('metadata_items', ('maxServerMeta', 'maxImageMeta')),
    ('injected_files', ('maxPersonality',)),
    ('injected_file_content_bytes', ('maxPersonalitySize',)),
    ('security_groups', ('maxSecurityGroups',)),
    ('security_group_rules', ('maxSecurityGroupRules',)),
    ('server_groups', ('maxServerGroups',)),
    ('server_group_members', ('maxServerGroupMembers',)),
)
_USED_NAMES = (
    ('totalRAMUsed', 'ram'),
    ('totalCoresUsed', 'cores'),
    ('totalInstancesUsed', 'instances'),
    ('totalFloatingIpsUsed', 'floating_ips'),
    ('totalSecurityGroupsUsed', 'security_groups'),
    ('totalServerGroupsUsed', 'server_groups'),
)
_NETWORK_NAMES = ('maxTotalFloatingIps', 'maxSecurityGroups',
                  'maxSecurityGroupRules', 'totalFloatingIpsUsed',
                  'totalSecurityGroupsUsed')


def absolute(version, quotas, reserved=False):
    """The "absolute" body from {resource: {'limit', 'in_use',
    'reserved'}}, as the microversion shows it."""
    body = {}
    for resource, names in _MAX_NAMES:
        for name in names:
            body[name] = quotas[resource]['limit']
    for name, resource in _USED_NAMES:
        used = quotas[resource]['in_use']
        if reserved:
            used += quotas[resource]['reserved']
        body[name] = used
    if version >= mv.MV_NO_NETWORK_QUOTAS:
        for name in _NETWORK_NAMES:
            del body[name]
    if version >= mv.MV_NO_IMAGE_META_LIMIT:
        del body['maxImageMeta']
    if version >= mv.MV_NO_PERSONALITY:
        del body['maxPersonality']
        del body['maxPersonalitySize']
    return body


class LimitsController:

    @pecan.expose(generic=True)
    def index(self):
        common.method_not_allowed()

    @index.when(method='GET', template='json')
    def show(self):
        req = pecan.request
        common.authorize(req, policies.LIMITS)
        params = validation.query(req, schema.show_query)
        ctx = common.context(req)
        project_id = ctx.project_id
        if 'tenant_id' in params:
            project_id = params['tenant_id']
            common.authorize(req, policies.OTHER_PROJECT,
                             {'project_id': project_id})
        reserved = params.get('reserved', '0') not in ('0', '', 'false')
        quotas = quota.get_project_quotas(ctx, project_id, usages=True)
        return {'limits': {'rate': [],
                           'absolute': absolute(common.version(req), quotas,
                                                reserved)}}
