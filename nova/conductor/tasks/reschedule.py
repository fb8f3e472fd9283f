"""Move a failed build to the next alternate host.

The compute host where the build failed has already undone the guest and
freed the instance's allocations; it casts build_instances with the
alternates the scheduler returned. Each alternate carries the placement
allocation request the scheduler computed for it: claiming it again here
makes sure the alternate still has room (another build may have taken it
since). The first alternate whose claim succeeds gets the build; when none
is left the instance goes to ERROR with a fault that names the hosts tried.
"""

from oslo_log import log as logging

from nova import exception
from nova import objects
from nova.states import task_states
from nova.states import vm_states

LOG = logging.getLogger(__name__)


class RescheduleTask:

    def __init__(self, context, compute, placement, instance, image,
                 request_spec, filter_properties, admin_password,
                 injected_files, requested_networks, host_list):
        self.context = context
        self.compute = compute
        self.placement = placement
        self.instance = instance
        self.image = image
        self.request_spec = request_spec
        self.filter_properties = filter_properties or {}
        self.admin_password = admin_password
        self.injected_files = injected_files
        self.requested_networks = requested_networks
        self.host_list = list(host_list or [])

    def execute(self):
        instance = self.instance
        remaining = list(self.host_list)
        while remaining:
            selection = remaining[0]
            if self._claim(selection):
                self._send(selection, remaining)
                return
            LOG.info('Alternate host %s is no longer free for the '
                     'instance', selection.service_host,
                     instance_uuid=instance.uuid)
            remaining.pop(0)
        self._give_up()

    def _claim(self, selection):
        alloc_req = selection.get_allocation_request()
        if alloc_req is None:
            return True
        return self.placement.claim_resources(
            self.context, self.instance.uuid, alloc_req,
            self.instance.project_id, self.instance.user_id)

    def _send(self, selection, remaining):
        instance = self.instance
        instance.host = selection.service_host
        instance.node = selection.nodename
        instance.launched_on = selection.service_host
        try:
            instance.save(expected_task_state=[task_states.SCHEDULING])
        except (exception.InstanceNotFound, exception.InstanceInvalidState):
            LOG.info('Instance deleted while it was being rescheduled',
                     instance_uuid=instance.uuid)
            self.placement.delete_allocation_for_instance(self.context,
                                                          instance.uuid)
            return
        LOG.info('Rescheduling the build to host %s (node %s)',
                 selection.service_host, selection.nodename,
                 instance_uuid=instance.uuid)
        self.compute.build_and_run_instance(
            self.context, instance, selection.service_host, image=self.image,
            request_spec=self.request_spec,
            filter_properties=self.filter_properties,
            admin_password=self.admin_password,
            injected_files=self.injected_files,
            requested_networks=self.requested_networks,
            node=selection.nodename, host_list=remaining)

    def _give_up(self):
        instance = self.instance
        retry = self.filter_properties.get('retry') or {}
        hosts = [h for h, _n in retry.get('hosts') or []]
        exc = exception.MaxRetriesExceeded(reason=(
            'The build failed on %d host(s) (%s) and no alternate host has '
            'room left; the last failure: %s' % (
                len(hosts), ', '.join(hosts),
                retry.get('exc_reason', 'unknown'))))
        LOG.error('%s', exc.format_message(), instance_uuid=instance.uuid)
        objects.InstanceFault.from_exception(self.context, instance.uuid,
                                             exc).create()
        instance.vm_state = vm_states.ERROR
        instance.task_state = None
        try:
            instance.save(expected_task_state=[task_states.SCHEDULING])
        except (exception.InstanceNotFound, exception.InstanceInvalidState):
            LOG.info('Instance deleted while its build was failing',
                     instance_uuid=instance.uuid)
