"""Shelving on this host: shelve, offload, unshelve, and the periodic
offload of servers shelved for longer than [DEFAULT] shelved_offload_time.

shelve: the guest is powered off and snapshotted into the image the API
created ('<name>-shelved'; task_state shelving ->
shelving_image_pending_upload -> shelving_image_uploading); the server
becomes SHELVED with shelved_at, shelved_image_id and shelved_host in its
system_metadata. With shelved_offload_time 0 it is offloaded at once.

offload: the guest is destroyed, its ports unbound from this host, the
node's claim and the placement allocations freed and host/node cleared:
SHELVED_OFFLOADED.

unshelve: a SHELVED server is powered on where it is; an offloaded one
arrives here from the conductor, which scheduled it and claimed its
resources: its ports are bound to this host and the guest is spawned
from the shelved image (task_state spawning, waiting for Neutron to report
the VIFs wired), which is then deleted. A failed spawn undoes the guest,
the bindings and the claim and leaves the server offloaded, with a fault.
"""

import datetime

from oslo_log import log as logging
from oslo_utils import timeutils

import nova.conf
from nova.compute import api_images
from nova.compute import build
from nova.compute import events
from nova.compute import power
from nova.compute import snapshot
from nova.compute import vif_plugging
from nova import exception
from nova.notifications import instance as notify
from nova import objects
from nova.states import power_state
from nova.states import task_states
from nova.states import vm_states

LOG = logging.getLogger(__name__)
CONF = nova.conf.CONF

# The driver reports snapshot progress with the image_* task states;
# while shelving they show as their shelving_* counterparts.
_SHELVING_STATES = {
    task_states.IMAGE_PENDING_UPLOAD:
        task_states.SHELVING_IMAGE_PENDING_UPLOAD,
    task_states.IMAGE_UPLOADING: task_states.SHELVING_IMAGE_UPLOADING,
    task_states.SHELVING: task_states.SHELVING,
}


def _remove_shelved_keys(instance):
    sysmeta = dict(instance.system_metadata or {})
    for key in api_images.SHELVED_KEYS:
        sysmeta.pop(key, None)
    instance.system_metadata = sysmeta


def shelve(compute, context, instance, image_id, clean_shutdown=True):
    with compute.locks.hold(instance.uuid), \
            events.instance_event(context, instance,
                                  'compute_shelve_instance', compute.host):
        if instance.task_state != task_states.SHELVING:
            LOG.warning('Not shelving: task_state is %s',
                        instance.task_state, instance_uuid=instance.uuid)
            snapshot.delete_image_quietly(compute, context, image_id)
            return
        notify.notify_action(context, instance, compute.host, 'shelve',
                             'start')

        def update_task_state(task_state,
                              expected_state=task_states.SHELVING):
            snapshot.save_task_state(instance, _SHELVING_STATES[task_state],
                                     _SHELVING_STATES[expected_state])

        try:
            if power.current_power_state(compute, instance) != \
                    power_state.SHUTDOWN:
                compute.driver.power_off(
                    instance,
                    timeout=power.CLEAN_SHUTDOWN_TIMEOUT
                    if clean_shutdown else 0,
                    retry_interval=power.CLEAN_SHUTDOWN_RETRY)
            snapshot.take(compute, context, instance, image_id,
                          update_task_state)
        except Exception as exc:
            LOG.exception('Shelve failed', instance_uuid=instance.uuid)
            snapshot.delete_image_quietly(compute, context, image_id)
            snapshot.record_fault(compute, context, instance, exc)
            notify.notify_action(context, instance, compute.host, 'shelve',
                                 'error', exception=exc)
            instance.task_state = None
            instance.power_state = power.current_power_state(compute,
                                                             instance)
            try:
                instance.save()
            except exception.InstanceNotFound:
                pass
            raise
        sysmeta = dict(instance.system_metadata or {})
        sysmeta[api_images.SHELVED_AT] = timeutils.utcnow().isoformat()
        sysmeta[api_images.SHELVED_IMAGE_ID] = image_id
        sysmeta[api_images.SHELVED_HOST] = compute.host
        instance.system_metadata = sysmeta
        instance.vm_state = vm_states.SHELVED
        offload_now = CONF.shelved_offload_time == 0
        instance.task_state = (task_states.SHELVING_OFFLOADING
                               if offload_now else None)
        instance.power_state = power.current_power_state(compute, instance)
        try:
            instance.save(expected_task_state=[
                task_states.SHELVING, task_states.SHELVING_IMAGE_UPLOADING])
        except (exception.InstanceNotFound,
                exception.InstanceInvalidState) as exc:
            LOG.info('Instance changed while shelving: %s',
                     exc.format_message(), instance_uuid=instance.uuid)
            return
        notify.notify_action(context, instance, compute.host, 'shelve',
                             'end')
        LOG.info('Instance shelved into image %s', image_id,
                 instance_uuid=instance.uuid)
        if offload_now:
            _offload(compute, context, instance, clean_shutdown=False)


def shelve_offload(compute, context, instance, clean_shutdown=True):
    with compute.locks.hold(instance.uuid), \
            events.instance_event(context, instance,
                                  'compute_shelve_offload_instance',
                                  compute.host):
        _offload(compute, context, instance, clean_shutdown)


def _offload(compute, context, instance, clean_shutdown):
    """Destroy the guest and free what it holds; the caller holds the
    instance's lock."""
    notify.notify_action(context, instance, compute.host, 'shelve_offload',
                         'start')
    try:
        if compute.driver.instance_exists(instance) and \
                power.current_power_state(compute, instance) != \
                power_state.SHUTDOWN:
            compute.driver.power_off(
                instance,
                timeout=power.CLEAN_SHUTDOWN_TIMEOUT if clean_shutdown else 0,
                retry_interval=power.CLEAN_SHUTDOWN_RETRY)
        compute.driver.destroy(context, instance, [])
    except Exception as exc:
        LOG.exception('Shelve offload failed', instance_uuid=instance.uuid)
        snapshot.record_fault(compute, context, instance, exc)
        notify.notify_action(context, instance, compute.host,
                             'shelve_offload', 'error', exception=exc)
        instance.task_state = None
        try:
            instance.save()
        except exception.InstanceNotFound:
            pass
        raise
    _unbind_ports(compute, context, instance)
    # The guest is gone: free what it held before the server shows
    # SHELVED_OFFLOADED, so that a client seeing that state finds the
    # host's resources free (a concurrent delete frees them too; freeing
    # twice is harmless).
    compute.rt.release(instance)
    compute.free_allocations(context, instance)
    instance.power_state = power_state.NOSTATE
    instance.host = None
    instance.node = None
    instance.vm_state = vm_states.SHELVED_OFFLOADED
    instance.task_state = None
    try:
        instance.save(expected_task_state=[
            None, task_states.SHELVING, task_states.SHELVING_OFFLOADING])
    except (exception.InstanceNotFound,
            exception.InstanceInvalidState) as exc:
        LOG.info('Instance changed while offloading: %s',
                 exc.format_message(), instance_uuid=instance.uuid)
        return
    compute.tell_schedulers_deleted(context, instance.uuid)
    notify.notify_action(context, instance, None, 'shelve_offload', 'end')
    LOG.info('Shelved instance offloaded', instance_uuid=instance.uuid)


def _unbind_ports(compute, context, instance):
    """An offloaded server runs nowhere: neither do its ports. Logged,
    not raised: the unshelve binds them again wherever it lands."""
    try:
        compute.network_api.unbind_ports(context, instance)
    except Exception:
        LOG.exception('Could not unbind the ports of the offloaded server',
                      instance_uuid=instance.uuid)


def unshelve(compute, context, instance, image=None, request_spec=None,
             node=None):
    with compute.locks.hold(instance.uuid), \
            events.instance_event(context, instance,
                                  'compute_unshelve_instance', compute.host):
        notify.notify_action(context, instance, compute.host, 'unshelve',
                             'start')
        if instance.vm_state == vm_states.SHELVED:
            _power_on_in_place(compute, context, instance)
        else:
            _spawn_offloaded(compute, context, instance, image, node)


def _finish(compute, context, instance, expected):
    image_id = (instance.system_metadata or {}).get(
        api_images.SHELVED_IMAGE_ID)
    _remove_shelved_keys(instance)
    instance.power_state = power.current_power_state(compute, instance)
    instance.vm_state = vm_states.ACTIVE
    instance.task_state = None
    try:
        instance.save(expected_task_state=expected)
    except (exception.InstanceNotFound,
            exception.InstanceInvalidState) as exc:
        LOG.info('Instance changed while unshelving: %s',
                 exc.format_message(), instance_uuid=instance.uuid)
        return False
    if image_id:
        snapshot.delete_image_quietly(compute, context, image_id)
    notify.notify_action(context, instance, compute.host, 'unshelve', 'end')
    LOG.info('Instance unshelved', instance_uuid=instance.uuid)
    return True


def _power_on_in_place(compute, context, instance):
    try:
        compute.driver.power_on(context, instance, [])
    except Exception as exc:
        LOG.exception('Unshelve (power on) failed',
                      instance_uuid=instance.uuid)
        snapshot.record_fault(compute, context, instance, exc)
        notify.notify_action(context, instance, compute.host, 'unshelve',
                             'error', exception=exc)
        instance.task_state = None
        instance.save()
        raise
    _finish(compute, context, instance, [task_states.UNSHELVING])


def _spawn_offloaded(compute, context, instance, image, node):
    instance.host = compute.host
    instance.node = node
    instance.launched_on = compute.host
    instance.task_state = task_states.SPAWNING
    try:
        instance.save(expected_task_state=[task_states.UNSHELVING])
    except (exception.InstanceNotFound,
            exception.InstanceInvalidState) as exc:
        LOG.warning('Not unshelving: %s', exc.format_message(),
                    instance_uuid=instance.uuid)
        compute.free_allocations(context, instance)
        return
    image_ref = instance.image_ref
    network_info = None
    binding = False
    try:
        node = compute.rt.instance_claim(instance, node)
        if image:
            # The guest boots from the shelved snapshot; the server keeps
            # naming the image it was built from.
            instance.image_ref = image['id']
        binding = True
        network_info = compute.network_api.bind_ports_to_host(
            context, instance, compute.host) or []
        with vif_plugging.waiting(compute, instance, network_info):
            compute.driver.spawn(context, instance,
                                 build.image_meta_from(image), [], None,
                                 allocations=None, network_info=network_info)
    except Exception as exc:
        LOG.exception('Unshelve failed', instance_uuid=instance.uuid)
        instance.image_ref = image_ref
        try:
            # A spawn that failed half-way may have left a guest.
            compute.driver.destroy(context, instance, network_info or [])
        except Exception:
            LOG.exception('Could not destroy the guest of the failed '
                          'unshelve', instance_uuid=instance.uuid)
        if binding:
            _unbind_ports(compute, context, instance)
        compute.rt.release(instance)
        compute.free_allocations(context, instance)
        snapshot.record_fault(compute, context, instance, exc)
        notify.notify_action(context, instance, compute.host, 'unshelve',
                             'error', exception=exc)
        instance.host = None
        instance.node = None
        instance.vm_state = vm_states.SHELVED_OFFLOADED
        instance.task_state = None
        instance.power_state = power_state.NOSTATE
        try:
            instance.save()
        except exception.InstanceNotFound:
            pass
        raise
    instance.image_ref = image_ref
    instance.launched_at = timeutils.utcnow()
    if _finish(compute, context, instance, [task_states.SPAWNING]):
        compute.rt.finish_claim(instance)
        compute.tell_schedulers_built(context, instance)


def poll_shelved_instances(compute, context):
    """Offload the servers of this host shelved for longer than
    shelved_offload_time; returns how many were offloaded."""
    if CONF.shelved_offload_time <= 0:
        return 0
    now = timeutils.utcnow()
    offloaded = 0
    for instance in objects.InstanceList.get_by_host(context, compute.host):
        if instance.vm_state != vm_states.SHELVED or \
                instance.task_state is not None:
            continue
        shelved_at = _parse_time((instance.system_metadata or {}).get(
            api_images.SHELVED_AT))
        if shelved_at is None or (now - shelved_at).total_seconds() < \
                CONF.shelved_offload_time:
            continue
        with compute.locks.hold(instance.uuid, blocking=False) as held:
            if not held:
                continue
            instance.task_state = task_states.SHELVING_OFFLOADING
            try:
                instance.save(expected_task_state=[None])
            except (exception.InstanceNotFound,
                    exception.InstanceInvalidState):
                continue
            try:
                _offload(compute, context, instance, clean_shutdown=True)
                offloaded += 1
            except Exception:
                LOG.exception('Periodic offload failed',
                              instance_uuid=instance.uuid)
    return offloaded


def _parse_time(text):
    if not text:
        return None
    try:
        value = datetime.datetime.fromisoformat(text)
    except ValueError:
        return None
    if value.tzinfo is not None:
        value = value.astimezone(datetime.timezone.utc).replace(tzinfo=None)
    return value
