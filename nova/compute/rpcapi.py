"""RPC client of nova-compute; each host listens on ``compute.<host>``.

API version history:
  1.0 - Initial version.
"""

import oslo_messaging as messaging

import nova.conf

from nova import rpc

CONF = nova.conf.CONF

TOPIC = 'compute'


class ComputeAPI:
    VERSION = '1.0'

    def __init__(self):
        target = messaging.Target(topic=TOPIC, version=self.VERSION)
        self.client = rpc.get_client(
            target, version_cap=CONF.upgrade_levels.compute)

    def _prepare(self, host, version=None, timeout=None):
        return self.client.prepare(server=host, version=version,
                                   timeout=timeout)

    def build_and_run_instance(self, context, instance, host, image,
                               request_spec, filter_properties,
                               admin_password=None, injected_files=None,
                               requested_networks=None, node=None,
                               host_list=None):
        self._prepare(host).cast(
            context, 'build_and_run_instance', instance=instance,
            image=image, request_spec=request_spec,
            filter_properties=filter_properties,
            admin_password=admin_password, injected_files=injected_files,
            requested_networks=requested_networks, node=node,
            host_list=host_list)

    def terminate_instance(self, context, instance):
        self._prepare(instance.host).cast(context, 'terminate_instance',
                                          instance=instance)

    def stop_instance(self, context, instance):
        self._prepare(instance.host).cast(context, 'stop_instance',
                                          instance=instance)

    def start_instance(self, context, instance):
        self._prepare(instance.host).cast(context, 'start_instance',
                                          instance=instance)

    def reboot_instance(self, context, instance, reboot_type):
        self._prepare(instance.host).cast(context, 'reboot_instance',
                                          instance=instance,
                                          reboot_type=reboot_type)

    def get_instance_power_state(self, context, instance):
        return self._prepare(instance.host).call(
            context, 'get_instance_power_state', instance=instance)
