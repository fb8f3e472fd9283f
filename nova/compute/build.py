"""Building instances on this host.

The RPC worker that receives build_and_run_instance only queues the build
on a bounded pool (CONF.compute.build_workers threads) and returns, so a
burst of builds never holds the RPC workers. A build then runs under the
instance's lock:

1. task_state scheduling -> spawning; the save expects the instance still
   building and untouched, so a build that arrives after the instance was
   deleted, or after a restart put it in ERROR, does nothing;
2. claim: the node's usage grows at once in the resource tracker, and the
   scheduler sees it within about a second;
3. network allocation;
4. driver.spawn;
5. vm_state active, task_state None, power_state from the driver,
   launched_at now.

If the instance is deleted meanwhile (the delete is requested on this
host, the record is gone, or its task_state became deleting) the guest,
the network and the claim are undone quietly and the delete finishes the
rest. Any other failure undoes the same things, records an instance fault
with the error and leaves the instance in ERROR.

Rescheduling plugs into the failure branch (``_fail``): when the
conductor sent alternate hosts (``host_list``) the build will be handed
back to it (a build_instances cast) instead of ending in ERROR; the guest,
network and claim are already undone by then, which is what a reschedule
needs too.
"""

import concurrent.futures
import threading

from oslo_log import log as logging
from oslo_utils import timeutils

from nova.compute import power_state
from nova.compute import task_states
from nova.compute import vm_states
from nova import exception
from nova import objects

LOG = logging.getLogger(__name__)


class _DeletedWhileBuilding(Exception):
    pass


def image_meta_from(image):
    """The image as the driver wants it: an ImageMeta when the dict can
    be read as one, else the dict itself."""
    if isinstance(image, dict):
        try:
            return objects.ImageMeta.from_dict(image)
        except (ValueError, TypeError):
            return image
    return image


class Builder:
    """The build pool of one compute manager."""

    def __init__(self, manager, workers):
        self.manager = manager
        self._pool = concurrent.futures.ThreadPoolExecutor(
            max_workers=workers, thread_name_prefix='nova-build')
        self._lock = threading.Lock()
        self._futures = set()
        # uuids whose guest is being built right now.
        self._spawning = set()

    # ------------------------------------------------------------------
    # Pool
    # ------------------------------------------------------------------
    def submit(self, context, instance, image, admin_password=None,
               injected_files=None, requested_networks=None, node=None,
               host_list=None):
        future = self._pool.submit(
            self._run, context, instance, image, admin_password,
            injected_files, requested_networks, node, host_list)
        with self._lock:
            self._futures.add(future)
        future.add_done_callback(self._forget)
        return future

    def _forget(self, future):
        with self._lock:
            self._futures.discard(future)

    def is_spawning(self, instance_uuid):
        with self._lock:
            return instance_uuid in self._spawning

    def wait(self, timeout=None):
        """Wait for the builds queued or running now; True if all ended
        within ``timeout`` seconds."""
        with self._lock:
            futures = list(self._futures)
        _done, running = concurrent.futures.wait(futures, timeout=timeout)
        return not running

    def shutdown(self, timeout):
        """Take no more builds and wait up to ``timeout`` seconds for those
        already queued or running; returns how many were left running."""
        self._pool.shutdown(wait=False)
        with self._lock:
            futures = list(self._futures)
        if not futures:
            return 0
        _done, running = concurrent.futures.wait(futures, timeout=timeout)
        if running:
            LOG.warning('%d build(s) still running after %ss; they will be '
                        'put in ERROR at the next start', len(running),
                        timeout)
        return len(running)

    # ------------------------------------------------------------------
    # One build
    # ------------------------------------------------------------------
    def _run(self, context, instance, image, admin_password, injected_files,
             requested_networks, node, host_list):
        uuid = instance.uuid
        try:
            with self.manager.locks.hold(uuid):
                if self.manager.delete_requested(uuid):
                    LOG.info('Instance deleted before its build started; '
                             'not building it', instance_uuid=uuid)
                    return
                if not self._start(instance):
                    return
                with self._lock:
                    self._spawning.add(uuid)
                try:
                    self._build(context, instance, image, admin_password,
                                injected_files, requested_networks, node)
                finally:
                    with self._lock:
                        self._spawning.discard(uuid)
        except Exception:
            # Nothing above should escape; a pool thread has no one to
            # report to but the log.
            LOG.exception('Unexpected error while building',
                          instance_uuid=uuid)

    @staticmethod
    def _start(instance):
        instance.task_state = task_states.SPAWNING
        try:
            instance.save(expected_task_state=[task_states.SCHEDULING, None],
                          expected_vm_state=[vm_states.BUILDING])
        except exception.InstanceNotFound:
            LOG.info('Instance deleted before its build started; not '
                     'building it', instance_uuid=instance.uuid)
            return False
        except exception.InstanceInvalidState as exc:
            LOG.warning('Not building instance: %s', exc.format_message(),
                        instance_uuid=instance.uuid)
            return False
        return True

    def _build(self, context, instance, image, admin_password,
               injected_files, requested_networks, node):
        manager = self.manager
        network_info = None
        try:
            node = manager.rt.instance_claim(instance, node)
            network_info = manager.network_api.allocate_for_instance(
                context, instance, requested_networks)
            manager.driver.spawn(context, instance, image_meta_from(image),
                                 injected_files or [], admin_password,
                                 allocations=None,
                                 network_info=network_info or [])
            if manager.delete_requested(instance.uuid):
                raise _DeletedWhileBuilding()
            instance.power_state = manager.driver.get_info(instance).state
            instance.vm_state = vm_states.ACTIVE
            instance.task_state = None
            instance.launched_at = timeutils.utcnow()
            instance.save(expected_task_state=[task_states.SPAWNING])
        except Exception as exc:
            deleted = self._deleted_meanwhile(context, instance, exc)
            self._undo(context, instance, network_info)
            if deleted:
                LOG.info('Instance deleted while it was being built; its '
                         'guest and resources are released',
                         instance_uuid=instance.uuid)
            else:
                self._fail(context, instance, exc)
            return
        manager.rt.finish_claim(instance)
        LOG.info('Instance built and running on node %s', node,
                 instance_uuid=instance.uuid)

    def _deleted_meanwhile(self, context, instance, exc):
        if isinstance(exc, (_DeletedWhileBuilding,
                            exception.InstanceNotFound)):
            return True
        if self.manager.delete_requested(instance.uuid):
            return True
        try:
            current = objects.Instance.get_by_uuid(context, instance.uuid)
        except exception.InstanceNotFound:
            return True
        except Exception:
            return False
        return current.task_state == task_states.DELETING

    def _undo(self, context, instance, network_info):
        manager = self.manager
        try:
            manager.driver.destroy(context, instance, network_info or [])
        except Exception:
            LOG.exception('Could not destroy the guest of a failed build',
                          instance_uuid=instance.uuid)
        if network_info is not None:
            try:
                manager.network_api.deallocate_for_instance(context,
                                                            instance)
            except Exception:
                LOG.exception('Could not free the network of a failed '
                              'build', instance_uuid=instance.uuid)
        manager.rt.release(instance)

    def _fail(self, context, instance, exc):
        """Record why the build failed and put the instance in ERROR."""
        LOG.error('Build failed: %s', getattr(exc, 'format_message',
                                              lambda: str(exc))(),
                  instance_uuid=instance.uuid, exc_info=exc)
        try:
            objects.InstanceFault.from_exception(
                context, instance.uuid, exc, self.manager.host).create()
        except Exception:
            LOG.exception('Could not record the fault of a failed build',
                          instance_uuid=instance.uuid)
        instance.vm_state = vm_states.ERROR
        instance.task_state = None
        instance.power_state = power_state.NOSTATE
        if 'launched_at' in instance.obj_what_changed():
            instance.launched_at = None
        try:
            instance.save(expected_task_state=[task_states.SPAWNING,
                                               task_states.SCHEDULING, None])
        except (exception.InstanceNotFound, exception.InstanceInvalidState):
            LOG.info('Instance deleted while its failed build was being '
                     'cleaned up', instance_uuid=instance.uuid)
