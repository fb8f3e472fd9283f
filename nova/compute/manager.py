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

import threading

import oslo_messaging as messaging
from oslo_log import log as logging

from nova.compute import build
from nova.compute import delete
from nova.compute import instance_locks
from nova.compute import power
from nova.compute import reconcile
from nova.compute import resource_tracker
import nova.conf
from nova.conductor import rpcapi as conductor_rpcapi
from nova import context as nova_context
from nova.network import api as network_api
from nova import objects
from nova.scheduler.client import report
from nova.scheduler import rpcapi as scheduler_rpcapi
from nova.virt import driver as virt_driver

CONF = nova.conf.CONF
LOG = logging.getLogger(__name__)


class ComputeManager:

    target = messaging.Target(version='1.0')

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
        return tasks

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
        delete.terminate(self, context, instance)

    def stop_instance(self, context, instance):
        power.stop(self, context, instance)

    def start_instance(self, context, instance):
        power.start(self, context, instance)

    def reboot_instance(self, context, instance, reboot_type):
        power.reboot(self, context, instance, reboot_type)

    def get_instance_power_state(self, context, instance):
        return power.current_power_state(self, instance)
