"""Live migration, conductor side: pick, check and claim the destination,
then hand the migration to the source host.

The compute API has set task_state migrating and recorded the action.
This task:

1. creates the migration record (type 'live-migration', status
   'accepted');
2. checks the source compute service is up;
3. parks the instance's source allocation on the migration's uuid, so the
   instance's own consumer is free for the destination's claim;
4. finds the destination:
   - forced host (force=True, microversions 2.30..2.67): the source
     allocation copied onto the host's node, claimed directly in placement
     without the scheduler;
   - requested host: the scheduler, restricted to that host;
   - no host: the scheduler, ignoring the source host; a candidate that
     fails the checks below is dropped and the scheduler asked again, up
     to ``max_attempts`` times;
5. checks the destination: compute service up, same hypervisor type and a
   version not older than the source's, then the drivers' own checks
   (check_can_live_migrate_destination on the destination, which asks the
   source);
6. casts live_migration to the source host (nova/compute/live_migration.py
   carries on from there).

Any failure before the cast rolls back: the destination claim is freed,
the source allocation goes back to the instance, the instance is left
where it was with task_state None and a fault, the migration ends
'error'.
"""

from oslo_log import log as logging

import nova.conf
from nova.compute import events
from nova.conductor.tasks import move_rollback
from nova import exception
from nova import objects
from nova import servicegroup
from nova.states import task_states

LOG = logging.getLogger(__name__)
CONF = nova.conf.CONF

EVENT = 'conductor_live_migrate_instance'


def compute_is_up(context, host):
    try:
        service = objects.Service.get_by_host_and_binary(context, host,
                                                         'nova-compute')
    except exception.NotFound:
        return False
    return servicegroup.is_up(service)


def sum_resources(allocations):
    """{rc: amount} over every provider of a consumer's allocations."""
    total = {}
    for alloc in (allocations or {}).values():
        for rc, amount in (alloc.get('resources') or {}).items():
            total[rc] = total.get(rc, 0) + amount
    return total


def host_node(context, host):
    """The (only or first) compute node of ``host``."""
    nodes = objects.ComputeNodeList.get_all_by_host(context, host)
    if not nodes:
        raise exception.ComputeHostNotFound(host=host)
    return sorted(nodes, key=lambda n: n.hypervisor_hostname)[0]


def claim_on_host(context, placement, instance, node, source_consumer):
    """Claim, for the instance, what ``source_consumer`` holds, on
    ``node``'s provider (a forced destination: no scheduler)."""
    current = placement.get_allocs_for_consumer(context, source_consumer)
    resources = sum_resources(current.get('allocations'))
    if not resources:
        return True
    return placement.put_allocations(
        context, instance.uuid, {node.uuid: {'resources': resources}},
        instance.project_id, instance.user_id)


class LiveMigrationTask:

    def __init__(self, context, scheduler, compute, placement, instance,
                 host, block_migration, disk_over_commit, force=False):
        self.context = context
        self.scheduler = scheduler
        self.compute = compute
        self.placement = placement
        self.instance = instance
        self.requested_host = host
        self.block_migration = block_migration
        self.disk_over_commit = disk_over_commit
        self.force = bool(force)
        self.source = instance.host
        self.migration = None
        self._parked = False
        self._claimed = False

    def execute(self):
        with events.instance_event(self.context, self.instance, EVENT,
                                   CONF.host):
            self.migration = self._create_migration()
            try:
                migrate_data = self._prepare()
            except Exception as exc:
                LOG.warning('Live migration not started: %s',
                            move_rollback.reason(exc),
                            instance_uuid=self.instance.uuid)
                self.rollback(exc)
                raise
            self.compute.live_migration(
                self.context, self.instance, self.migration.dest_compute,
                migrate_data.get('block_migration', self.block_migration),
                self.migration, migrate_data)
            LOG.info('Live migration %s from %s to %s handed to the source',
                     self.migration.uuid, self.source,
                     self.migration.dest_compute,
                     instance_uuid=self.instance.uuid)

    def _create_migration(self):
        instance = self.instance
        migration = objects.Migration(
            self.context, instance_uuid=instance.uuid,
            migration_type='live-migration', status='accepted',
            source_compute=instance.host, source_node=instance.node,
            dest_compute=self.requested_host, dest_node=None,
            dest_host=self.requested_host,
            old_instance_type_id=instance.instance_type_id,
            new_instance_type_id=instance.instance_type_id,
            project_id=instance.project_id, user_id=instance.user_id)
        migration.create()
        return migration

    # ------------------------------------------------------------------
    def _prepare(self):
        instance = self.instance
        if not compute_is_up(self.context, self.source):
            raise exception.ComputeServiceUnavailable(host=self.source)
        if self.requested_host == self.source:
            raise exception.UnableToMigrateToSelf(instance_id=instance.uuid,
                                                  host=self.source)
        self._parked = self.placement.move_allocations(
            self.context, instance.uuid, self.migration.uuid)
        if not self._parked:
            raise exception.MigrationPreCheckError(
                reason='placement refused to move the source allocation '
                       'to the migration record')
        if self.requested_host and self.force:
            return self._forced_destination()
        return self._scheduled_destination()

    def _forced_destination(self):
        host = self.requested_host
        self._check_service(host)
        node = host_node(self.context, host)
        if not claim_on_host(self.context, self.placement, self.instance,
                             node, self.migration.uuid):
            raise exception.MigrationPreCheckError(
                reason='host %s has no room for the instance' % host)
        self._claimed = True
        return self._check_destination(host, node.hypervisor_hostname)

    def _scheduled_destination(self):
        spec = objects.RequestSpec.get_by_instance_uuid(
            self.context, self.instance.uuid)
        spec.instance_uuid = self.instance.uuid
        spec.num_instances = 1
        ignored = [self.source]
        spec.force_nodes = None
        spec.force_hosts = [self.requested_host] if self.requested_host \
            else None
        attempts = max(CONF.scheduler.max_attempts, 1)
        last_error = None
        for _attempt in range(attempts):
            spec.ignore_hosts = list(ignored)
            selection = self.scheduler.select_destinations(
                self.context, spec, [self.instance.uuid])[0][0]
            self._claimed = True
            try:
                return self._check_destination(selection.service_host,
                                               selection.nodename)
            except (exception.Invalid, exception.MigrationError) as exc:
                LOG.info('Host %s cannot take the live migration: %s',
                         selection.service_host, exc,
                         instance_uuid=self.instance.uuid)
                last_error = exc
                self._free_claim()
                if self.requested_host:
                    raise
                ignored.append(selection.service_host)
        raise exception.MigrationPreCheckError(
            reason='no host passed the live migration checks after %d '
                   'attempt(s); the last: %s' % (attempts, last_error))

    def _check_service(self, host):
        if not compute_is_up(self.context, host):
            raise exception.ComputeServiceUnavailable(host=host)

    def _check_destination(self, host, nodename):
        self._check_service(host)
        source = objects.ComputeNode.get_by_host_and_nodename(
            self.context, self.source, self.instance.node)
        dest = objects.ComputeNode.get_by_host_and_nodename(
            self.context, host, nodename)
        if source.hypervisor_type != dest.hypervisor_type:
            raise exception.InvalidHypervisorType(
                source=source.hypervisor_type, dest=dest.hypervisor_type)
        if (source.hypervisor_version or 0) > (dest.hypervisor_version or 0):
            raise exception.DestinationHypervisorTooOld(
                source=source.hypervisor_version,
                dest=dest.hypervisor_version)
        self.migration.dest_compute = host
        self.migration.dest_node = nodename
        self.migration.dest_host = host
        self.migration.save()
        try:
            return self.compute.check_can_live_migrate_destination(
                self.context, self.instance, host, self.block_migration,
                self.disk_over_commit, migration=self.migration)
        except exception.NovaException:
            raise
        except Exception as exc:
            raise exception.MigrationPreCheckError(reason=str(exc))

    # ------------------------------------------------------------------
    def _free_claim(self):
        if not self._claimed:
            return
        try:
            self.placement.delete_allocation_for_instance(self.context,
                                                          self.instance.uuid)
        except Exception:
            LOG.exception('Could not free the destination claim',
                          instance_uuid=self.instance.uuid)
        self._claimed = False

    def rollback(self, exc):
        instance = self.instance
        self._free_claim()
        if self._parked:
            move_rollback.unpark_allocation(self.context, self.placement,
                                            self.migration, instance)
        move_rollback.record_fault(self.context, instance, exc)
        move_rollback.clear_task_state(instance, task_states.MIGRATING)
        move_rollback.fail_migration(self.migration)
