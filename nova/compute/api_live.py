"""Compute API: live migration (with force complete and abort), evacuate.

A mixin of nova.compute.api.API; it uses the API's image_api,
network_api, compute_rpcapi and compute_task_api.

- live_migrate: ACTIVE or PAUSED servers with no task; the destination
  (when named) must be a known compute host other than the server's own
  (400 otherwise). task_state migrating, action 'live-migration', then
  the conductor's live_migrate_instance (cast) creates the migration and
  does the rest (nova/conductor/tasks/live_migrate.py).
- live_migrate_force_complete / live_migrate_abort: on a migration of the
  server in progress (404 when it is not the server's, 400 when it is in
  the wrong status), cast to the source host.
- evacuate: ACTIVE, STOPPED or ERROR servers whose compute service is
  down or forced down (400 while it is up); task_state rebuilding, action
  'evacuate', a migration of type 'evacuation', then the conductor's
  evacuate_instance (cast).
"""

from oslo_log import log as logging

from nova.compute import checks
from nova.compute import events
from nova.compute import instance_actions
from nova import exception
from nova import objects
from nova import servicegroup
from nova.states import task_states
from nova.states import vm_states

LOG = logging.getLogger(__name__)

LIVE_MIGRATION = 'live-migration'
EVACUATION = 'evacuation'
# Migration statuses an abort acts on; the queued ones from 2.65.
ABORTABLE = ('running',)
ABORTABLE_QUEUED = ('queued', 'preparing')


def _cell_context(context, instance):
    """The context that reaches the instance's cell database."""
    return getattr(instance, '_context', None) or context


class LiveActions:

    # Live migration.

    def _check_live_destination(self, context, instance, host_name):
        if not host_name:
            return
        cctxt = _cell_context(context, instance)
        try:
            nodes = objects.ComputeNodeList.get_all_by_host(cctxt,
                                                            host_name)
        except exception.ComputeHostNotFound:
            nodes = []
        if not nodes:
            raise exception.ComputeHostNotFound(host=host_name)
        if host_name == instance.host:
            raise exception.UnableToMigrateToSelf(instance_id=instance.uuid,
                                                  host=host_name)

    @checks.not_locked
    @checks.instance_state(vm_state=[vm_states.ACTIVE, vm_states.PAUSED],
                           task_state=[None])
    def live_migrate(self, context, instance, block_migration,
                     disk_over_commit, host_name, force=None, async_=True):
        """Start a live migration of ``instance`` to ``host_name`` (None:
        the scheduler picks). ``block_migration`` None means "auto"."""
        self._check_live_destination(context, instance, host_name)
        instance.task_state = task_states.MIGRATING
        instance.save(expected_task_state=[None])
        events.record_action_start(context, instance,
                                   instance_actions.LIVE_MIGRATION)
        LOG.info('Live migration requested to %s', host_name or
                 'a host the scheduler picks', instance_uuid=instance.uuid)
        self.compute_task_api.live_migrate_instance(
            _cell_context(context, instance), instance, host_name,
            block_migration=block_migration,
            disk_over_commit=disk_over_commit, force=bool(force))

    def _live_migration(self, context, instance, migration_id):
        migration = objects.Migration.get_by_id_and_instance(
            _cell_context(context, instance), migration_id, instance.uuid)
        return migration

    @checks.not_locked
    @checks.instance_state(vm_state=[vm_states.ACTIVE],
                           task_state=[task_states.MIGRATING])
    def live_migrate_force_complete(self, context, instance, migration_id):
        """Make the running live migration ``migration_id`` finish now."""
        migration = self._live_migration(context, instance, migration_id)
        if migration.migration_type != LIVE_MIGRATION or \
                migration.status != 'running':
            raise exception.InvalidMigrationState(
                migration_id=migration_id, instance_uuid=instance.uuid,
                state=migration.status, method='force complete')
        events.record_action_start(
            context, instance, instance_actions.LIVE_MIGRATION_FORCE_COMPLETE)
        self.compute_rpcapi.live_migration_force_complete(
            _cell_context(context, instance), instance, migration)

    @checks.not_locked
    @checks.instance_state(vm_state=None, task_state=[task_states.MIGRATING])
    def live_migrate_abort(self, context, instance, migration_id,
                           support_abort_in_queue=True):
        """Abort live migration ``migration_id``: a running one, or (when
        ``support_abort_in_queue``, microversion 2.65) one still queued or
        preparing."""
        migration = self._live_migration(context, instance, migration_id)
        allowed = ABORTABLE + (ABORTABLE_QUEUED if support_abort_in_queue
                               else ())
        if migration.migration_type != LIVE_MIGRATION or \
                migration.status not in allowed:
            raise exception.InvalidMigrationState(
                migration_id=migration_id, instance_uuid=instance.uuid,
                state=migration.status, method='abort live migration')
        events.record_action_start(context, instance,
                                   instance_actions.LIVE_MIGRATION_CANCEL)
        self.compute_rpcapi.live_migration_abort(
            _cell_context(context, instance), instance, migration.id)

    # Evacuate.

    def _check_source_down(self, context, instance):
        cctxt = _cell_context(context, instance)
        try:
            service = objects.Service.get_by_host_and_binary(
                cctxt, instance.host, 'nova-compute')
        except exception.NotFound:
            return
        if servicegroup.is_up(service):
            raise exception.ComputeServiceInUse(host=instance.host)

    def _evacuation_image(self, context, instance):
        if not instance.image_ref:
            return {}
        try:
            return self.image_api.get(context, instance.image_ref)
        except exception.NotFound:
            # The image may be gone; the destination needs only its id.
            return {'id': instance.image_ref}

    @checks.instance_state(
        vm_state=[vm_states.ACTIVE, vm_states.STOPPED, vm_states.ERROR],
        task_state=checks.ANY)
    def evacuate(self, context, instance, host, on_shared_storage=None,
                 admin_password=None, force=None, target_state=None):
        """Rebuild ``instance`` on ``host`` (None: the scheduler picks)
        because its own host is down. ``target_state`` STOPPED (2.95)
        leaves it stopped there."""
        if not instance.host:
            raise exception.InstanceInvalidState(
                attr='host', instance_uuid=instance.uuid, state=None,
                method='evacuate')
        self._check_source_down(context, instance)
        image = self._evacuation_image(context, instance)
        cctxt = _cell_context(context, instance)
        previous_task = instance.task_state
        instance.task_state = task_states.REBUILDING
        instance.save(expected_task_state=[previous_task])
        events.record_action_start(context, instance,
                                   instance_actions.EVACUATE)
        migration = objects.Migration(
            cctxt, instance_uuid=instance.uuid,
            migration_type=EVACUATION, status='accepted',
            source_compute=instance.host, source_node=instance.node,
            dest_compute=host, dest_node=None, dest_host=host,
            old_instance_type_id=instance.instance_type_id,
            new_instance_type_id=instance.instance_type_id,
            project_id=instance.project_id, user_id=instance.user_id)
        migration.create()
        LOG.info('Evacuation from %s requested to %s', instance.host,
                 host or 'a host the scheduler picks',
                 instance_uuid=instance.uuid)
        self.compute_task_api.evacuate_instance(
            cctxt, instance, migration, host, image, admin_password,
            force=bool(force), target_state=target_state,
            on_shared_storage=on_shared_storage)
