"""Turn accepted build requests into instances on hosts.

One task handles one multi-create request: ask the scheduler for a host
per instance, create each instance in the cell of its host (or in cell0
when no host fits), point its mapping at that cell, drop the build
request, and hand the build to the compute host.
"""

from oslo_log import log as logging

import nova.conf
from nova.compute import events
from nova.compute import instance_actions
from nova import exception
from nova import objects
from nova.objects import aggregate as aggregate_obj
from nova.states import task_states
from nova.states import vm_states

CONF = nova.conf.CONF
LOG = logging.getLogger(__name__)

# The event of the create action of an instance that got no host.
BURY_EVENT = 'conductor_schedule_and_build_instances'


class BuildTask:

    def __init__(self, context, scheduler, compute, build_requests,
                 request_specs, image, admin_password, injected_files,
                 requested_networks, placement=None):
        self.context = context
        self.placement = placement
        self.scheduler = scheduler
        self.compute = compute
        self.build_requests = build_requests
        self.request_specs = request_specs
        self.image = image
        self.admin_password = admin_password
        self.injected_files = injected_files
        self.requested_networks = requested_networks
        self._host_cells = {}

    def execute(self):
        spec = self.request_specs[0]
        uuids = [br.instance_uuid for br in self.build_requests]
        try:
            selections = self.scheduler.select_destinations(
                self.context, spec, uuids, return_alternates=True)
        except exception.NoValidHost as exc:
            LOG.warning('No host for instances %s: %s', uuids,
                        exc.format_message())
            for build_request, request_spec in zip(self.build_requests,
                                                   self.request_specs):
                self._bury_in_cell0(build_request, request_spec, exc)
            return
        except Exception as exc:
            LOG.exception('Scheduling of instances %s failed', uuids)
            for build_request, request_spec in zip(self.build_requests,
                                                   self.request_specs):
                self._bury_in_cell0(build_request, request_spec, exc)
            return
        for build_request, request_spec, host_list in zip(
                self.build_requests, self.request_specs, selections):
            try:
                self._build_one(build_request, request_spec, host_list)
            except Exception as exc:
                LOG.exception('Build of instance %s failed in the conductor',
                              build_request.instance_uuid)
                self._free_claim(build_request.instance_uuid)
                self._bury_in_cell0(build_request, request_spec, exc)

    def _cell_of(self, host):
        cell = self._host_cells.get(host)
        if cell is None:
            cell = objects.HostMapping.get_by_host(self.context,
                                                   host).cell_mapping
            self._host_cells[host] = cell
        return cell

    def _zone_of(self, host):
        for agg in objects.AggregateList.get_by_host(
                self.context, host, key=aggregate_obj.AZ_KEY):
            if agg.availability_zone:
                return agg.availability_zone
        return CONF.default_availability_zone

    def _build_one(self, build_request, request_spec, host_list):
        selection = host_list[0]
        cell = self._cell_of(selection.service_host)
        cctxt = self.context.targeted(cell.uuid)
        instance = build_request.instance
        instance._context = cctxt
        instance.host = selection.service_host
        instance.node = selection.nodename
        instance.launched_on = selection.service_host
        if not (instance.obj_attr_is_set('availability_zone') and
                instance.availability_zone):
            # As upstream's conductor: a server asked for no zone is in
            # the zone of the host it lands on (the API shows it, and
            # pinning a server to "its" zone at 2.104 needs it).
            instance.availability_zone = self._zone_of(
                selection.service_host)
        instance.vm_state = vm_states.BUILDING
        instance.task_state = task_states.SCHEDULING
        instance.create()
        events.record_action_start(cctxt, instance, instance_actions.CREATE)
        mapping = objects.InstanceMapping.get_by_instance_uuid(
            self.context, instance.uuid)
        mapping.cell_mapping = cell
        mapping.save()
        if not build_request.destroy():
            # The user deleted the server while it was being scheduled:
            # the instance must not come to life.
            LOG.info('Instance %s was deleted while scheduling; not '
                     'building it', instance.uuid)
            instance.destroy()
            self._free_claim(instance.uuid)
            return
        self.compute.build_and_run_instance(
            cctxt, instance, selection.service_host, image=self.image,
            request_spec=request_spec, filter_properties={},
            admin_password=self.admin_password,
            injected_files=self.injected_files,
            requested_networks=self.requested_networks,
            node=selection.nodename, host_list=host_list)

    def _free_claim(self, instance_uuid):
        """Drop what the scheduler claimed in placement for an instance
        that will not be built."""
        if self.placement is None:
            return
        try:
            self.placement.delete_allocation_for_instance(self.context,
                                                          instance_uuid)
        except Exception:
            LOG.exception('Could not free the placement claim of instance '
                          '%s', instance_uuid)

    def _bury_in_cell0(self, build_request, request_spec, exc):
        """Keep an instance that got no host in cell0, in ERROR with a
        fault that tells the user why."""
        cell0 = objects.CellMapping.get_by_uuid(
            self.context, objects.CellMapping.CELL0_UUID)
        cctxt = self.context.targeted(cell0.uuid)
        instance = build_request.instance
        instance._context = cctxt
        instance.vm_state = vm_states.ERROR
        instance.task_state = None
        try:
            instance.create()
        except exception.InstanceExists:
            instance = objects.Instance.get_by_uuid(cctxt, instance.uuid)
            instance.vm_state = vm_states.ERROR
            instance.task_state = None
            instance.save()
        objects.InstanceFault.from_exception(cctxt, instance.uuid,
                                             exc).create()
        if events.record_action_start(cctxt, instance,
                                      instance_actions.CREATE) is not None:
            events.event_finish(cctxt, instance, BURY_EVENT, exc,
                                events.event_start(cctxt, instance,
                                                   BURY_EVENT, None))
        mapping = objects.InstanceMapping.get_by_instance_uuid(
            self.context, instance.uuid)
        mapping.cell_mapping = cell0
        mapping.save()
        if not build_request.destroy():
            instance.destroy()
