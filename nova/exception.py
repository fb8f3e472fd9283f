"""Typed errors raised below the REST layer.

Each carries the HTTP status the API answers with (``code``) and a message
built from ``msg_fmt``; the API maps them to the Compute API fault body in
one place (nova/api/faults.py).
"""


class NovaException(Exception):
    msg_fmt = 'An unknown error occurred.'
    code = 500
    safe = False

    def __init__(self, message=None, **kwargs):
        self.kwargs = kwargs
        if not message:
            try:
                message = self.msg_fmt % kwargs
            except (KeyError, TypeError):
                message = self.msg_fmt
        self.message = message
        super().__init__(message)

    def format_message(self):
        return self.message


# Base classes by HTTP meaning.
class Invalid(NovaException):
    msg_fmt = 'Invalid input received: %(reason)s'
    code = 400
    safe = True


class Forbidden(NovaException):
    msg_fmt = 'Forbidden'
    code = 403
    safe = True


class PolicyNotAuthorized(Forbidden):
    msg_fmt = "Policy doesn't allow %(action)s to be performed."


class NotFound(NovaException):
    msg_fmt = 'Resource could not be found.'
    code = 404
    safe = True


class Conflict(NovaException):
    msg_fmt = 'Conflict: %(reason)s'
    code = 409
    safe = True


# Data access.
class DatabaseNotConfigured(NovaException):
    msg_fmt = ('%(service)s has no %(section)s connection configured: '
               'nova data is read and written only by nova-conductor, so '
               'this process must reach it through conductor RPC.')


class DBNotAllowed(NovaException):
    msg_fmt = ('%(binary)s attempted direct database access, which is not '
               'allowed; data goes through nova-conductor.')


class ObjectActionError(NovaException):
    msg_fmt = 'Object action %(action)s failed because: %(reason)s'


# Instances.
class InstanceNotFound(NotFound):
    msg_fmt = 'Instance %(instance_id)s could not be found.'


class InstanceMappingNotFound(NotFound):
    msg_fmt = 'Instance %(uuid)s has not been mapped to a cell.'


class BuildRequestNotFound(NotFound):
    msg_fmt = 'BuildRequest not found for instance %(uuid)s'


class RequestSpecNotFound(NotFound):
    msg_fmt = 'RequestSpec not found for instance %(instance_uuid)s'


class InstanceInvalidState(Conflict):
    msg_fmt = ('Instance %(instance_uuid)s in %(attr)s %(state)s. Cannot '
               '%(method)s while the instance is in this state.')


class InstanceExists(Conflict):
    msg_fmt = 'Instance %(name)s already exists.'


class InstanceUnknownCell(NotFound):
    msg_fmt = 'Cell is not known for instance %(instance_uuid)s'


class MarkerNotFound(NotFound):
    msg_fmt = 'Marker %(marker)s could not be found.'
    code = 400


# Flavors.
class FlavorNotFound(NotFound):
    msg_fmt = 'Flavor %(flavor_id)s could not be found.'


class FlavorExists(Conflict):
    msg_fmt = 'Flavor with name %(name)s already exists.'


class FlavorIdExists(Conflict):
    msg_fmt = 'Flavor with ID %(flavor_id)s already exists.'


class FlavorExtraSpecsNotFound(NotFound):
    msg_fmt = 'Flavor %(flavor_id)s has no extra specs with key ' \
              '%(extra_specs_key)s.'


class FlavorExtraSpecUnknown(Invalid):
    msg_fmt = "Validation failed; extra spec '%(key)s' is not a known key " \
              "of the '%(namespace)s' namespace."


class FlavorExtraSpecValueInvalid(Invalid):
    msg_fmt = "Validation failed; extra spec '%(key)s' does not take the " \
              "value '%(value)s': expected %(allowed)s."


class FlavorAccessExists(Conflict):
    msg_fmt = 'Flavor access already exists for flavor %(flavor_id)s and ' \
              'project %(project_id)s combination.'


class FlavorAccessNotFound(NotFound):
    msg_fmt = 'Flavor access not found for %(flavor_id)s / ' \
              '%(project_id)s combination.'


class FlavorNotPublic(Conflict):
    msg_fmt = 'Can not add access to a public flavor.'


class FlavorDiskTooSmall(Invalid):
    msg_fmt = 'Flavor\'s disk is too small for requested image. Flavor ' \
              'disk is %(flavor_size)i bytes, image is %(image_size)i bytes.'


class FlavorMemoryTooSmall(Invalid):
    msg_fmt = 'Flavor\'s memory is too small for requested image.'


# Images and keypairs.
class ImageNotFound(NotFound):
    msg_fmt = 'Image %(image_id)s could not be found.'


class ImageNotActive(Invalid):
    msg_fmt = 'Image %(image_id)s is not active.'


class AutoDiskConfigDisabledByImage(Invalid):
    msg_fmt = 'Requested image %(image)s has automatic disk resize disabled.'


class ImageExists(Conflict):
    msg_fmt = 'Image %(image_id)s already exists.'


class KeypairNotFound(NotFound):
    msg_fmt = 'Keypair %(name)s not found for user %(user_id)s'


class InvalidKeypair(Invalid):
    msg_fmt = 'Keypair data is invalid: %(reason)s'


# Cells, hosts and services.
class CellMappingNotFound(NotFound):
    msg_fmt = 'Cell %(uuid)s has no mapping.'


class HostMappingNotFound(NotFound):
    msg_fmt = 'Host \'%(name)s\' is not mapped to any cell'


class HostMappingExists(Conflict):
    msg_fmt = 'Host \'%(name)s\' mapping already exists'


class ComputeHostNotFound(NotFound):
    msg_fmt = 'Compute host %(host)s could not be found.'


class ComputeHostNotFoundByNode(NotFound):
    msg_fmt = 'Compute node %(nodename)s could not be found.'


class ComputeHostNotFoundById(NotFound):
    msg_fmt = 'Compute host %(compute_id)s could not be found.'


class ServiceNotFound(NotFound):
    msg_fmt = 'Service %(service_id)s could not be found.'


class ServiceBinaryExists(Conflict):
    msg_fmt = 'Service with host %(host)s binary %(binary)s exists.'


class ServiceTopicExists(Conflict):
    msg_fmt = 'Service with host %(host)s topic %(topic)s exists.'


# RPC between services.
class RPCVersionPinned(Conflict):
    msg_fmt = ('%(method)s needs version %(version)s of the %(topic)s RPC '
               'API, but [upgrade_levels] %(topic)s pins it to %(cap)s; it '
               'is available once every %(topic)s service is upgraded and '
               'the pin is raised.')


# Scheduling and builds.
class NoValidHost(NovaException):
    msg_fmt = 'No valid host was found. %(reason)s'


class MaxRetriesExceeded(NoValidHost):
    msg_fmt = 'Exceeded maximum number of retries. %(reason)s'


class BuildAbortException(NovaException):
    msg_fmt = 'Build of instance %(instance_uuid)s aborted: %(reason)s'


class RescheduledException(NovaException):
    msg_fmt = 'Build of instance %(instance_uuid)s was re-scheduled: ' \
              '%(reason)s'


class InstanceSpawnFailed(NovaException):
    msg_fmt = 'Spawn of instance %(instance_uuid)s failed: %(reason)s'


# Virt driver.
class VirtDriverNotFound(NovaException):
    msg_fmt = 'Could not load virt driver %(name)s'


class InstanceNotFoundOnHypervisor(NotFound):
    msg_fmt = 'Instance %(instance_id)s is not on this hypervisor.'


# API.
class ValidationError(Invalid):
    msg_fmt = '%(detail)s'


class InvalidInput(Invalid):
    msg_fmt = 'Invalid input received: %(reason)s'


class Base64Exception(Invalid):
    msg_fmt = 'Personality content for %(path)s cannot be decoded'


class InvalidSortKey(Invalid):
    msg_fmt = 'Sort key supplied was not valid.'


class QuotaError(NovaException):
    msg_fmt = 'Quota exceeded: code=%(code)s'
    code = 413
    safe = True


class OverQuota(Forbidden):
    msg_fmt = 'Quota exceeded for %(overs)s: Requested %(req)s, but ' \
              'already used %(used)s of %(allowed)s %(overs)s'


class TooManyInstances(OverQuota):
    pass


class KeypairLimitExceeded(OverQuota):
    msg_fmt = 'Maximum number of key pairs exceeded'


class ServerGroupLimitExceeded(OverQuota):
    msg_fmt = 'Quota exceeded, too many server groups.'


class ServerGroupMemberLimitExceeded(OverQuota):
    msg_fmt = 'Quota exceeded, too many servers in group'


class MetadataLimitExceeded(OverQuota):
    msg_fmt = 'Maximum number of metadata items exceeds %(allowed)d'


class OnsetFileLimitExceeded(OverQuota):
    msg_fmt = 'Personality file limit exceeded'


class OnsetFilePathLimitExceeded(OnsetFileLimitExceeded):
    msg_fmt = 'Personality file path exceeds maximum %(allowed)s'


class OnsetFileContentLimitExceeded(OnsetFileLimitExceeded):
    msg_fmt = 'Personality file content exceeds maximum %(allowed)s'


class QuotaClassTooLong(Invalid):
    msg_fmt = 'Quota class name %(class_name)s is longer than 255 characters.'


# Host aggregates and availability zones.
class AggregateNotFound(NotFound):
    msg_fmt = 'Aggregate %(aggregate_id)s could not be found.'


class AggregateNameExists(Conflict):
    msg_fmt = 'Aggregate %(aggregate_name)s already exists.'


class AggregateHostExists(Conflict):
    msg_fmt = 'Aggregate %(aggregate_id)s already has host %(host)s.'


class AggregateHostNotFound(NotFound):
    msg_fmt = 'Aggregate %(aggregate_id)s has no host %(host)s.'


class AggregateMetadataNotFound(NotFound):
    msg_fmt = 'Aggregate %(aggregate_id)s has no metadata with key ' \
              '%(metadata_key)s.'


class InvalidAggregateAction(Invalid):
    msg_fmt = 'Unacceptable parameters.'


class InvalidAggregateActionAdd(InvalidAggregateAction):
    msg_fmt = 'Cannot add host to aggregate %(aggregate_id)s. Reason: ' \
              '%(reason)s.'
    code = 409


class InvalidAggregateActionDelete(InvalidAggregateAction):
    msg_fmt = 'Cannot remove aggregate %(aggregate_id)s. Reason: ' \
              '%(reason)s.'


class InvalidAggregateActionUpdate(InvalidAggregateAction):
    msg_fmt = 'Cannot update aggregate %(aggregate_id)s. Reason: ' \
              '%(reason)s.'


class InvalidAggregateActionUpdateMeta(InvalidAggregateAction):
    msg_fmt = 'Cannot update metadata of aggregate %(aggregate_id)s. ' \
              'Reason: %(reason)s.'


# Server groups.
class InstanceGroupNotFound(NotFound):
    msg_fmt = 'Instance group %(group_uuid)s could not be found.'


class InstanceGroupIdExists(Conflict):
    msg_fmt = 'Instance group %(group_uuid)s already exists.'


class InstanceGroupMemberNotFound(NotFound):
    msg_fmt = 'Instance group %(group_uuid)s has no member %(instance_id)s.'


class InstanceIsLocked(InstanceInvalidState):
    msg_fmt = 'Instance %(instance_uuid)s is locked'


# Instance actions (os-instance-actions).
class InstanceActionNotFound(NotFound):
    msg_fmt = 'Action for request_id %(request_id)s on instance ' \
              '%(instance_uuid)s not found'


class InstanceActionEventNotFound(NotFound):
    msg_fmt = 'Event %(event)s not found for action id %(action_id)s'


# Migrations and resize.
class MigrationNotFound(NotFound):
    msg_fmt = 'Migration %(migration_id)s could not be found.'


class MigrationNotFoundForInstance(MigrationNotFound):
    msg_fmt = 'Migration %(migration_id)s not found for instance ' \
              '%(instance_id)s'


class MigrationNotFoundByStatus(MigrationNotFound):
    msg_fmt = 'Migration not found for instance %(instance_id)s with ' \
              'status %(status)s.'


class InvalidMigrationState(Conflict):
    msg_fmt = 'Migration %(migration_id)s state of instance ' \
              '%(instance_uuid)s is %(state)s. Cannot %(method)s while the ' \
              'migration is in this state.'


class CannotResizeToSameFlavor(Invalid):
    msg_fmt = 'When resizing, instances must change flavor!'


class CannotResizeDisk(Invalid):
    msg_fmt = 'Server disk was unable to be resized because: %(reason)s'


class ResizeError(NovaException):
    msg_fmt = 'Resize error: %(reason)s'


class MigrationError(NovaException):
    msg_fmt = 'Migration error: %(reason)s'


class MigrationPreCheckError(MigrationError):
    msg_fmt = 'Migration pre-check error: %(reason)s'
    code = 400
    safe = True


# Server metadata, tags, keypairs, consoles, services (resources work).
class TagNotFound(NotFound):
    msg_fmt = 'Tag %(tag)s could not be found for instance %(resource_id)s.'


class TooManyInstanceTags(Invalid):
    msg_fmt = 'Maximum number of tags per server (%(max_tags)d) exceeded.'


class InvalidInstanceTag(Invalid):
    msg_fmt = 'Tag "%(tag)s" is invalid: %(reason)s'


class KeyPairExists(Conflict):
    msg_fmt = "Key pair '%(key_name)s' already exists."


class ConsoleAuthTokenNotFound(NotFound):
    msg_fmt = 'The console auth token could not be found.'


class ServiceHasInstances(Conflict):
    msg_fmt = 'Unable to delete compute service that is hosting instances. ' \
              'Migrate or delete the instances first.'


class InstanceNotRunning(Conflict):
    msg_fmt = 'Instance %(instance_id)s is not running.'


# Live migration and evacuation.
class UnableToMigrateToSelf(Invalid):
    msg_fmt = 'Unable to migrate instance (%(instance_id)s) to current ' \
              'host (%(host)s).'


class ComputeServiceUnavailable(Invalid):
    msg_fmt = 'Compute service of %(host)s is unavailable at this time.'


class ComputeServiceInUse(Invalid):
    msg_fmt = 'Compute service of %(host)s is still in use.'


class InvalidHypervisorType(Invalid):
    msg_fmt = 'The destination hypervisor type %(dest)s is not the ' \
              'source hypervisor type %(source)s.'


class DestinationHypervisorTooOld(Invalid):
    msg_fmt = 'The destination hypervisor version %(dest)s is older than ' \
              'the source hypervisor version %(source)s.'


class LiveMigrationAborted(NovaException):
    msg_fmt = 'Live migration of instance %(instance_uuid)s was aborted.'


class LiveMigrationFailed(NovaException):
    msg_fmt = 'Live migration of instance %(instance_uuid)s failed: ' \
              '%(reason)s'


class LiveMigrationNotRunning(Conflict):
    msg_fmt = 'No live migration of instance %(instance_uuid)s is running ' \
              'on host %(host)s.'


class MetadataItemNotFound(NotFound):
    msg_fmt = 'Metadata item was not found'


class InstanceNotReady(Conflict):
    msg_fmt = 'Instance %(instance_id)s is not ready'


# Shelve, unshelve and images of servers.
class UnshelveInstanceInvalidState(InstanceInvalidState):
    msg_fmt = ('The unshelve parameters availability_zone and host can only '
               'be used when the server is shelved offloaded; instance '
               '%(instance_uuid)s is %(state)s.')


class UnshelveHostNotInAZ(Invalid):
    msg_fmt = ('Host "%(host)s" is not in the availability zone '
               '"%(availability_zone)s".')


class ImageSnapshotFailed(NovaException):
    msg_fmt = 'The snapshot of instance %(instance_uuid)s failed: %(reason)s'


# Basic server actions.
class ConsoleNotAvailable(NotFound):
    msg_fmt = 'Guest does not have a console available.'


class InstancePasswordSetFailed(Conflict):
    msg_fmt = 'Failed to set admin password on %(instance)s because ' \
              '%(reason)s'


class SetAdminPasswdNotSupported(Conflict):
    msg_fmt = 'Set admin password is not supported'


class InstanceAgentNotEnabled(Invalid):
    msg_fmt = 'Guest agent is not enabled for the instance'


class QemuGuestAgentNotEnabled(InstanceAgentNotEnabled):
    msg_fmt = 'QEMU guest agent is not enabled'


class TriggerCrashDumpNotSupported(Invalid):
    msg_fmt = 'Triggering crash dump is not supported'


class InstanceNotRescuable(Invalid):
    msg_fmt = 'Instance %(instance_id)s cannot be rescued: %(reason)s'


class CellUnavailable(NovaException):
    msg_fmt = 'The cell %(cell_uuid)s holding this server cannot be reached.'
    code = 503
    safe = True


class ConsoleTypeInvalid(Invalid):
    msg_fmt = 'Invalid console type %(console_type)s'


class ConsoleTypeUnavailable(Invalid):
    msg_fmt = 'Unavailable console type %(console_type)s.'


# The libvirt driver.
class HypervisorUnavailable(NovaException):
    msg_fmt = 'The hypervisor at %(host)s cannot be reached: %(reason)s'


class HypervisorConfigError(NovaException):
    msg_fmt = 'The hypervisor does not fit the configuration: %(reason)s'


# The network service (Neutron).
class NetworkServiceUnavailable(NovaException):
    msg_fmt = 'The network service cannot be reached: %(reason)s'
    code = 503
    safe = True


class NetworkServiceError(NovaException):
    msg_fmt = 'The network service failed a request: %(reason)s'


class NetworkNotFound(NotFound):
    msg_fmt = 'Network %(network_id)s could not be found.'


class PortNotFound(NotFound):
    msg_fmt = 'Port id %(port_id)s could not be found.'


class PortInUse(Invalid):
    msg_fmt = 'Port %(port_id)s is still in use.'
    code = 409


class PortNotUsable(Invalid):
    msg_fmt = 'Port %(port_id)s not usable for instance %(instance)s.'


class PortBindingFailed(Invalid):
    msg_fmt = ('Binding failed for port %(port_id)s, please check neutron '
               'logs for more information.')


class PortRequiresFixedIP(Invalid):
    msg_fmt = 'Port %(port_id)s requires a FixedIP in order to be used.'


class NetworkRequiresSubnet(Invalid):
    msg_fmt = ('Network %(network_uuid)s requires a subnet in order to boot '
               'instances on.')


class NetworkAmbiguous(Invalid):
    msg_fmt = ('Multiple possible networks found, use a Network ID to be '
               'more specific.')
    code = 409


class NetworkDuplicated(Invalid):
    msg_fmt = ('Network %(network_id)s is duplicated.')


class ExternalNetworkAttachForbidden(Forbidden):
    msg_fmt = ('It is not allowed to create an interface on external network '
               '%(network_uuid)s')


class FixedIpAlreadyInUse(Invalid):
    msg_fmt = ('Fixed IP address %(address)s is already in use on instance '
               '%(instance_uuid)s.')


class FixedIpInvalidOnHost(Invalid):
    msg_fmt = 'Fixed IP address %(address)s is not valid on this network.'


class NoMoreFixedIps(Invalid):
    msg_fmt = 'No fixed IP addresses available for network: %(net)s'


class UnableToAutoAllocateNetwork(Invalid):
    msg_fmt = ('Unable to automatically allocate a network for project '
               '%(project_id)s')


class PortLimitExceeded(OverQuota):
    msg_fmt = 'Maximum number of ports exceeded'


class SecurityGroupNotFound(NotFound):
    msg_fmt = 'Security group %(security_group_id)s not found.'


class SecurityGroupNotFoundForProject(SecurityGroupNotFound):
    msg_fmt = ('Security group %(security_group_id)s not found for project '
               '%(project_id)s.')


class SecurityGroupCannotBeApplied(Invalid):
    msg_fmt = ('Network requires port_security_enabled and subnet associated '
               'in order to apply security groups.')


class InterfaceAttachFailed(NovaException):
    msg_fmt = ('Failed to attach network adapter device to %(instance_uuid)s')


class InterfaceDetachFailed(Invalid):
    msg_fmt = ('Failed to detach network adapter device from '
               '%(instance_uuid)s')


class AttachInterfaceNotSupported(Invalid):
    msg_fmt = ('Attaching interfaces is not supported for instance '
               '%(instance_uuid)s.')


class InterfaceAttachFailedNoNetwork(Invalid):
    msg_fmt = ("No specific network was requested and none are available "
               "for project '%(project_id)s'.")


class FloatingIpNotFound(NotFound):
    msg_fmt = 'Floating IP not found for ID %(id)s.'


class FloatingIpNotFoundForAddress(FloatingIpNotFound):
    msg_fmt = 'Floating IP not found for address %(address)s.'


class FloatingIpPoolNotFound(NotFound):
    msg_fmt = 'Floating IP pool not found.'


class NoMoreFloatingIps(FloatingIpNotFound):
    msg_fmt = 'Zero floating IPs available.'


class FloatingIpAssociated(Invalid):
    msg_fmt = 'Floating IP %(address)s is associated.'
    code = 409


class VirtualInterfacePlugTimeout(NovaException):
    msg_fmt = 'Timeout waiting for vif plugging callback'


class NoUniqueMatch(NovaException):
    msg_fmt = 'No Unique Match Found.'
    code = 409
    safe = True


# The network proxy APIs (os-security-groups, os-floating-ips, ...) and
# the network actions of servers.
class InvalidCidr(Invalid):
    msg_fmt = '%(cidr)s is not a valid IP network.'


class InvalidIpProtocol(Invalid):
    msg_fmt = 'Invalid IP protocol %(protocol)s.'


class InvalidPortRange(Invalid):
    msg_fmt = 'Invalid port range %(from_port)s:%(to_port)s. %(msg)s'


class SecurityGroupLimitExceeded(OverQuota):
    msg_fmt = 'Maximum number of security groups or rules exceeded'


class SecurityGroupConnectionStateConflict(Invalid):
    msg_fmt = ('Cannot apply both stateful and stateless security groups on '
               'the same port.')
    code = 409


class FloatingIpLimitExceeded(OverQuota):
    msg_fmt = 'Maximum number of floating IPs exceeded'


class FloatingIpMultipleFoundForAddress(Conflict):
    msg_fmt = 'Multiple floating IPs are found for address %(address)s.'


class FloatingIpAssociateFailed(Invalid):
    msg_fmt = 'Floating IP %(address)s association has failed.'


class FloatingIpBadRequest(Invalid):
    msg_fmt = 'The floating IP request failed with a BadRequest'


class FixedIpNotFoundForAddress(NotFound):
    msg_fmt = 'Fixed IP not found for address %(address)s.'


class FixedIpAssociatedWithMultipleInstances(NovaException):
    msg_fmt = ('More than one instance is associated with fixed IP address '
               '%(address)s.')
