"""limits: the absolute limits of a project (rate limits are gone)."""

import pecan

from nova.api import common
from nova.api import microversions as mv
from nova.api import quota_defaults
from nova.api import validation

_QUERY = validation.query_schema({'tenant_id': {'type': 'string'}})

_Q = quota_defaults.DEFAULTS


def _usage(ctx, project_id):
    """(instances, cores, ram) counted from the project's servers."""
    from nova.compute import api as compute_api
    instances = compute_api.API().get_all(
        ctx, search_opts={'project_id': project_id, 'deleted': False})
    cores = sum(getattr(i, 'vcpus', 0) or 0 for i in instances)
    ram = sum(getattr(i, 'memory_mb', 0) or 0 for i in instances)
    return len(instances), cores, ram


def absolute(version, used):
    instances, cores, ram = used
    body = {
        'maxTotalInstances': _Q['instances'],
        'maxTotalCores': _Q['cores'],
        'maxTotalRAMSize': _Q['ram'],
        'maxServerMeta': _Q['metadata_items'],
        'maxImageMeta': _Q['metadata_items'],
        'maxPersonality': _Q['injected_files'],
        'maxPersonalitySize': _Q['injected_file_content_bytes'],
        'maxTotalKeypairs': _Q['key_pairs'],
        'maxServerGroups': _Q['server_groups'],
        'maxServerGroupMembers': _Q['server_group_members'],
        'maxTotalFloatingIps': _Q['floating_ips'],
        'maxSecurityGroups': _Q['security_groups'],
        'maxSecurityGroupRules': _Q['security_group_rules'],
        'totalInstancesUsed': instances,
        'totalCoresUsed': cores,
        'totalRAMUsed': ram,
        'totalServerGroupsUsed': 0,
        'totalFloatingIpsUsed': 0,
        'totalSecurityGroupsUsed': 0,
    }
    if version >= mv.MV_NO_NETWORK_QUOTAS:
        for name in ('maxTotalFloatingIps', 'maxSecurityGroups',
                     'maxSecurityGroupRules', 'totalFloatingIpsUsed',
                     'totalSecurityGroupsUsed'):
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
        params = validation.query(req, _QUERY)
        ctx = common.context(req)
        project_id = ctx.project_id
        # Only administrators may look at another project's limits.
        if params.get('tenant_id') and common.is_admin(req):
            project_id = params['tenant_id']
        used = _usage(ctx, project_id)
        return {'limits': {'rate': [],
                           'absolute': absolute(common.version(req), used)}}
