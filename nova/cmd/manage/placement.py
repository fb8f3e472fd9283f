"""nova-manage placement: the placement schema, and drift between the
instances nova knows and the allocations placement holds.

- ``db sync`` / ``db version``: schema of [placement_database];
- ``heal_allocations``: instances on a host without allocations get them
  (from their flavor, on their compute node's provider);
- ``audit``: allocations whose consumer is no instance on that provider's
  host (a delete that could not reach placement, a failed build) are
  reported and, with ``--delete``, removed.

Exit codes follow upstream's. heal_allocations: 0 allocations created, 1
--max-count reached with instances left, 2 an instance's compute node
record is missing, 3 placement refused an allocation, 4 nothing to do.
audit: 0 nothing orphaned, 3 orphans found, 4 orphans found and deleted.
Both: 1 placement unreachable or failing, 127 bad input.
"""

from oslo_log import log as logging
from oslo_utils import uuidutils

from nova.cmd.manage.common import action
from nova import context as nova_context
from nova import exception
from nova import objects
from nova.scheduler.client import report
from nova.states import vm_states

LOG = logging.getLogger(__name__)


def _cells(context):
    return [c for c in objects.CellMappingList.get_all(context)
            if not c.is_cell0]


def _wants_allocation(instance):
    """Instances on a node hold resources, except those shelved
    offloaded and those in ERROR (a failed build frees its claim)."""
    if not instance.host or not instance.node:
        return False
    return instance.vm_state not in (
        tuple(vm_states.ALLOW_RESOURCE_REMOVAL) + (vm_states.ERROR,))


def _flavor_resources(instance):
    flavor = instance.flavor
    disk = (flavor.root_gb or 0) + (flavor.ephemeral_gb or 0) + \
        ((flavor.swap or 0) + 1023) // 1024
    resources = {'VCPU': flavor.vcpus, 'MEMORY_MB': flavor.memory_mb,
                 'DISK_GB': disk}
    return {rc: amount for rc, amount in resources.items() if amount}


class PlacementCommands:
    """Placement: schema and allocations."""

    def __init__(self):
        self._client = None
        # nova-manage reaches the databases directly through the objects.
        objects.register_all()

    @property
    def client(self):
        if self._client is None:
            self._client = report.SchedulerReportClient()
        return self._client

    @action('subaction', choices=('sync', 'version'),
            help='sync: upgrade the schema; version: print its revision.')
    @action('--version', dest='version', metavar='VERSION',
            help='With sync: revision to upgrade to (default: newest).')
    def db(self, subaction, version=None):
        """Schema of the placement database: db sync | db version."""
        from nova.placement.db import migration
        if subaction == 'sync':
            migration.db_sync(revision=version or 'head')
        else:
            print(migration.db_version())
        return 0

    @action('--max-count', dest='max_count', type=int, metavar='N',
            help='Heal at most N instances, then stop (exit code 1 when '
                 'some are left).')
    @action('--instance', dest='instance_uuid', metavar='UUID',
            help='Heal only this instance.')
    @action('--dry-run', dest='dry_run', action='store_true',
            help='Print what would be healed; change nothing.')
    @action('--verbose', action='store_true',
            help='Print each instance looked at.')
    def heal_allocations(self, max_count=None, instance_uuid=None,
                         dry_run=False, verbose=False):
        """Create the missing allocations of instances on hosts."""
        if max_count is not None and max_count < 1:
            print('--max-count must be at least 1')
            return 127
        if instance_uuid and not uuidutils.is_uuid_like(instance_uuid):
            print('--instance must be an instance uuid')
            return 127
        context = nova_context.get_admin_context()
        healed = 0
        node_missing = refused = False
        try:
            for cell in _cells(context):
                cctxt = context.targeted(cell.uuid)
                filters = {'deleted': False}
                if instance_uuid:
                    filters['uuid'] = instance_uuid
                for instance in objects.InstanceList.get_by_filters(
                        cctxt, filters, expected_attrs=['flavor']):
                    if not _wants_allocation(instance):
                        continue
                    if max_count is not None and healed >= max_count:
                        print('Max count reached. Processed %d instances.'
                              % healed)
                        return 1
                    result = self._heal_one(cctxt, instance, dry_run,
                                            verbose)
                    if result == 'healed':
                        healed += 1
                    elif result == 'no-node':
                        node_missing = True
                    elif result == 'refused':
                        refused = True
        except (report.PlacementUnreachable,
                report.PlacementAPIError) as exc:
            print('ERROR: %s' % exc.format_message())
            return 1
        verb = 'would be created' if dry_run else 'created'
        print('Allocations %s for %d instance(s).' % (verb, healed))
        if node_missing:
            return 2
        if refused:
            return 3
        return 0 if healed else 4

    def _heal_one(self, cctxt, instance, dry_run, verbose):
        current = self.client.get_allocations_for_consumer(cctxt,
                                                           instance.uuid)
        if current:
            if verbose:
                print('Instance %s already has allocations.' % instance.uuid)
            return 'ok'
        try:
            node = objects.ComputeNode.get_by_host_and_nodename(
                cctxt, instance.host, instance.node)
        except exception.NotFound:
            print('Compute node record of host %s node %s (instance %s) '
                  'not found.' % (instance.host, instance.node,
                                  instance.uuid))
            return 'no-node'
        allocations = {node.uuid: {'resources': _flavor_resources(instance)}}
        if dry_run:
            print('[dry-run] Instance %s would get allocations %s.' %
                  (instance.uuid, allocations))
            return 'healed'
        if not self.client.put_allocations(
                cctxt, instance.uuid, allocations, instance.project_id,
                instance.user_id, None):
            print('Placement refused allocations %s for instance %s.' %
                  (allocations, instance.uuid))
            return 'refused'
        print('Created allocations for instance %s on node %s.' %
              (instance.uuid, instance.node))
        return 'healed'

    @action('--resource_provider', dest='provider_uuid', metavar='UUID',
            help='Audit only this resource provider.')
    @action('--delete', action='store_true',
            help='Delete the orphaned allocations found.')
    @action('--verbose', action='store_true',
            help='Print every provider looked at.')
    def audit(self, provider_uuid=None, delete=False, verbose=False):
        """Find allocations held by consumers that are no instance of
        the provider's host, and optionally delete them."""
        if provider_uuid and not uuidutils.is_uuid_like(provider_uuid):
            print('--resource_provider must be a provider uuid')
            return 127
        context = nova_context.get_admin_context()
        orphans = []
        try:
            for cell in _cells(context):
                cctxt = context.targeted(cell.uuid)
                orphans.extend(self._audit_cell(cctxt, provider_uuid,
                                                verbose))
            for rp_uuid, consumer, resources in orphans:
                print('Allocations of consumer %s on provider %s are '
                      'orphaned: %s' % (consumer, rp_uuid, resources))
                if delete:
                    self.client.remove_provider_from_instance_allocation(
                        context, consumer, rp_uuid)
                    print('Deleted them.')
        except (report.PlacementUnreachable,
                report.PlacementAPIError) as exc:
            print('ERROR: %s' % exc.format_message())
            return 1
        print('Found %d orphaned allocation(s).' % len(orphans))
        if not orphans:
            return 0
        return 4 if delete else 3

    def _audit_cell(self, cctxt, provider_uuid, verbose):
        nodes = objects.ComputeNodeList.get_all(cctxt)
        if provider_uuid:
            nodes = [n for n in nodes if n.uuid == provider_uuid]
        if not nodes:
            return []
        instances = objects.InstanceList.get_by_filters(cctxt,
                                                        {'deleted': False})
        on_node = {}
        for inst in instances:
            if inst.host and inst.node:
                on_node.setdefault((inst.host, inst.node), set()).add(
                    inst.uuid)
        # Instances being scheduled or rescheduled hold a claim before
        # their record names the host.
        in_flight = {i.uuid for i in instances if not i.host}
        orphans = []
        for node in nodes:
            allocations = self.client.get_allocations_for_provider(
                cctxt, node.uuid)
            expected = on_node.get((node.host, node.hypervisor_hostname),
                                   set())
            if verbose:
                print('Provider %s (%s): %d consumer(s)' % (
                    node.uuid, node.hypervisor_hostname, len(allocations)))
            for consumer, alloc in allocations.items():
                if consumer in expected or consumer in in_flight:
                    continue
                orphans.append((node.uuid, consumer, alloc['resources']))
        return orphans

