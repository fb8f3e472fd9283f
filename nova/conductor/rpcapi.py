"""RPC client of nova-conductor: the whole wire protocol of its topic.

Two interfaces share the ``conductor`` topic:
- ConductorAPI (default namespace): versioned-object indirection, so that
  remotable object methods called elsewhere run in the conductor;
- ComputeTaskAPI (namespace ``compute_task``): multi-step orchestration.

API version history:
  1.0 - Initial version.
  ComputeTaskAPI 1.1 - build_instances (reschedule to an alternate host).
"""

import oslo_messaging as messaging

import nova.conf
from nova import rpc

CONF = nova.conf.CONF

TOPIC = 'conductor'


class ConductorAPI:
    VERSION = '1.0'

    def __init__(self):
        target = messaging.Target(topic=TOPIC, version=self.VERSION)
        self.client = rpc.get_client(
            target, version_cap=CONF.upgrade_levels.conductor)

    def ping(self, context, timeout=None):
        cctxt = self.client.prepare(timeout=timeout)
        return cctxt.call(context, 'ping')

    def object_class_action_versions(self, context, objname, objmethod,
                                     object_versions, args, kwargs):
        cctxt = self.client.prepare()
        return cctxt.call(context, 'object_class_action_versions',
                          objname=objname, objmethod=objmethod,
                          object_versions=object_versions,
                          args=args, kwargs=kwargs)

    def object_action(self, context, objinst, objmethod, args, kwargs):
        cctxt = self.client.prepare()
        return cctxt.call(context, 'object_action', objinst=objinst,
                          objmethod=objmethod, args=args, kwargs=kwargs)

    def object_backport_versions(self, context, objinst, object_versions):
        cctxt = self.client.prepare()
        return cctxt.call(context, 'object_backport_versions',
                          objinst=objinst, object_versions=object_versions)


class ComputeTaskAPI:
    VERSION = '1.1'

    def __init__(self):
        target = messaging.Target(topic=TOPIC, namespace='compute_task',
                                  version=self.VERSION)
        self.client = rpc.get_client(
            target, version_cap=CONF.upgrade_levels.conductor)

    def schedule_and_build_instances(self, context, build_requests,
                                     request_specs, image, admin_password,
                                     injected_files, requested_networks,
                                     block_device_mapping=None, tags=None):
        cctxt = self.client.prepare()
        cctxt.cast(context, 'schedule_and_build_instances',
                   build_requests=build_requests,
                   request_specs=request_specs, image=image,
                   admin_password=admin_password,
                   injected_files=injected_files,
                   requested_networks=requested_networks,
                   block_device_mapping=block_device_mapping, tags=tags)

    def build_instances(self, context, instance, image, request_spec,
                        filter_properties, admin_password, injected_files,
                        requested_networks, host_list):
        """A build failed on a host: try the alternates of host_list."""
        cctxt = self.client.prepare(version='1.1')
        cctxt.cast(context, 'build_instances', instance=instance,
                   image=image, request_spec=request_spec,
                   filter_properties=filter_properties,
                   admin_password=admin_password,
                   injected_files=injected_files,
                   requested_networks=requested_networks,
                   host_list=host_list)
