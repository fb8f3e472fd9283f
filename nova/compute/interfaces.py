"""Attaching and detaching a server's interfaces on its host (os-interface).

attach_interface (an RPC call: the API answers with the new attachment),
under the instance's lock:

1. the network API makes a port on the network asked for (or takes over
   the user's port), bound to this host, and adds its VIF to the info
   cache;
2. the driver hot-plugs the VIF, waiting for Neutron to report it wired
   (vif_plugging);
3. the cache is read again from Neutron, so the attachment returned shows
   the port as it is now.

When the driver fails, the port is released again (deleted when it was
made here, handed back unbound when it was the user's) and the caller
gets InterfaceAttachFailed (AttachInterfaceNotSupported from a driver
without hot-plug).

detach_interface (a cast): the port must be in the info cache
(PortNotFound otherwise); the driver unplugs the VIF, then the port is
deleted (nova made it) or unbound (the user's) and leaves the cache. A
driver failure keeps the port attached and records
InterfaceDetachFailed as the instance's fault.
"""

from oslo_log import log as logging

from nova.compute import build
from nova.compute import events
from nova.compute import snapshot
from nova.compute import vif_plugging
from nova import exception
from nova.notifications.instance import notify_action

LOG = logging.getLogger(__name__)


def _image_meta(instance):
    return build.image_meta_from({'id': instance.image_ref})


def attach_interface(compute, context, instance, network_id=None,
                     port_id=None, requested_ip=None, tag=None):
    """Returns the VIF attached."""
    with events.instance_event(context, instance,
                               'compute_attach_interface', compute.host):
        with compute.locks.hold(instance.uuid):
            notify_action(context, instance, compute.host,
                          'interface_attach', 'start')
            try:
                vif = _attach(compute, context, instance, network_id,
                              port_id, requested_ip, tag)
            except Exception as exc:
                notify_action(context, instance, compute.host,
                              'interface_attach', 'error', exception=exc)
                raise
            notify_action(context, instance, compute.host,
                          'interface_attach', 'end')
            LOG.info('Port %s attached', vif['id'],
                     instance_uuid=instance.uuid)
            return vif


def _attach(compute, context, instance, network_id, port_id, requested_ip,
            tag):
    network_api = compute.network_api
    vif = network_api.allocate_port_for_instance(
        context, instance, network_id=network_id, port_id=port_id,
        fixed_ip=requested_ip, tag=tag, host=compute.host)
    try:
        with vif_plugging.waiting(compute, instance, [vif]):
            compute.driver.attach_interface(context, instance,
                                            _image_meta(instance), vif)
    except Exception as exc:
        LOG.warning('Attaching port %s failed (%s); releasing it',
                    vif['id'], exc, instance_uuid=instance.uuid)
        try:
            network_api.deallocate_port_for_instance(context, instance,
                                                     vif['id'])
        except Exception:
            LOG.exception('Could not release port %s after the failed '
                          'attach', vif['id'], instance_uuid=instance.uuid)
        if isinstance(exc, NotImplementedError):
            raise exception.AttachInterfaceNotSupported(
                instance_uuid=instance.uuid)
        raise exception.InterfaceAttachFailed(instance_uuid=instance.uuid)
    try:
        refreshed = network_api.refresh_instance_nw_info(context, instance)
    except Exception:
        LOG.exception('Could not refresh the network info after attaching '
                      'port %s', vif['id'], instance_uuid=instance.uuid)
        return vif
    return next((v for v in refreshed or [] if v['id'] == vif['id']), vif)


def detach_interface(compute, context, instance, port_id):
    with events.instance_event(context, instance,
                               'compute_detach_interface', compute.host):
        with compute.locks.hold(instance.uuid):
            vif = next((v for v in compute.network_api.get_instance_nw_info(
                context, instance) if v['id'] == port_id), None)
            if vif is None:
                raise exception.PortNotFound(port_id=port_id)
            notify_action(context, instance, compute.host,
                          'interface_detach', 'start')
            try:
                compute.driver.detach_interface(context, instance, vif)
            except Exception as exc:
                LOG.warning('Detaching port %s failed: %s', port_id, exc,
                            instance_uuid=instance.uuid)
                failure = exception.InterfaceDetachFailed(
                    instance_uuid=instance.uuid)
                snapshot.record_fault(compute, context, instance, failure)
                notify_action(context, instance, compute.host,
                              'interface_detach', 'error', exception=failure)
                raise failure
            compute.network_api.deallocate_port_for_instance(
                context, instance, port_id)
            notify_action(context, instance, compute.host,
                          'interface_detach', 'end')
            LOG.info('Port %s detached', port_id,
                     instance_uuid=instance.uuid)
