"""Compute API: server metadata, tags, diagnostics and external events.

A mixin of nova.compute.api.API (uses its compute_rpcapi).
"""

from nova.compute import checks
from nova import exception
from nova import quota
from nova.states import vm_states

# vm_states in which metadata and tags may change, as upstream allows.
_EDITABLE = [vm_states.ACTIVE, vm_states.PAUSED, vm_states.SUSPENDED,
             vm_states.STOPPED]


class ResourceActions:

    @checks.instance_state(vm_state=_EDITABLE, task_state=[None],
                           must_have_launched=False)
    @checks.not_locked
    def update_instance_metadata(self, context, instance, metadata,
                                 delete=False):
        """Merge ``metadata`` into the server's (replace all of it with
        ``delete``); returns the resulting metadata."""
        if delete:
            merged = dict(metadata)
        else:
            merged = dict(instance.metadata)
            merged.update(metadata)
        quota.check_metadata(context, merged)
        instance.metadata = merged
        instance.save()
        return dict(instance.metadata)

    @checks.instance_state(vm_state=_EDITABLE, task_state=[None],
                           must_have_launched=False)
    @checks.not_locked
    def delete_instance_metadata(self, context, instance, key):
        if key not in instance.metadata:
            raise exception.MetadataItemNotFound()
        metadata = dict(instance.metadata)
        del metadata[key]
        instance.metadata = metadata
        instance.save()

    @checks.has_host
    def get_instance_diagnostics(self, context, instance):
        """Standardised diagnostics from the host (2.48)."""
        if instance.vm_state != vm_states.ACTIVE:
            raise exception.InstanceInvalidState(
                attr='vm_state', instance_uuid=instance.uuid,
                state=instance.vm_state, method='get_diagnostics')
        return self.compute_rpcapi.get_instance_diagnostics(
            context, instance)

    @checks.has_host
    def get_diagnostics(self, context, instance):
        """The driver's free-form diagnostics (before 2.48)."""
        if instance.vm_state != vm_states.ACTIVE:
            raise exception.InstanceInvalidState(
                attr='vm_state', instance_uuid=instance.uuid,
                state=instance.vm_state, method='get_diagnostics')
        return self.compute_rpcapi.get_diagnostics(context, instance)

    @checks.has_host
    def get_console(self, context, instance, console_type):
        """A console URL of the server (a token for it is stored)."""
        if instance.task_state in ('deleting', 'migrating'):
            raise exception.InstanceInvalidState(
                attr='task_state', instance_uuid=instance.uuid,
                state=instance.task_state, method='get_console')
        return self.compute_rpcapi.get_console(instance._context, instance,
                                               console_type)

    def external_instance_event(self, context, instances, events):
        """Hand accepted events (dicts: instance_uuid, name, status,
        tag) to the hosts of their servers, one cast per host."""
        by_uuid = {inst.uuid: inst for inst in instances}
        per_host = {}
        for event in events:
            inst = by_uuid[event['instance_uuid']]
            per_host.setdefault(inst.host, ([], []))
            insts, evs = per_host[inst.host]
            if inst not in insts:
                insts.append(inst)
            evs.append(event)
        for host, (insts, evs) in per_host.items():
            if host:
                self.compute_rpcapi.external_instance_event(
                    context, insts, evs, host=host)

