"""Rebuilding a server in place, on this host.

The compute API has already given the instance its new image, name,
metadata, key and so on, and set task_state rebuilding. Here, under the
instance's lock: rebuilding -> rebuild_block_device_mapping ->
rebuild_spawning, the driver rebuilds the guest (or, when the driver has
no rebuild of its own, the guest is destroyed and spawned again from the
new image on the same node), then task_state None. The server keeps its
claim and its placement allocations: same host, same flavor. A server
that was stopped is powered off again, as upstream does. A failed rebuild
leaves the server in ERROR with a fault.
"""

from oslo_log import log as logging
from oslo_utils import timeutils

from nova.compute import build
from nova.compute import events
from nova.compute import personality
from nova.compute import power
from nova.compute import snapshot
from nova.compute import vif_plugging
from nova import exception
from nova.metadata import configdrive
from nova.notifications import instance as notify
from nova.states import power_state
from nova.states import task_states
from nova.states import vm_states

LOG = logging.getLogger(__name__)


def _step(instance, task_state, expected):
    instance.task_state = task_state
    instance.save(expected_task_state=[expected])


def _default_rebuild(compute, context, instance, image_meta, injected_files,
                     admin_password, preserve_ephemeral, network_info):
    compute.driver.destroy(context, instance, network_info,
                           destroy_disks=not preserve_ephemeral)
    _step(instance, task_states.REBUILD_SPAWNING,
          task_states.REBUILD_BLOCK_DEVICE_MAPPING)
    with vif_plugging.waiting(compute, instance, network_info):
        compute.driver.spawn(context, instance, image_meta, injected_files,
                             admin_password, allocations=None,
                             network_info=network_info)


def rebuild(compute, context, instance, new_pass, injected_files, image_ref,
            orig_image_ref, orig_sys_metadata, preserve_ephemeral=False):
    with compute.locks.hold(instance.uuid), \
            events.instance_event(context, instance,
                                  'compute_rebuild_instance', compute.host):
        was_stopped = instance.vm_state == vm_states.STOPPED
        try:
            _step(instance, task_states.REBUILDING, task_states.REBUILDING)
        except (exception.InstanceNotFound,
                exception.InstanceInvalidState) as exc:
            LOG.warning('Not rebuilding: %s', exc.format_message(),
                        instance_uuid=instance.uuid)
            return
        notify.notify_action(context, instance, compute.host, 'rebuild',
                             'start', extra={'image_ref': image_ref})
        try:
            image = compute.image_api.get(context, image_ref)
            image_meta = build.image_meta_from(image)
            files = personality.decode(injected_files)
            _step(instance, task_states.REBUILD_BLOCK_DEVICE_MAPPING,
                  task_states.REBUILDING)
            # Same host: the ports stay bound here; the new guest gets
            # the same VIFs. Read from Neutron as upstream does: the cache
            # may still say "not active" from the build, and the re-plug
            # of an ACTIVE port sends no network-vif-plugged to wait for.
            network_info = compute.network_api.refresh_instance_nw_info(
                context, instance) or []
            try:
                compute.driver.rebuild(
                    context, instance, image_meta, files,
                    new_pass, None, network_info=network_info,
                    preserve_ephemeral=preserve_ephemeral)
            except NotImplementedError:
                _default_rebuild(compute, context, instance, image_meta,
                                 files, new_pass,
                                 preserve_ephemeral, network_info)
            if was_stopped:
                compute.driver.power_off(instance, timeout=0)
        except Exception as exc:
            _fail(compute, context, instance, exc)
            raise
        # A new image may make the config drive mandatory.
        configdrive.update_instance(instance, image_meta)
        instance.power_state = power.current_power_state(compute, instance)
        instance.vm_state = (vm_states.STOPPED if was_stopped
                             else vm_states.ACTIVE)
        instance.task_state = None
        instance.launched_at = timeutils.utcnow()
        try:
            instance.save(expected_task_state=[
                task_states.REBUILD_SPAWNING,
                task_states.REBUILD_BLOCK_DEVICE_MAPPING])
        except (exception.InstanceNotFound, exception.InstanceInvalidState):
            LOG.info('Instance deleted or changed during the rebuild',
                     instance_uuid=instance.uuid)
            return
        notify.notify_action(context, instance, compute.host, 'rebuild',
                             'end')
        LOG.info('Instance rebuilt from image %s', image_ref,
                 instance_uuid=instance.uuid)


def _fail(compute, context, instance, exc):
    LOG.error('Rebuild failed: %s', exc, instance_uuid=instance.uuid)
    snapshot.record_fault(compute, context, instance, exc)
    notify.notify_action(context, instance, compute.host, 'rebuild',
                         'error', exception=exc)
    instance.vm_state = vm_states.ERROR
    instance.task_state = None
    instance.power_state = power.current_power_state(compute, instance) \
        if compute.driver.instance_exists(instance) else power_state.NOSTATE
    try:
        instance.save()
    except exception.InstanceNotFound:
        pass
