"""RPC endpoints of nova-compute (topic ``compute``, server ``<host>``).

The manager is the thin face of this host: each endpoint hands its work
to the module that owns it:

- build.py: build_and_run_instance (queued on the build pool);
- delete.py: terminate_instance;
- power.py: stop, start, reboot, power state and its periodic sync;
- resource_tracker.py: the node records and their usage;
- reconcile.py: what init_host() does with the guests and instances it
  finds at start-up.

nova-compute has no database: every object method called here runs in
the conductor. The Service (nova.service) sets ``service_ref``, calls
init_host(), registers the manager as RPC endpoint, runs the callables of
periodic_tasks() and calls cleanup_host() when it stops.
"""

import functools
import threading

import oslo_messaging as messaging
from oslo_log import log as logging

from nova.compute import basic_ops
from nova.compute import build
from nova.compute import delete
from nova.compute import events
from nova.compute import evacuate
from nova.compute import host_info
from nova.compute import instance_locks
from nova.compute import lifecycle
from nova.compute import live_migration
from nova.compute import power
from nova.compute import rebuild
from nova.compute import reconcile
from nova.compute import resize
from nova.compute import resource_tracker
from nova.compute import shelve
from nova.compute import snapshot
from nova.compute import soft_delete
import nova.conf
from nova.conductor import rpcapi as conductor_rpcapi
from nova import context as nova_context
from nova import exception
from nova.network import api as network_api
from nova import objects
from nova.scheduler.client import report
from nova.scheduler import rpcapi as scheduler_rpcapi
from nova.virt import driver as virt_driver

CONF = nova.conf.CONF
LOG = logging.getLogger(__name__)


def _answers_errors(method):
    """For endpoints called (not cast): nova's errors and
    NotImplementedError are answers to the caller, not failures to log."""
    return functools.wraps(method)(messaging.expected_exceptions(
        exception.NovaException, NotImplementedError)(method))


class ComputeManager:

    target = messaging.Target(version='1.1')

    def __init__(self):
        self.host = CONF.host
        self.driver = virt_driver.load_compute_driver()
        self.network_api = network_api.API()
        self.rt = resource_tracker.ResourceTracker(self.host, self.driver)
        self.locks = instance_locks.InstanceLocks()
        self.builder = build.Builder(self, CONF.compute.build_workers)
        self.reportclient = report.get_client()
        self.scheduler_api = scheduler_rpcapi.SchedulerAPI()
        self.compute_task_api = conductor_rpcapi.ComputeTaskAPI()
        self._service_ref = None
        self._deletes_lock = threading.Lock()
        # uuid -> number of deletes of it under way on this host.
        self._deletes = {}
        self.live_migrations = live_migration.LiveMigrations()

    @property
    def service_ref(self):
        return self._service_ref

    @service_ref.setter
    def service_ref(self, value):
        self._service_ref = value
        self.rt.service_ref = value

    # ------------------------------------------------------------------
    # Deletes in flight (read by builds so they give up early)
    # ------------------------------------------------------------------
    def mark_delete_requested(self, instance_uuid):
        with self._deletes_lock:
            self._deletes[instance_uuid] = \
                self._deletes.get(instance_uuid, 0) + 1

    def clear_delete_requested(self, instance_uuid):
        with self._deletes_lock:
            left = self._deletes.get(instance_uuid, 0) - 1
            if left > 0:
                self._deletes[instance_uuid] = left
            else:
                self._deletes.pop(instance_uuid, None)

    def delete_requested(self, instance_uuid):
        with self._deletes_lock:
            return instance_uuid in self._deletes

    # ------------------------------------------------------------------
    # Placement and the schedulers' view of this host
    # ------------------------------------------------------------------
    def free_allocations(self, context, instance):
        """Drop the instance's placement allocations; logged, not raised,
        when placement cannot be reached (heal_allocations and the audit
        find what is left)."""
        try:
            self.reportclient.delete_allocation_for_instance(context,
                                                             instance.uuid)
        except Exception as exc:
            LOG.error('Could not free the placement allocations of the '
                      'instance: %s', exc, instance_uuid=instance.uuid)

    def tell_schedulers_built(self, context, instance):
        try:
            self.scheduler_api.update_instance_info(context, self.host,
                                                    [instance])
        except Exception:
            LOG.exception('Could not tell the schedulers about a new '
                          'instance', instance_uuid=instance.uuid)

    def tell_schedulers_deleted(self, context, instance_uuid):
        try:
            self.scheduler_api.delete_instance_info(context, self.host,
                                                    instance_uuid)
        except Exception:
            LOG.exception('Could not tell the schedulers about a deleted '
                          'instance', instance_uuid=instance_uuid)

    def sync_scheduler_instance_info(self, context=None):
        """Send every scheduler the full list of this host's instances so
        that a lost update is noticed."""
        context = context or nova_context.get_admin_context()
        uuids = sorted(i.uuid for i in
                       objects.InstanceList.get_by_host(context, self.host))
        self.scheduler_api.sync_instance_info(context, self.host, uuids)

    # ------------------------------------------------------------------
    # Service life cycle
    # ------------------------------------------------------------------
    def init_host(self):
        """Start the driver, publish the nodes and reconcile the guests
        with the database (see reconcile.py)."""
        context = nova_context.get_admin_context()
        self.driver.init_host(self.host)
        instances = objects.InstanceList.get_by_host(context, self.host)
        reconcile.reconcile_host(self, context, instances)
        lifecycle.listen(self)
        # Reconciling changed some instances; count them as they are now.
        instances = objects.InstanceList.get_by_host(context, self.host)
        self.rt.update_available_resource(context, instances)
        LOG.info('Compute host %s ready: %d node(s), %d instance(s)',
                 self.host, len(self.rt.nodenames), len(instances))

    def cleanup_host(self):
        """Let queued and running builds finish (bounded by
        graceful_shutdown_timeout), write pending usage, stop the driver."""
        self.builder.shutdown(CONF.graceful_shutdown_timeout)
        try:
            self.rt.stop()
        except Exception:
            LOG.exception('Could not save node usage at shutdown')
        self.driver.cleanup_host(self.host)

    def periodic_tasks(self):
        tasks = [(self.update_available_resource,
                  CONF.compute.resource_update_interval)]
        if CONF.scheduler.instance_sync_interval > 0:
            tasks.append((self.sync_scheduler_instance_info,
                          CONF.scheduler.instance_sync_interval))
        if CONF.compute.sync_power_state_interval > 0:
            tasks.append((self.sync_power_states,
                          CONF.compute.sync_power_state_interval))
        if CONF.reclaim_instance_interval > 0:
            tasks.append((self.reclaim_queued_deletes,
                          CONF.reclaim_instance_interval))
        if CONF.shelved_offload_time > 0 and CONF.shelved_poll_interval > 0:
            tasks.append((self.poll_shelved_instances,
                          CONF.shelved_poll_interval))
        if CONF.resize_confirm_window > 0:
            tasks.append((self.confirm_waiting_resizes,
                          CONF.resize_confirm_window))
        return tasks

    def confirm_waiting_resizes(self, context=None):
        return resize.confirm_waiting_resizes(
            self, context or nova_context.get_admin_context())

    def reclaim_queued_deletes(self, context=None):
        return soft_delete.reclaim_queued_deletes(
            self, context or nova_context.get_admin_context())

    def poll_shelved_instances(self, context=None):
        return shelve.poll_shelved_instances(
            self, context or nova_context.get_admin_context())

    def update_available_resource(self, context=None):
        self.rt.update_available_resource(
            context or nova_context.get_admin_context())

    def sync_power_states(self, context=None):
        return power.sync_power_states(
            self, context or nova_context.get_admin_context())

    # ------------------------------------------------------------------
    # RPC endpoints (see nova/compute/rpcapi.py)
    # ------------------------------------------------------------------
    def build_and_run_instance(self, context, instance, image, request_spec,
                               filter_properties, admin_password=None,
                               injected_files=None, requested_networks=None,
                               node=None, host_list=None):
        LOG.info('Build queued', instance_uuid=instance.uuid)
        self.builder.submit(context, instance, image,
                            admin_password=admin_password,
                            injected_files=injected_files,
                            requested_networks=requested_networks,
                            node=node, host_list=host_list,
                            request_spec=request_spec,
                            filter_properties=filter_properties)

    def terminate_instance(self, context, instance):
        with events.instance_event(context, instance,
                                   'compute_terminate_instance', self.host):
            delete.terminate(self, context, instance)

    def stop_instance(self, context, instance):
        power.stop(self, context, instance)

    def start_instance(self, context, instance):
        power.start(self, context, instance)

    def reboot_instance(self, context, instance, reboot_type):
        power.reboot(self, context, instance, reboot_type)

    def get_instance_power_state(self, context, instance):
        return power.current_power_state(self, instance)

    # Basic server actions (power.py, basic_ops.py).
    def pause_instance(self, context, instance):
        power.pause(self, context, instance)

    def unpause_instance(self, context, instance):
        power.unpause(self, context, instance)

    def suspend_instance(self, context, instance):
        power.suspend(self, context, instance)

    def resume_instance(self, context, instance):
        power.resume(self, context, instance)

    def rescue_instance(self, context, instance, rescue_password=None,
                        rescue_image_ref=None, clean_shutdown=True):
        basic_ops.rescue(self, context, instance, rescue_password,
                         rescue_image_ref, clean_shutdown)

    def unrescue_instance(self, context, instance):
        basic_ops.unrescue(self, context, instance)

    def trigger_crash_dump(self, context, instance):
        basic_ops.trigger_crash_dump(self, context, instance)

    @_answers_errors
    def set_admin_password(self, context, instance, new_pass):
        basic_ops.set_admin_password(self, context, instance, new_pass)

    @_answers_errors
    def get_console_output(self, context, instance, tail_length=None):
        return basic_ops.get_console_output(self, context, instance,
                                            tail_length)

    # Live migration and evacuation (live_migration.py, evacuate.py).
    def check_can_live_migrate_destination(self, context, instance,
                                           block_migration,
                                           disk_over_commit,
                                           migration=None):
        return live_migration.check_can_live_migrate_destination(
            self, context, instance, block_migration, disk_over_commit,
            migration)

    def check_can_live_migrate_source(self, context, instance,
                                      dest_check_data):
        return live_migration.check_can_live_migrate_source(
            self, context, instance, dest_check_data)

    def pre_live_migration(self, context, instance, migrate_data):
        return live_migration.pre_live_migration(self, context, instance,
                                                 migrate_data)

    def live_migration(self, context, instance, dest, block_migration,
                       migration, migrate_data):
        live_migration.live_migration(self, context, instance, dest,
                                      block_migration, migration,
                                      migrate_data)

    def post_live_migration_at_destination(self, context, instance,
                                           block_migration, migrate_data):
        live_migration.post_live_migration_at_destination(
            self, context, instance, block_migration, migrate_data)

    def rollback_live_migration_at_destination(self, context, instance,
                                               migrate_data):
        live_migration.rollback_live_migration_at_destination(
            self, context, instance, migrate_data)

    def live_migration_force_complete(self, context, instance,
                                      migration=None):
        live_migration.live_migration_force_complete(self, context,
                                                     instance)

    def live_migration_abort(self, context, instance, migration_id):
        live_migration.live_migration_abort(self, context, instance,
                                            migration_id)

    def evacuate_instance(self, context, instance, node, migration, image,
                          admin_password, target_state=None,
                          on_shared_storage=None):
        evacuate.evacuate_instance(self, context, instance, migration, node,
                                   image, admin_password, target_state,
                                   on_shared_storage)

    # Resources: see host_info.py.
    @messaging.expected_exceptions(exception.InstanceNotRunning,
                                   exception.InstanceNotFoundOnHypervisor)
    def get_diagnostics(self, context, instance):
        return host_info.get_diagnostics(self, context, instance)

    @messaging.expected_exceptions(exception.InstanceNotRunning,
                                   exception.InstanceNotFoundOnHypervisor)
    def get_instance_diagnostics(self, context, instance):
        return host_info.get_instance_diagnostics(self, context, instance)

    def get_host_uptime(self, context):
        return host_info.get_host_uptime(self, context)

    def external_instance_event(self, context, instances, events):
        host_info.external_instance_event(self, context, instances, events)

    @messaging.expected_exceptions(exception.Invalid,
                                   exception.InstanceNotReady,
                                   exception.InstanceNotFoundOnHypervisor,
                                   NotImplementedError)
    def get_console(self, context, instance, console_type):
        return host_info.get_console(self, context, instance, console_type)

    # Images, rebuild, shelve, soft delete (snapshot.py, rebuild.py,
    # shelve.py, soft_delete.py).
    def snapshot_instance(self, context, instance, image_id):
        snapshot.snapshot(self, context, instance, image_id)

    def backup_instance(self, context, instance, image_id, backup_type,
                        rotation):
        snapshot.backup(self, context, instance, image_id, backup_type,
                        rotation)

    def rebuild_in_place(self, context, instance, new_pass, injected_files,
                         image_ref, orig_image_ref, orig_sys_metadata,
                         preserve_ephemeral=False):
        rebuild.rebuild(self, context, instance, new_pass, injected_files,
                        image_ref, orig_image_ref, orig_sys_metadata,
                        preserve_ephemeral)

    def shelve_instance(self, context, instance, image_id,
                        clean_shutdown=True):
        shelve.shelve(self, context, instance, image_id, clean_shutdown)

    def shelve_offload_instance(self, context, instance,
                                clean_shutdown=True):
        shelve.shelve_offload(self, context, instance, clean_shutdown)

    def unshelve_instance(self, context, instance, image=None,
                          request_spec=None, node=None):
        shelve.unshelve(self, context, instance, image, request_spec, node)

    def soft_delete_instance(self, context, instance):
        soft_delete.soft_delete(self, context, instance)

    def restore_instance(self, context, instance):
        soft_delete.restore(self, context, instance)

    # Resize and cold migration (see resize.py).
    def prep_resize(self, context, instance, flavor, migration, node,
                    request_spec=None, clean_shutdown=True):
        resize.prep_resize(self, context, instance, flavor, migration, node,
                           request_spec, clean_shutdown)

    def resize_instance(self, context, instance, flavor, migration,
                        clean_shutdown=True):
        resize.resize_instance(self, context, instance, flavor, migration,
                               clean_shutdown)

    def finish_resize(self, context, instance, migration, disk_info):
        resize.finish_resize(self, context, instance, migration, disk_info)

    def confirm_resize(self, context, instance, migration):
        resize.confirm_resize(self, context, instance, migration)

    def revert_resize(self, context, instance, migration):
        resize.revert_resize(self, context, instance, migration)

    def finish_revert_resize(self, context, instance, migration):
        resize.finish_revert_resize(self, context, instance, migration)
