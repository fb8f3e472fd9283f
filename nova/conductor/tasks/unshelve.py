"""Unshelve a server.

A shelved server (vm_state shelved) still has its guest on its host: the
compute host powers it on in place. An offloaded one (shelved_offloaded)
has no host: the scheduler picks one with the server's request spec (its
availability zone, or the zone and host the API put there for 2.77 and
2.91) and claims its resources in placement; the chosen compute host then
spawns the guest from the shelved snapshot image and deletes that image.

When no host fits, the server stays offloaded with no task and a fault
saying why, as upstream leaves it.
"""

from oslo_log import log as logging

import nova.conf
from nova.compute import events
from nova import exception
from nova.image import api as image_api
from nova.notifications import instance as notify
from nova import objects
from nova.objects import aggregate as aggregate_obj
from nova.states import task_states
from nova.states import vm_states

LOG = logging.getLogger(__name__)
CONF = nova.conf.CONF


class UnshelveTask:

    def __init__(self, context, scheduler, compute, placement, instance,
                 request_spec=None, image_api_=None):
        self.context = context
        self.scheduler = scheduler
        self.compute = compute
        self.placement = placement
        self.instance = instance
        self.request_spec = request_spec
        self.image_api = image_api_ or image_api.API()

    def execute(self):
        instance = self.instance
        with events.instance_event(self.context, instance,
                                   'conductor_unshelve_instance', None):
            if instance.vm_state == vm_states.SHELVED:
                # The guest is still on its host: power it on there.
                self.compute.unshelve_instance(self.context, instance,
                                               instance.host)
                return
            if instance.vm_state != vm_states.SHELVED_OFFLOADED:
                LOG.warning('Not unshelving an instance in vm_state %s',
                            instance.vm_state, instance_uuid=instance.uuid)
                return
            self._unshelve_offloaded()

    # ------------------------------------------------------------------
    def _shelved_image(self):
        image_id = (self.instance.system_metadata or {}).get(
            'shelved_image_id')
        if not image_id:
            return None
        return self.image_api.get(self.context, image_id)

    def _spec(self, image):
        spec = self.request_spec
        instance = self.instance
        if spec is None:
            try:
                spec = objects.RequestSpec.get_by_instance_uuid(
                    self.context, instance.uuid)
            except exception.RequestSpecNotFound:
                spec = objects.RequestSpec(
                    instance_uuid=instance.uuid,
                    availability_zone=instance.availability_zone,
                    scheduler_hints={}, ignore_hosts=None,
                    force_hosts=None, force_nodes=None,
                    instance_group=None, num_instances=1)
        spec.instance_uuid = instance.uuid
        spec.project_id = instance.project_id
        spec.user_id = instance.user_id
        spec.flavor = instance.flavor
        spec.num_instances = 1
        if image is not None:
            try:
                spec.image = objects.ImageMeta.from_dict(image)
            except (ValueError, TypeError):
                pass
        return spec

    def _unshelve_offloaded(self):
        instance = self.instance
        try:
            image = self._shelved_image()
        except exception.ImageNotFound:
            self._fail(exception.ImageNotFound(
                image_id=instance.system_metadata.get('shelved_image_id')))
            return
        spec = self._spec(image)
        try:
            selections = self.scheduler.select_destinations(
                self.context, spec, [instance.uuid], return_alternates=False)
        except exception.NoValidHost as exc:
            LOG.warning('Unshelve found no valid host: %s',
                        exc.format_message(), instance_uuid=instance.uuid)
            self._fail(exc)
            return
        except Exception as exc:
            LOG.exception('Scheduling the unshelve failed',
                          instance_uuid=instance.uuid)
            self._fail(exc)
            return
        selection = selections[0][0]
        host, node = selection.service_host, selection.nodename
        # Remember what the request asked for (zone), not the one-off
        # host: later moves may go elsewhere.
        try:
            spec.force_hosts = None
            spec.force_nodes = None
            if spec.obj_attr_is_set('id'):
                spec.save()
        except Exception:
            LOG.exception('Could not save the request spec',
                          instance_uuid=instance.uuid)
        instance.availability_zone = self._zone_of(host)
        try:
            instance.save(expected_task_state=[task_states.UNSHELVING])
        except (exception.InstanceNotFound,
                exception.InstanceInvalidState) as exc:
            LOG.info('Instance changed while being unshelved (%s); giving '
                     'up', exc.format_message(), instance_uuid=instance.uuid)
            self._free_claim()
            return
        LOG.info('Unshelving onto host %s (node %s)', host, node,
                 instance_uuid=instance.uuid)
        self.compute.unshelve_instance(self.context, instance, host,
                                       image=image, request_spec=spec,
                                       node=node)

    def _zone_of(self, host):
        for agg in objects.AggregateList.get_by_host(
                self.context, host, key=aggregate_obj.AZ_KEY):
            if agg.availability_zone:
                return agg.availability_zone
        return CONF.default_availability_zone

    def _free_claim(self):
        try:
            self.placement.delete_allocation_for_instance(self.context,
                                                          self.instance.uuid)
        except Exception:
            LOG.exception('Could not free the placement claim',
                          instance_uuid=self.instance.uuid)

    def _fail(self, exc):
        instance = self.instance
        try:
            objects.InstanceFault.from_exception(self.context, instance.uuid,
                                                 exc).create()
        except Exception:
            LOG.exception('Could not record the unshelve fault',
                          instance_uuid=instance.uuid)
        notify.notify_action(self.context, instance, None, 'unshelve',
                             'error', exception=exc)
        instance.task_state = None
        try:
            instance.save(expected_task_state=[task_states.UNSHELVING])
        except (exception.InstanceNotFound, exception.InstanceInvalidState):
            pass
