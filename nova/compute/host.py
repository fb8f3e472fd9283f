"""What the work of one nova-compute host is done with.

ComputeManager builds one ComputeHost when it starts and hands it, as
first argument named ``compute``, to every function of the modules that
do the host's work (build.py, delete.py, power.py, resize.py...):

    def stop(compute, context, instance):
        with compute.locks.hold(instance.uuid):
            compute.driver.power_off(instance)

It holds:

- ``host``: this host's name; ``driver``: the virt driver;
- ``rt``: the resource tracker of the driver's nodes;
- ``locks``: the per-instance locks; ``builder``: the build pool;
  ``live_migrations``: the live migrations leaving this host;
  ``external_events``: the waiters for other services' events (VIFs
  plugged);
- the clients of the other services: ``reportclient`` (placement),
  ``network_api``, ``image_api``, ``compute_rpcapi`` (the other compute
  hosts), ``scheduler_api`` and ``compute_task_api`` (the conductor);
- the bookkeeping several modules share: the deletes in flight (a build
  gives up when its instance is being deleted), freeing an instance's
  placement allocations, telling the schedulers what arrived or left.

Tests build one with fakes for the clients through ``create``.
"""

import threading

from oslo_log import log as logging

import nova.conf
from nova.compute import build
from nova.compute import external_events
from nova.compute import instance_locks
from nova.compute import live_migration
from nova.compute import provider_report
from nova.compute import resource_tracker
from nova.compute import rpcapi as compute_rpcapi
from nova.conductor import rpcapi as conductor_rpcapi
from nova.image import api as image_api
from nova.network import api as network_api
from nova.scheduler.client import report
from nova.scheduler import rpcapi as scheduler_rpcapi
from nova.virt import driver as virt_driver

CONF = nova.conf.CONF
LOG = logging.getLogger(__name__)


class ComputeHost:
    """This host, its driver and its clients (see module doc)."""

    def __init__(self, host, driver, reportclient, network_api, image_api,
                 compute_rpcapi, scheduler_api, compute_task_api,
                 build_workers):
        self.host = host
        self.driver = driver
        self.reportclient = reportclient
        self.network_api = network_api
        self.image_api = image_api
        self.compute_rpcapi = compute_rpcapi
        self.scheduler_api = scheduler_api
        self.compute_task_api = compute_task_api
        self.rt = resource_tracker.ResourceTracker(
            host, driver, reporter=provider_report.ProviderReporter(
                host, driver, client=reportclient))
        self.locks = instance_locks.InstanceLocks()
        self.builder = build.Builder(self, build_workers)
        self.live_migrations = live_migration.LiveMigrations()
        self.external_events = external_events.ExternalEvents()
        self._deletes_lock = threading.Lock()
        # uuid -> number of deletes of it under way on this host.
        self._deletes = {}

    @classmethod
    def create(cls, **given):
        """The host the configuration describes. A keyword argument (named
        as in __init__) is used instead of what would be made from the
        configuration: tests pass fakes for the clients this way, and a
        client given is never made."""
        makers = {
            'host': lambda: CONF.host,
            'driver': virt_driver.load_compute_driver,
            'reportclient': report.get_client,
            'network_api': network_api.API,
            'image_api': image_api.API,
            'compute_rpcapi': compute_rpcapi.ComputeAPI,
            'scheduler_api': scheduler_rpcapi.SchedulerAPI,
            'compute_task_api': conductor_rpcapi.ComputeTaskAPI,
            'build_workers': lambda: CONF.compute.build_workers,
        }
        unknown = set(given) - set(makers)
        if unknown:
            raise TypeError('unknown collaborator(s): %s' %
                            ', '.join(sorted(unknown)))
        return cls(**{name: given[name] if name in given else make()
                      for name, make in makers.items()})

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

