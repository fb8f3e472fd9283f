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
   launched_at now, config_drive 'True' when the server got one because
   of the configuration or its image (nova.metadata.configdrive).

If the instance is deleted meanwhile (the delete is requested on this
host, the record is gone, or its task_state became deleting) the guest,
the network and the claim are undone quietly and the delete finishes the
rest. Any other failure undoes the same things and frees the instance's
placement allocations; then, when the scheduler sent alternate hosts
(``host_list``), the build goes back to the conductor (a build_instances
cast) to claim and try the next one. With no alternate left the build
records an instance fault (naming every host tried) and leaves the
instance in ERROR.
"""

import concurrent.futures
import threading
import time

from oslo_log import log as logging
from oslo_utils import timeutils

from nova.compute import events
from nova.compute import personality
from nova.compute import vif_plugging
from nova import exception
from nova.metadata import configdrive
from nova.network import model as network_model
from nova.notifications.instance import notify_action
from nova import objects
from nova.states import power_state
from nova.states import task_states
from nova.states import vm_states

LOG = logging.getLogger(__name__)

# The instance action event of a build on this host (one per attempt).
BUILD_EVENT = 'compute__do_build_and_run_instance'


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


class _Request:
    """What build_and_run_instance was asked, kept for a reschedule."""

    def __init__(self, image, admin_password, injected_files,
                 requested_networks, node, host_list, request_spec,
                 filter_properties):
        self.image = image
        self.admin_password = admin_password
        self.injected_files = injected_files
        self.requested_networks = requested_networks
        self.node = node
        self.host_list = list(host_list or [])
        self.request_spec = request_spec
        self.filter_properties = dict(filter_properties or {})


class Builder:
    """The build pool of one compute host."""

    def __init__(self, compute, workers):
        self.compute = compute
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
               host_list=None, request_spec=None, filter_properties=None):
        request = _Request(image, admin_password, injected_files,
                           requested_networks, node, host_list,
                           request_spec, filter_properties)
        future = self._pool.submit(self._run, context, instance, request)
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
    def _run(self, context, instance, request):
        uuid = instance.uuid
        try:
            with self.compute.locks.hold(uuid):
                if self.compute.delete_requested(uuid):
                    LOG.info('Instance deleted before its build started; '
                             'not building it', instance_uuid=uuid)
                    return
                if not self._start(instance):
                    return
                with self._lock:
                    self._spawning.add(uuid)
                started = events.event_start(context, instance, BUILD_EVENT,
                                             self.compute.host)
                try:
                    error = self._build(context, instance, request)
                    events.event_finish(context, instance, BUILD_EVENT,
                                        error, started)
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

    def _build(self, context, instance, request):
        compute = self.compute
        network_info = None
        node = request.node
        notify_action(context, instance, compute.host, 'create', 'start')
        try:
            node = compute.rt.instance_claim(instance, node)
            started = time.monotonic()
            network_info = compute.network_api.allocate_for_instance(
                context, instance, request.requested_networks,
                host=compute.host)
            if network_info:
                LOG.info('Allocated %d port(s) in %.3f s', len(network_info),
                         time.monotonic() - started,
                         instance_uuid=instance.uuid)
                # A server deleted while its ports were made (the API may
                # delete a server whose build it did not see start) is
                # noticed now and its new ports freed at once, not after a
                # spawn and a wait for Neutron's events that never come.
                self._check_not_deleted(context, instance)
            image_meta = image_meta_from(request.image)
            with vif_plugging.waiting(compute, instance, network_info):
                compute.driver.spawn(
                    context, instance, image_meta,
                    personality.decode(request.injected_files),
                    request.admin_password, allocations=None,
                    network_info=network_info or [])
            if compute.delete_requested(instance.uuid):
                raise _DeletedWhileBuilding()
            if network_info:
                instance.network_info = network_model.dump(network_info)
            # The drivers gave it a config drive for the same reasons.
            configdrive.update_instance(instance, image_meta)
            instance.power_state = compute.driver.get_info(instance).state
            instance.vm_state = vm_states.ACTIVE
            instance.task_state = None
            instance.launched_at = timeutils.utcnow()
            instance.save(expected_task_state=[task_states.SPAWNING])
        except Exception as exc:
            notify_action(context, instance, compute.host, 'create', 'error',
                          exception=exc)
            deleted = self._deleted_meanwhile(context, instance, exc)
            self._undo(context, instance, network_info,
                       free_allocations=not deleted)
            if deleted:
                LOG.info('Instance deleted while it was being built; its '
                         'guest and resources are released',
                         instance_uuid=instance.uuid)
            elif not self._reschedule(context, instance, request, exc):
                self._fail(context, instance,
                           self._final_error(request, exc))
            return exc
        notify_action(context, instance, compute.host, 'create', 'end',
                      extra={'network_info': network_info})
        compute.rt.finish_claim(instance)
        compute.tell_schedulers_built(context, instance)
        LOG.info('Instance built and running on node %s', node,
                 instance_uuid=instance.uuid)

    # ------------------------------------------------------------------
    # Reschedule
    # ------------------------------------------------------------------
    def _reschedule(self, context, instance, request, exc):
        """Hand the build back to the conductor for the next alternate
        host; False when there is none (or the error is final)."""
        alternates = request.host_list[1:]
        if not alternates or isinstance(exc, exception.BuildAbortException):
            return False
        retry = dict(request.filter_properties.get('retry') or {})
        retry['num_attempts'] = retry.get('num_attempts', 1) + 1
        retry['hosts'] = list(retry.get('hosts') or []) + [
            [self.compute.host, instance.node]]
        retry['exc_reason'] = _message(exc)
        LOG.warning('Build failed on this host (%s); rescheduling to one of '
                    '%d alternate host(s)', retry['exc_reason'],
                    len(alternates), instance_uuid=instance.uuid)
        node = instance.node
        instance.host = None
        instance.node = None
        instance.task_state = task_states.SCHEDULING
        try:
            instance.save(expected_task_state=[task_states.SPAWNING])
        except (exception.InstanceNotFound, exception.InstanceInvalidState):
            LOG.info('Instance deleted while its build was being '
                     'rescheduled', instance_uuid=instance.uuid)
            return True
        filter_properties = dict(request.filter_properties, retry=retry)
        try:
            self.compute.compute_task_api.build_instances(
                context, instance, request.image, request.request_spec,
                filter_properties, request.admin_password,
                request.injected_files, request.requested_networks,
                alternates)
        except exception.RPCVersionPinned as pinned:
            # Conductors too old to reschedule: the build fails here, as
            # on a last host.
            LOG.warning('Not rescheduling: %s', pinned.format_message(),
                        instance_uuid=instance.uuid)
            instance.host = self.compute.host
            instance.node = node
            return False
        return True

    def _final_error(self, request, exc):
        """The error recorded when no host is left: the last failure,
        and how many hosts were tried when there were several."""
        retry = request.filter_properties.get('retry') or {}
        attempts = retry.get('num_attempts', 1)
        if attempts <= 1:
            return exc
        hosts = [h for h, _n in retry.get('hosts') or []] + [
            self.compute.host]
        return exception.MaxRetriesExceeded(reason=(
            'The build failed on every host tried (%d: %s); on the last '
            'one, %s: %s' % (len(hosts), ', '.join(hosts), self.compute.host,
                             _message(exc))))

    def _check_not_deleted(self, context, instance):
        """Raise _DeletedWhileBuilding when the server has been deleted
        (or is being deleted) since its build started."""
        if self.compute.delete_requested(instance.uuid):
            raise _DeletedWhileBuilding()
        current = objects.Instance.get_by_uuid(context, instance.uuid)
        if current.task_state == task_states.DELETING:
            raise _DeletedWhileBuilding()

    def _deleted_meanwhile(self, context, instance, exc):
        if isinstance(exc, (_DeletedWhileBuilding,
                            exception.InstanceNotFound)):
            return True
        if self.compute.delete_requested(instance.uuid):
            return True
        try:
            current = objects.Instance.get_by_uuid(context, instance.uuid)
        except exception.InstanceNotFound:
            return True
        except Exception:
            return False
        return current.task_state == task_states.DELETING

    def _undo(self, context, instance, network_info, free_allocations=True):
        compute = self.compute
        try:
            compute.driver.destroy(context, instance, network_info or [])
        except Exception:
            LOG.exception('Could not destroy the guest of a failed build',
                          instance_uuid=instance.uuid)
        if network_info is not None:
            try:
                compute.network_api.deallocate_for_instance(context,
                                                            instance)
            except Exception:
                LOG.exception('Could not free the network of a failed '
                              'build', instance_uuid=instance.uuid)
        compute.rt.release(instance)
        if free_allocations:
            # A rescheduled build claims its next host afresh; a failed
            # one holds nothing.
            compute.free_allocations(context, instance)

    def _fail(self, context, instance, exc):
        """Record why the build failed and put the instance in ERROR."""
        LOG.error('Build failed: %s', _message(exc),
                  instance_uuid=instance.uuid, exc_info=exc)
        try:
            objects.InstanceFault.from_exception(
                context, instance.uuid, exc, self.compute.host).create()
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


def _message(exc):
    return getattr(exc, 'format_message', lambda: str(exc))()
