"""The root of the URL space: version documents and the v2.1 resources."""

import pecan
import webob.exc

from nova.api import common
from nova.api.controllers import aggregates
from nova.api.controllers import availability_zones
from nova.api.controllers import console_auth_tokens
from nova.api.controllers import extensions
from nova.api.controllers import flavors
from nova.api.controllers import floating_ips
from nova.api.controllers import gone
from nova.api.controllers import hosts
from nova.api.controllers import hypervisors
from nova.api.controllers import images
from nova.api.controllers import instance_usage_audit_log
from nova.api.controllers import keypairs
from nova.api.controllers import limits
from nova.api.controllers import migrations
from nova.api.controllers import networks
from nova.api.controllers import quota_classes
from nova.api.controllers import quota_sets
from nova.api.controllers import security_groups
from nova.api.controllers import server_groups
from nova.api.controllers import servers
from nova.api.controllers import server_external_events
from nova.api.controllers import services
from nova.api.controllers import simple_tenant_usage
from nova.api.views import versions as versions_view

# Top-level collections of /v2.1/, by URL segment.
RESOURCES = {
    'servers': servers.ServersController,
    'flavors': flavors.FlavorsController,
    'images': images.ImagesController,
    'extensions': extensions.ExtensionsController,
    'os-instance_usage_audit_log':
        instance_usage_audit_log.InstanceUsageAuditLogController,
    'os-services': services.ServicesController,
    'os-hypervisors': hypervisors.HypervisorsController,
    'limits': limits.LimitsController,
    'os-quota-sets': quota_sets.QuotaSetsController,
    'os-quota-class-sets': quota_classes.QuotaClassSetsController,
    'os-simple-tenant-usage':
        simple_tenant_usage.SimpleTenantUsageController,
    'os-aggregates': aggregates.AggregatesController,
    'os-server-groups': server_groups.ServerGroupsController,
    'os-availability-zone': availability_zones.AvailabilityZoneController,
    'os-keypairs': keypairs.KeypairsController,
    'os-hosts': hosts.HostsController,
    'os-migrations': migrations.MigrationsController,
    'os-server-external-events':
        server_external_events.ServerExternalEventsController,
    'os-console-auth-tokens': console_auth_tokens.ConsoleAuthTokensController,
    'os-networks': networks.NetworksController,
    'os-tenant-networks': networks.TenantNetworksController,
    'os-security-groups': security_groups.SecurityGroupsController,
    'os-security-group-rules': security_groups.SecurityGroupRulesController,
    'os-floating-ips': floating_ips.FloatingIPsController,
    'os-floating-ip-pools': floating_ips.FloatingIPPoolsController,
}


# Removed upstream: 410 Gone.
RESOURCES.update({name: gone.GoneController for name in gone.GONE_RESOURCES})


class VersionController:
    """``/v2.1/`` (and ``/v2/``): the version document, then resources."""

    def __init__(self, prefix):
        self.prefix = prefix
        for name, controller in RESOURCES.items():
            setattr(self, name, controller())

    @pecan.expose(generic=True)
    def index(self):
        common.method_not_allowed()

    @index.when(method='GET', template='json')
    def index_get(self):
        req = pecan.request
        if not req.path_info.endswith('/'):
            raise webob.exc.HTTPFound(location=req.path_url + '/')
        return versions_view.version_doc(req, self.prefix)


class RootController:

    def __init__(self):
        setattr(self, 'v2.1', VersionController('v2.1'))
        setattr(self, 'v2', VersionController('v2'))

    @pecan.expose(generic=True)
    def index(self):
        common.method_not_allowed()

    @index.when(method='GET', template='json')
    def index_get(self):
        return versions_view.versions_list(pecan.request)
