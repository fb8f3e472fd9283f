"""Compute API: a server's interfaces (os-interface).

A mixin of nova.compute.api.API (uses its network_api and
compute_rpcapi). The attachments are read from the server's network info
cache; attach is a call to the server's host (the answer carries the new
attachment), detach a cast.
"""

from nova.compute import checks
from nova.compute import events
from nova.compute import instance_actions
from nova import exception
from nova.states import vm_states

# Upstream allows interface changes from these states only.
_INTERFACE_STATES = [vm_states.ACTIVE, vm_states.PAUSED, vm_states.STOPPED]


class InterfaceActions:

    def list_interfaces(self, context, instance):
        """The server's VIFs, in the guest's NIC order."""
        return list(self.network_api.get_instance_nw_info(context,
                                                          instance) or [])

    def get_interface(self, context, instance, port_id):
        for vif in self.list_interfaces(context, instance):
            if vif['id'] == port_id:
                return vif
        raise exception.PortNotFound(port_id=port_id)

    @checks.not_locked
    @checks.instance_state(vm_state=_INTERFACE_STATES, task_state=[None])
    @checks.has_host
    def attach_interface(self, context, instance, network_id=None,
                         port_id=None, requested_ip=None, tag=None):
        """Attach ``port_id``, or a new port on ``network_id`` (the
        project's only network when neither is given); returns the VIF
        the server's host attached."""
        self.network_api.validate_interface_attach(
            context, instance, network_id=network_id, port_id=port_id,
            fixed_ip=requested_ip)
        events.record_action_start(context, instance,
                                   instance_actions.ATTACH_INTERFACE)
        return self.compute_rpcapi.attach_interface(
            context, instance, network_id=network_id, port_id=port_id,
            requested_ip=requested_ip, tag=tag)

    @checks.not_locked
    @checks.instance_state(vm_state=_INTERFACE_STATES, task_state=[None])
    @checks.has_host
    def detach_interface(self, context, instance, port_id):
        if not any(vif['id'] == port_id
                   for vif in self.list_interfaces(context, instance)):
            raise exception.PortNotFound(
                message='Port %s is not attached' % port_id)
        events.record_action_start(context, instance,
                                   instance_actions.DETACH_INTERFACE)
        self.compute_rpcapi.detach_interface(context, instance, port_id)
