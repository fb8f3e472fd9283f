"""RPC endpoints of nova-compute (topic ``compute``, server ``<host>``).

The manager is the thin face of this host: each endpoint hands its work
to the module that owns it:

- build.py: build_and_run_instance (queued on the build pool);
- delete.py: terminate_instance;
- power.py: stop, start, reboot, pause, suspend and their periodic sync;
- basic_ops.py, host_info.py: rescue, password, consoles, diagnostics;
- resize.py, live_migration.py, evacuate.py: the moves;
- snapshot.py, rebuild.py, shelve.py, soft_delete.py: images and the
  actions built on them;
- interfaces.py: attaching and detaching ports (os-interface);
- resource_tracker.py: the node records and their usage;
- reconcile.py: what init_host() does with the guests and instances it
  finds at start-up; lifecycle.py: the driver's power state events.

Those modules get what they work with in one way only: the ComputeHost
(nova/compute/host.py) the manager builds once in __init__, passed as
the first argument, ``compute``, of every function. It holds the host
name, the driver, the resource tracker, the instance locks, the build
pool, the placement, network and image clients, the RPC clients of the
other compute hosts, the schedulers and the conductor, and the
bookkeeping several modules share (deletes in flight, freeing placement
allocations, telling the schedulers). The manager itself keeps nothing
else but the service record; tests hand it a ComputeHost made with fake
clients.

nova-compute has no database: every object method called here runs in
the conductor. The Service (nova.service) sets ``service_ref``, calls
init_host(), registers the manager as RPC endpoint, runs the callables of
periodic_tasks() and calls cleanup_host() when it stops.
"""

import functools

import oslo_messaging as messaging
from oslo_log import log as logging

from nova.compute import basic_ops
from nova.compute import delete
from nova.compute import events
from nova.compute import evacuate
from nova.compute import host as compute_host
from nova.compute import host_info
from nova.compute import interfaces
from nova.compute import lifecycle
from nova.compute import live_migration
from nova.compute import power
from nova.compute import rebuild
from nova.compute import reconcile
from nova.compute import resize
from nova.compute import shelve
from nova.compute import snapshot
from nova.compute import soft_delete
import nova.conf
from nova import context as nova_context
from nova import exception
from nova import objects

CONF = nova.conf.CONF
LOG = logging.getLogger(__name__)


def _answers_errors(method):
    """For endpoints called (not cast): nova's errors and
    NotImplementedError are answers to the caller, not failures to log."""
    return functools.wraps(method)(messaging.expected_exceptions(
        exception.NovaException, NotImplementedError)(method))


class ComputeManager:

    target = messaging.Target(version='1.2')

    def __init__(self, compute=None):
        """``compute``: the ComputeHost served (by default the one the
        configuration describes)."""
        self.compute = (compute if compute is not None
                        else compute_host.ComputeHost.create())
        self._service_ref = None

    @property
    def service_ref(self):
        return self._service_ref

    @service_ref.setter
    def service_ref(self, value):
        self._service_ref = value
        self.compute.rt.service_ref = value

    def sync_scheduler_instance_info(self, context=None):
        """Send every scheduler the full list of this host's instances so
        that a lost update is noticed."""
        compute = self.compute
        context = context or nova_context.get_admin_context()
        uuids = sorted(i.uuid for i in
                       objects.InstanceList.get_by_host(context, compute.host))
        compute.scheduler_api.sync_instance_info(context, compute.host, uuids)

    # ------------------------------------------------------------------
    # Service life cycle
    # ------------------------------------------------------------------
    def init_host(self):
        """Start the driver, publish the nodes and reconcile the guests
        with the database (see reconcile.py)."""
        compute = self.compute
        context = nova_context.get_admin_context()
        compute.driver.init_host(compute.host)
        instances = objects.InstanceList.get_by_host(context, compute.host)
        reconcile.reconcile_host(compute, context, instances)
        lifecycle.listen(compute)
        # Reconciling changed some instances; count them as they are now.
        instances = objects.InstanceList.get_by_host(context, compute.host)
        compute.rt.update_available_resource(context, instances)
        LOG.info('Compute host %s ready: %d node(s), %d instance(s)',
                 compute.host, len(compute.rt.nodenames), len(instances))

    def cleanup_host(self):
        """Let queued and running builds finish (bounded by
        graceful_shutdown_timeout), write pending usage, stop the driver."""
        compute = self.compute
        compute.builder.shutdown(CONF.graceful_shutdown_timeout)
        try:
            compute.rt.stop()
        except Exception:
            LOG.exception('Could not save node usage at shutdown')
        compute.driver.cleanup_host(compute.host)

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
            self.compute, context or nova_context.get_admin_context())

    def reclaim_queued_deletes(self, context=None):
        return soft_delete.reclaim_queued_deletes(
            self.compute, context or nova_context.get_admin_context())

    def poll_shelved_instances(self, context=None):
        return shelve.poll_shelved_instances(
            self.compute, context or nova_context.get_admin_context())

    def update_available_resource(self, context=None):
        self.compute.rt.update_available_resource(
            context or nova_context.get_admin_context())

    def sync_power_states(self, context=None):
        return power.sync_power_states(
            self.compute, context or nova_context.get_admin_context())

    # ------------------------------------------------------------------
    # RPC endpoints (see nova/compute/rpcapi.py)
    # ------------------------------------------------------------------
    def build_and_run_instance(self, context, instance, image, request_spec,
                               filter_properties, admin_password=None,
                               injected_files=None, requested_networks=None,
                               node=None, host_list=None):
        LOG.info('Build queued', instance_uuid=instance.uuid)
        self.compute.builder.submit(context, instance, image,
                                    admin_password=admin_password,
                                    injected_files=injected_files,
                                    requested_networks=requested_networks,
                                    node=node, host_list=host_list,
                                    request_spec=request_spec,
                                    filter_properties=filter_properties)

    def terminate_instance(self, context, instance):
        with events.instance_event(context, instance,
                                   'compute_terminate_instance',
                                   self.compute.host):
            delete.terminate(self.compute, context, instance)

    def stop_instance(self, context, instance):
        power.stop(self.compute, context, instance)

    def start_instance(self, context, instance):
        power.start(self.compute, context, instance)

    def reboot_instance(self, context, instance, reboot_type):
        power.reboot(self.compute, context, instance, reboot_type)

    def get_instance_power_state(self, context, instance):
        return power.current_power_state(self.compute, instance)

    # Basic server actions (power.py, basic_ops.py).
    def pause_instance(self, context, instance):
        power.pause(self.compute, context, instance)

    def unpause_instance(self, context, instance):
        power.unpause(self.compute, context, instance)

    def suspend_instance(self, context, instance):
        power.suspend(self.compute, context, instance)

    def resume_instance(self, context, instance):
        power.resume(self.compute, context, instance)

    def rescue_instance(self, context, instance, rescue_password=None,
                        rescue_image_ref=None, clean_shutdown=True):
        basic_ops.rescue(self.compute, context, instance, rescue_password,
                         rescue_image_ref, clean_shutdown)

    def unrescue_instance(self, context, instance):
        basic_ops.unrescue(self.compute, context, instance)

    def trigger_crash_dump(self, context, instance):
        basic_ops.trigger_crash_dump(self.compute, context, instance)

    @_answers_errors
    def set_admin_password(self, context, instance, new_pass):
        basic_ops.set_admin_password(self.compute, context, instance, new_pass)

    @_answers_errors
    def get_console_output(self, context, instance, tail_length=None):
        return basic_ops.get_console_output(self.compute, context, instance,
                                            tail_length)

    # Live migration and evacuation (live_migration.py, evacuate.py).
    def check_can_live_migrate_destination(self, context, instance,
                                           block_migration,
                                           disk_over_commit,
                                           migration=None):
        return live_migration.check_can_live_migrate_destination(
            self.compute, context, instance, block_migration, disk_over_commit,
            migration)

    def check_can_live_migrate_source(self, context, instance,
                                      dest_check_data):
        return live_migration.check_can_live_migrate_source(
            self.compute, context, instance, dest_check_data)

    def pre_live_migration(self, context, instance, migrate_data):
        return live_migration.pre_live_migration(self.compute, context,
                                                 instance, migrate_data)

    def live_migration(self, context, instance, dest, block_migration,
                       migration, migrate_data):
        live_migration.live_migration(self.compute, context, instance, dest,
                                      block_migration, migration,
                                      migrate_data)

    def post_live_migration_at_destination(self, context, instance,
                                           block_migration, migrate_data):
        live_migration.post_live_migration_at_destination(
            self.compute, context, instance, block_migration, migrate_data)

    def rollback_live_migration_at_destination(self, context, instance,
                                               migrate_data):
        live_migration.rollback_live_migration_at_destination(
            self.compute, context, instance, migrate_data)

    def live_migration_force_complete(self, context, instance,
                                      migration=None):
        live_migration.live_migration_force_complete(self.compute, context,
                                                     instance)

    def live_migration_abort(self, context, instance, migration_id):
        live_migration.live_migration_abort(self.compute, context, instance,
                                            migration_id)

    def evacuate_instance(self, context, instance, node, migration, image,
                          admin_password, target_state=None,
                          on_shared_storage=None):
        evacuate.evacuate_instance(self.compute, context, instance,
                                   migration, node, image, admin_password,
                                   target_state, on_shared_storage)

    # Resources: see host_info.py.
    @messaging.expected_exceptions(exception.InstanceNotRunning,
                                   exception.InstanceNotFoundOnHypervisor)
    def get_diagnostics(self, context, instance):
        return host_info.get_diagnostics(self.compute, context, instance)

    @messaging.expected_exceptions(exception.InstanceNotRunning,
                                   exception.InstanceNotFoundOnHypervisor)
    def get_instance_diagnostics(self, context, instance):
        return host_info.get_instance_diagnostics(self.compute, context,
                                                  instance)

    def get_host_uptime(self, context):
        return host_info.get_host_uptime(self.compute, context)

    def external_instance_event(self, context, instances, events):
        host_info.external_instance_event(self.compute, context, instances,
                                          events)

    @messaging.expected_exceptions(exception.Invalid,
                                   exception.InstanceNotReady,
                                   exception.InstanceNotFoundOnHypervisor,
                                   NotImplementedError)
    def get_console(self, context, instance, console_type):
        return host_info.get_console(self.compute, context, instance,
                                     console_type)

    # Images, rebuild, shelve, soft delete (snapshot.py, rebuild.py,
    # shelve.py, soft_delete.py).
    def snapshot_instance(self, context, instance, image_id):
        snapshot.snapshot(self.compute, context, instance, image_id)

    def backup_instance(self, context, instance, image_id, backup_type,
                        rotation):
        snapshot.backup(self.compute, context, instance, image_id, backup_type,
                        rotation)

    def rebuild_in_place(self, context, instance, new_pass, injected_files,
                         image_ref, orig_image_ref, orig_sys_metadata,
                         preserve_ephemeral=False):
        rebuild.rebuild(self.compute, context, instance, new_pass,
                        injected_files, image_ref, orig_image_ref,
                        orig_sys_metadata, preserve_ephemeral)

    def shelve_instance(self, context, instance, image_id,
                        clean_shutdown=True):
        shelve.shelve(self.compute, context, instance, image_id,
                      clean_shutdown)

    def shelve_offload_instance(self, context, instance,
                                clean_shutdown=True):
        shelve.shelve_offload(self.compute, context, instance, clean_shutdown)

    def unshelve_instance(self, context, instance, image=None,
                          request_spec=None, node=None):
        shelve.unshelve(self.compute, context, instance, image,
                        request_spec, node)

    def soft_delete_instance(self, context, instance):
        soft_delete.soft_delete(self.compute, context, instance)

    def restore_instance(self, context, instance):
        soft_delete.restore(self.compute, context, instance)

    # Resize and cold migration (see resize.py).
    def prep_resize(self, context, instance, flavor, migration, node,
                    request_spec=None, clean_shutdown=True):
        resize.prep_resize(self.compute, context, instance, flavor,
                           migration, node, request_spec, clean_shutdown)

    def resize_instance(self, context, instance, flavor, migration,
                        clean_shutdown=True):
        resize.resize_instance(self.compute, context, instance, flavor,
                               migration, clean_shutdown)

    def finish_resize(self, context, instance, migration, disk_info):
        resize.finish_resize(self.compute, context, instance, migration,
                             disk_info)

    def confirm_resize(self, context, instance, migration):
        resize.confirm_resize(self.compute, context, instance, migration)

    def revert_resize(self, context, instance, migration):
        resize.revert_resize(self.compute, context, instance, migration)

    def finish_revert_resize(self, context, instance, migration):
        resize.finish_revert_resize(self.compute, context, instance, migration)

    # Interfaces (see interfaces.py).
    @_answers_errors
    def attach_interface(self, context, instance, network_id=None,
                         port_id=None, requested_ip=None, tag=None):
        return interfaces.attach_interface(self.compute, context, instance,
                                           network_id, port_id,
                                           requested_ip, tag)

    def detach_interface(self, context, instance, port_id):
        interfaces.detach_interface(self.compute, context, instance, port_id)
