"""Start a resize or cold migration: the conductor's part.

The compute API has set the instance's task_state to resize_prep and
calls migrate_server. This task

1. creates the Migration record (status pre-migrating);
2. moves the instance's placement allocation on the source node to the
   migration's uuid, so the source keeps its resources while the
   instance's own consumer is free to claim the destination;
3. asks the scheduler for a destination with the new flavor (the source
   host ignored unless a same-host resize is allowed, or the one host
   the admin asked for), which claims it for the instance;
4. records the destination on the migration and casts prep_resize to it.

If any step fails the task rolls back: the instance's allocation goes
back from the migration to the instance (whatever was claimed on a
destination is dropped by the same write), the migration ends in
'error', the instance's task_state is cleared with a fault saying why,
and the error goes back to the API (NoValidHost answers 400).
"""

from oslo_log import log as logging

import nova.conf
from nova.compute import events
from nova.conductor.tasks import move_rollback
from nova import exception
from nova import objects
from nova.states import task_states

CONF = nova.conf.CONF
LOG = logging.getLogger(__name__)


class MigrationTask:

    def __init__(self, context, scheduler, compute, placement, instance,
                 flavor, clean_shutdown=True, host_name=None):
        self.context = context
        self.scheduler = scheduler
        self.compute = compute
        self.placement = placement
        self.instance = instance
        self.flavor = flavor
        self.clean_shutdown = clean_shutdown
        self.host_name = host_name
        self.migration = None
        self._moved = False

    def execute(self):
        with events.instance_event(self.context, self.instance,
                                   'conductor_migrate_server', CONF.host):
            try:
                self._execute()
            except Exception as exc:
                if isinstance(exc, exception.NoValidHost):
                    LOG.info('No host for the move of the instance: %s',
                             exc.format_message(),
                             instance_uuid=self.instance.uuid)
                else:
                    LOG.exception('Move of the instance failed in the '
                                  'conductor', instance_uuid=self.instance.uuid)
                self.rollback(exc)
                raise

    def _request_spec(self):
        instance = self.instance
        try:
            spec = objects.RequestSpec.get_by_instance_uuid(self.context,
                                                            instance.uuid)
        except exception.NotFound:
            spec = objects.RequestSpec(
                self.context, instance_uuid=instance.uuid,
                project_id=instance.project_id, user_id=instance.user_id,
                availability_zone=instance.availability_zone,
                num_instances=1, scheduler_hints={}, image=None)
        spec.instance_uuid = instance.uuid
        spec.flavor = self.flavor
        spec.num_instances = 1
        spec.project_id = instance.project_id
        spec.user_id = instance.user_id
        spec.force_nodes = []
        if self.host_name:
            spec.force_hosts = [self.host_name]
            spec.ignore_hosts = []
        else:
            spec.force_hosts = []
            spec.ignore_hosts = ([] if CONF.allow_resize_to_same_host
                                 else [instance.host])
        return spec

    def _execute(self):
        instance = self.instance
        same_flavor = (instance.flavor is not None and
                       instance.flavor.flavorid == self.flavor.flavorid)
        migration = objects.Migration(
            self.context, instance_uuid=instance.uuid,
            source_compute=instance.host, source_node=instance.node,
            old_instance_type_id=(instance.flavor.id
                                  if instance.flavor is not None else None),
            new_instance_type_id=self.flavor.id, status='pre-migrating',
            migration_type='migration' if same_flavor else 'resize',
            user_id=self.context.user_id or instance.user_id,
            project_id=self.context.project_id or instance.project_id)
        migration.create()
        self.migration = migration
        if not self.placement.move_allocations(self.context, instance.uuid,
                                               migration.uuid):
            raise exception.MigrationError(
                reason='placement kept refusing to move the allocations of '
                       'the instance to its migration')
        self._moved = True
        spec = self._request_spec()
        selections = self.scheduler.select_destinations(
            self.context, spec, [instance.uuid], return_alternates=False)
        selection = selections[0][0]
        migration.dest_compute = selection.service_host
        migration.dest_node = selection.nodename
        migration.dest_host = selection.service_host
        migration.save()
        LOG.info('Moving the instance from %s to %s (migration %s)',
                 instance.host, selection.service_host, migration.uuid,
                 instance_uuid=instance.uuid)
        self.compute.prep_resize(
            self.context, instance, self.flavor, migration,
            selection.service_host, selection.nodename,
            clean_shutdown=self.clean_shutdown)

    def rollback(self, exc):
        instance = self.instance
        if self._moved:
            move_rollback.unpark_allocation(self.context, self.placement,
                                            self.migration, instance)
        if self.migration is not None:
            move_rollback.fail_migration(self.migration)
        move_rollback.record_fault(self.context, instance, exc)
        try:
            fresh = objects.Instance.get_by_uuid(self.context, instance.uuid)
        except exception.InstanceNotFound:
            return
        except Exception:
            LOG.exception('Could not reload the instance to clear its task',
                          instance_uuid=instance.uuid)
            return
        move_rollback.clear_task_state(fresh, task_states.RESIZE_PREP)
