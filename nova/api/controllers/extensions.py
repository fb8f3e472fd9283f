"""/extensions: the fixed list of the v2 extensions the API includes.

Extensions are gone from the API's design (everything is in the core
since 2.1), but the resource stays for old clients: it lists the
extension names and aliases that v2 clients look for, and shows one by
alias (404 for any other).
"""

import pecan
import webob.exc

from nova.api import common
from nova.policies import extensions as policies

_NAMESPACE = 'http://docs.openstack.org/compute/ext/fake_xml'
_UPDATED = '2014-12-03T00:00:00Z'

# (alias, name, what it adds)
_EXTENSIONS = (
    ('NMN', 'Multinic', 'Network interfaces added to or removed from '
                        'servers.'),
    ('OS-DCF', 'DiskConfig', 'The disk configuration of servers.'),
    ('OS-EXT-AZ', 'ExtendedAvailabilityZone',
     'The availability zone of servers.'),
    ('OS-EXT-IMG-SIZE', 'ImageSize', 'The size of images.'),
    ('OS-EXT-IPS', 'ExtendedIps', 'The type of server addresses.'),
    ('OS-EXT-IPS-MAC', 'ExtendedIpsMac', 'The MAC of server addresses.'),
    ('OS-EXT-SRV-ATTR', 'ExtendedServerAttributes',
     'Host and hypervisor attributes of servers.'),
    ('OS-EXT-STS', 'ExtendedStatus', 'vm_state, task_state and '
                                     'power_state of servers.'),
    ('OS-FLV-DISABLED', 'FlavorDisabled', 'Whether a flavor is disabled.'),
    ('OS-FLV-EXT-DATA', 'FlavorExtraData', 'Ephemeral disk of flavors.'),
    ('OS-SCH-HNT', 'SchedulerHints', 'Scheduler hints at server create.'),
    ('OS-SRV-USG', 'ServerUsage', 'Launch and termination times of '
                                  'servers.'),
    ('os-access-ips', 'AccessIPs', 'Access addresses of servers.'),
    ('os-admin-actions', 'AdminActions', 'Reset state and network of '
                                         'servers.'),
    ('os-admin-password', 'AdminPassword', 'Change the admin password.'),
    ('os-aggregates', 'Aggregates', 'Host aggregates.'),
    ('os-attach-interfaces', 'AttachInterfaces', 'Port attachments.'),
    ('os-availability-zone', 'AvailabilityZone', 'Availability zones.'),
    ('os-config-drive', 'ConfigDrive', 'Config drive of servers.'),
    ('os-console-auth-tokens', 'ConsoleAuthTokens', 'Console tokens.'),
    ('os-console-output', 'ConsoleOutput', 'Console output of servers.'),
    ('os-consoles', 'Consoles', 'Interactive consoles of servers.'),
    ('os-create-backup', 'CreateBackup', 'Rotating server backups.'),
    ('os-deferred-delete', 'DeferredDelete', 'Restore or force delete '
                                             'soft-deleted servers.'),
    ('os-evacuate', 'Evacuate', 'Rebuild servers of a failed host.'),
    ('os-extended-evacuate-find-host', 'ExtendedEvacuateFindHost',
     'Evacuate to a scheduler-chosen host.'),
    ('os-extended-volumes', 'ExtendedVolumes', 'Volumes of servers.'),
    ('os-flavor-access', 'FlavorAccess', 'Access to private flavors.'),
    ('os-flavor-extra-specs', 'FlavorExtraSpecs', 'Flavor extra specs.'),
    ('os-flavor-manage', 'FlavorManage', 'Flavor create and delete.'),
    ('os-flavor-rxtx', 'FlavorRxtx', 'The rxtx factor of flavors.'),
    ('os-hide-server-addresses', 'HideServerAddresses',
     'Addresses hidden in some server states.'),
    ('os-hosts', 'Hosts', 'Hosts of the deployment.'),
    ('os-hypervisors', 'Hypervisors', 'Hypervisors and their usage.'),
    ('os-instance-actions', 'InstanceActions', 'Actions taken on servers.'),
    ('os-instance-usage-audit-log', 'OSInstanceUsageAuditLog',
     'Audit of instance usage.'),
    ('os-keypairs', 'Keypairs', 'SSH key pairs.'),
    ('os-lock-server', 'LockServer', 'Lock and unlock servers.'),
    ('os-migrate-server', 'MigrateServer', 'Cold and live migration.'),
    ('os-migrations', 'Migrations', 'Migrations of servers.'),
    ('os-multiple-create', 'MultipleCreate', 'Several servers at once.'),
    ('os-pause-server', 'PauseServer', 'Pause and unpause servers.'),
    ('os-quota-class-sets', 'QuotaClasses', 'Default quotas.'),
    ('os-quota-sets', 'Quotas', 'Quotas of projects and users.'),
    ('os-remote-consoles', 'RemoteConsoles', 'Remote console URLs.'),
    ('os-rescue', 'Rescue', 'Rescue and unrescue servers.'),
    ('os-security-groups', 'SecurityGroups', 'Security groups of '
                                             'servers.'),
    ('os-server-diagnostics', 'ServerDiagnostics', 'Server diagnostics.'),
    ('os-server-external-events', 'ServerExternalEvents',
     'Events from other services.'),
    ('os-server-group-quotas', 'ServerGroupQuotas', 'Server group '
                                                    'quotas.'),
    ('os-server-groups', 'ServerGroups', 'Server groups.'),
    ('os-server-password', 'ServerPassword', 'Encrypted server '
                                             'passwords.'),
    ('os-server-tags', 'ServerTags', 'Server tags.'),
    ('os-services', 'Services', 'Services of the deployment.'),
    ('os-shelve', 'Shelve', 'Shelve and unshelve servers.'),
    ('os-simple-tenant-usage', 'SimpleTenantUsage', 'Usage of projects.'),
    ('os-suspend-server', 'SuspendServer', 'Suspend and resume servers.'),
    ('os-user-data', 'UserData', 'User data of servers.'),
    ('servers', 'Servers', 'Servers.'),
)


def _view(alias, name, description):
    return {'alias': alias, 'name': name, 'description': description,
            'namespace': _NAMESPACE, 'updated': _UPDATED, 'links': []}


class ExtensionController:

    def __init__(self, alias):
        self.alias = alias

    @pecan.expose(generic=True)
    def index(self):
        common.method_not_allowed()

    @index.when(method='GET', template='json')
    def show(self):
        common.authorize(pecan.request, policies.EXTENSIONS)
        for alias, name, description in _EXTENSIONS:
            if alias == self.alias:
                return {'extension': _view(alias, name, description)}
        raise webob.exc.HTTPNotFound(
            explanation='Extension %s could not be found.' % self.alias)


class ExtensionsController:

    @pecan.expose(generic=True)
    def index(self):
        common.method_not_allowed()

    @index.when(method='GET', template='json')
    def list(self):
        common.authorize(pecan.request, policies.EXTENSIONS)
        return {'extensions': [_view(*ext) for ext in _EXTENSIONS]}

    @pecan.expose()
    def _lookup(self, alias, *remainder):
        if remainder:
            raise webob.exc.HTTPNotFound()
        return ExtensionController(alias), remainder
