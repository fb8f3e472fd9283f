"""Evacuation, conductor side: a server whose host is down is rebuilt on
another host.

The compute API has checked the source compute service is down, set
task_state rebuilding, recorded the action and created the migration
(type 'evacuation', status 'accepted'). This task:

1. parks the instance's allocation on the source on the migration's uuid
   (the source host frees it when it comes back, see
   nova/compute/evacuate.py);
2. finds and claims the destination: the requested host directly when
   forced (2.29..2.67), the scheduler restricted to the requested host,
   or the scheduler over every host but the source;
3. casts evacuate_instance to the destination, which spawns the guest
   there.

When no destination can be found or claimed the allocation goes back to
the instance, which stays on its (down) host with task_state None and a
fault; the migration ends 'error'.
"""

from oslo_log import log as logging

import nova.conf
from nova.compute import events
from nova.conductor.tasks import live_migrate
from nova.conductor.tasks import move_rollback
from nova import exception
from nova import objects
from nova.states import task_states

LOG = logging.getLogger(__name__)
CONF = nova.conf.CONF

EVENT = 'conductor_rebuild_server'


class EvacuateTask:

    def __init__(self, context, scheduler, compute, placement, instance,
                 migration, host, image, admin_password, force=False,
                 target_state=None, on_shared_storage=None):
        self.context = context
        self.scheduler = scheduler
        self.compute = compute
        self.placement = placement
        self.instance = instance
        self.migration = migration
        self.requested_host = host
        self.image = image
        self.admin_password = admin_password
        self.force = bool(force)
        self.target_state = target_state
        self.on_shared_storage = on_shared_storage
        self.source = instance.host
        self._parked = False
        self._claimed = False

    def execute(self):
        with events.instance_event(self.context, self.instance, EVENT,
                                   CONF.host):
            try:
                host, node = self._destination()
            except Exception as exc:
                LOG.warning('Evacuation not started: %s',
                            move_rollback.reason(exc),
                            instance_uuid=self.instance.uuid)
                self.rollback(exc)
                raise
            self.migration.dest_compute = host
            self.migration.dest_node = node
            self.migration.dest_host = host
            self.migration.save()
            self.compute.evacuate_instance(
                self.context, self.instance, host, node, self.migration,
                self.image, self.admin_password,
                target_state=self.target_state,
                on_shared_storage=self.on_shared_storage)
            LOG.info('Evacuation %s from %s to %s handed to the '
                     'destination', self.migration.uuid, self.source, host,
                     instance_uuid=self.instance.uuid)

    def _destination(self):
        instance = self.instance
        if self.requested_host == self.source:
            raise exception.UnableToMigrateToSelf(instance_id=instance.uuid,
                                                  host=self.source)
        self._parked = self.placement.move_allocations(
            self.context, instance.uuid, self.migration.uuid)
        if not self._parked:
            raise exception.MigrationError(
                reason='placement refused to move the source allocation '
                       'to the migration record')
        if self.requested_host and self.force:
            host = self.requested_host
            node = live_migrate.host_node(self.context, host)
            if not live_migrate.claim_on_host(
                    self.context, self.placement, instance, node,
                    self.migration.uuid):
                raise exception.NoValidHost(
                    reason='host %s has no room for the instance' % host)
            self._claimed = True
            return host, node.hypervisor_hostname
        spec = objects.RequestSpec.get_by_instance_uuid(self.context,
                                                        instance.uuid)
        spec.instance_uuid = instance.uuid
        spec.num_instances = 1
        spec.ignore_hosts = [self.source]
        spec.force_nodes = None
        spec.force_hosts = [self.requested_host] if self.requested_host \
            else None
        selection = self.scheduler.select_destinations(
            self.context, spec, [instance.uuid])[0][0]
        self._claimed = True
        return selection.service_host, selection.nodename

    def rollback(self, exc):
        instance = self.instance
        if self._claimed:
            try:
                self.placement.delete_allocation_for_instance(
                    self.context, instance.uuid)
            except Exception:
                LOG.exception('Could not free the destination claim',
                              instance_uuid=instance.uuid)
        if self._parked:
            move_rollback.unpark_allocation(self.context, self.placement,
                                            self.migration, instance)
        move_rollback.record_fault(self.context, instance, exc)
        move_rollback.clear_task_state(instance, task_states.REBUILDING)
        move_rollback.fail_migration(self.migration)
