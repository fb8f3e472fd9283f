"""Compute API: resize, confirm and revert resize, cold migrate.

A mixin of nova.compute.api.API; it uses the API's image_api,
network_api, compute_rpcapi and compute_task_api.

A resize (or cold migration, a resize to the same flavor) is checked
here, marked with task_state resize_prep and handed to the conductor
with a call: the conductor creates the migration record, picks and
claims the destination and casts prep_resize to it, so a request no host
can take answers 400 NoValidHost at once, with the server left as it was.
Confirm and revert go straight to the compute host that must act first.
"""

from oslo_log import log as logging

import nova.conf
from nova.compute import checks
from nova.compute import disk_config
from nova.compute import events
from nova.compute import instance_actions
from nova import exception
from nova import objects
from nova import quota
from nova.states import task_states
from nova.states import vm_states

CONF = nova.conf.CONF
LOG = logging.getLogger(__name__)


def _check_resize_quota(context, instance, current, new):
    """Cores and RAM the larger flavor adds must fit in the quota."""
    deltas = {}
    if new.vcpus > current.vcpus:
        deltas['cores'] = new.vcpus - current.vcpus
    if new.memory_mb > current.memory_mb:
        deltas['ram'] = new.memory_mb - current.memory_mb
    if deltas:
        quota.check_deltas(context, instance.project_id, instance.user_id,
                           deltas)


class MoveActions:

    def _new_flavor(self, context, instance, flavor_id):
        current = instance.flavor
        # Read with the caller's context: a private flavor the project
        # was not given is not found.
        flavor = objects.Flavor.get_by_flavor_id(context, flavor_id)
        if flavor.disabled:
            raise exception.FlavorNotFound(flavor_id=flavor_id)
        if current is not None and flavor.flavorid == current.flavorid:
            raise exception.CannotResizeToSameFlavor()
        if current is not None:
            if flavor.root_gb == 0 and current.root_gb != 0:
                raise exception.CannotResizeDisk(
                    reason='Resize to zero disk flavor is not allowed.')
            if flavor.root_gb < current.root_gb:
                raise exception.CannotResizeDisk(
                    reason='Unable to resize disk down.')
            if flavor.ephemeral_gb < current.ephemeral_gb:
                raise exception.CannotResizeDisk(
                    reason='Unable to resize ephemeral disk down.')
        return flavor

    def _check_target_host(self, context, instance, host_name):
        admin = context.elevated()
        try:
            mapping = objects.HostMapping.get_by_host(admin, host_name)
            nodes = objects.ComputeNodeList.get_all_by_host(
                admin.targeted(mapping.cell_mapping.uuid), host_name)
        except exception.NotFound:
            nodes = []
        if not nodes:
            raise exception.ComputeHostNotFound(host=host_name)
        if host_name == instance.host and \
                not CONF.allow_resize_to_same_host:
            raise exception.MigrationPreCheckError(
                reason='Cannot migrate to the host where the server is '
                       'running: %s' % host_name)

    @checks.instance_state(vm_state=[vm_states.ACTIVE, vm_states.STOPPED],
                           task_state=[None])
    @checks.not_locked
    def resize(self, context, instance, flavor_id=None, clean_shutdown=True,
               host_name=None, auto_disk_config=None):
        """Resize to ``flavor_id``, or cold migrate when it is None
        (optionally to ``host_name``).

        ``auto_disk_config``: OS-DCF:diskConfig (True for AUTO). As
        upstream, the server takes it whatever it had before, None
        (a cold migration, a resize without it) counting as MANUAL.
        """
        disk_config.check_for_instance(instance, auto_disk_config)
        current = instance.flavor
        if flavor_id is None:
            new_flavor = current
            action = instance_actions.MIGRATE
        else:
            new_flavor = self._new_flavor(context, instance, flavor_id)
            action = instance_actions.RESIZE
            _check_resize_quota(context, instance, current, new_flavor)
        if host_name is not None:
            self._check_target_host(context, instance, host_name)
        instance.task_state = task_states.RESIZE_PREP
        instance.progress = 0
        instance.auto_disk_config = bool(auto_disk_config)
        instance.save(expected_task_state=[None])
        events.record_action_start(context, instance, action)
        try:
            self.compute_task_api.migrate_server(
                instance._context, instance, new_flavor,
                clean_shutdown=clean_shutdown, host_name=host_name)
        except Exception:
            # The conductor put the server back as it was unless the RPC
            # itself failed: make sure no task is left hanging.
            with _quietly():
                fresh = objects.Instance.get_by_uuid(instance._context,
                                                     instance.uuid)
                if fresh.task_state == task_states.RESIZE_PREP:
                    fresh.task_state = None
                    fresh.save(
                        expected_task_state=[task_states.RESIZE_PREP])
            raise

    def migrate(self, context, instance, host_name=None):
        self.resize(context, instance, flavor_id=None, host_name=host_name)

    def _finished_migration(self, context, instance):
        # MigrationNotFound (the API answers 400) if there is none.
        return objects.Migration.get_by_instance_and_status(
            context.elevated(), instance.uuid, 'finished')

    @checks.instance_state(vm_state=[vm_states.RESIZED], task_state=[None])
    def confirm_resize(self, context, instance, migration=None):
        migration = migration or self._finished_migration(
            instance._context, instance)
        migration.status = 'confirming'
        migration.save()
        events.record_action_start(context, instance,
                                   instance_actions.CONFIRM_RESIZE)
        self.compute_rpcapi.confirm_resize(instance._context, instance,
                                           migration,
                                           migration.source_compute)

    def confirm_resize_on_delete(self, context, instance):
        """A server deleted while in VERIFY_RESIZE: have its source host
        clean up and free what the migration holds, as a confirm would."""
        if instance.vm_state != vm_states.RESIZED:
            return
        try:
            migration = self._finished_migration(instance._context,
                                                 instance)
        except exception.MigrationNotFound:
            return
        migration.status = 'confirming'
        migration.save()
        self.compute_rpcapi.confirm_resize(instance._context, instance,
                                           migration,
                                           migration.source_compute)

    @checks.instance_state(vm_state=[vm_states.RESIZED], task_state=[None])
    @checks.not_locked
    def revert_resize(self, context, instance):
        migration = self._finished_migration(instance._context, instance)
        instance.task_state = task_states.RESIZE_REVERTING
        instance.save(expected_task_state=[None])
        migration.status = 'reverting'
        migration.save()
        events.record_action_start(context, instance,
                                   instance_actions.REVERT_RESIZE)
        self.compute_rpcapi.revert_resize(instance._context, instance,
                                          migration, migration.dest_compute)


class _quietly:
    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc is not None:
            LOG.exception('Could not clear the task of a failed move')
        return True
