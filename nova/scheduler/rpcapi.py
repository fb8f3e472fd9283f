"""RPC client of nova-scheduler.

API version history (what each version added):
  1.0 - select_destinations.
  1.1 - update_instance_info, delete_instance_info, sync_instance_info
        (fanout casts from the computes to every scheduler).
"""

import oslo_messaging as messaging

from nova import rpc

TOPIC = 'scheduler'


class SchedulerAPI:
    VERSION = '1.1'

    def __init__(self):
        target = messaging.Target(topic=TOPIC, version=self.VERSION)
        self.client = rpc.get_client(target,
                                     version_cap=rpc.upgrade_cap(TOPIC))

    def select_destinations(self, context, spec_obj, instance_uuids,
                            return_alternates=False):
        """One list of Selections per instance: the chosen host first,
        then alternates for rescheduling. Raises NoValidHost. Since 1.0."""
        cctxt = rpc.prepare(self.client, 'select_destinations', '1.0')
        return cctxt.call(context, 'select_destinations', spec_obj=spec_obj,
                          instance_uuids=instance_uuids,
                          return_alternates=return_alternates)

    # Instance info: every scheduler keeps a per-host view of instances
    # (affinity filters, instance counts) that the computes keep current.
    # Since 1.1; schedulers pinned below it have no such view, so there is
    # nothing to tell them and the casts are dropped.
    def _fanout(self, context, method, **kwargs):
        if not self.client.can_send_version('1.1'):
            return
        cctxt = rpc.prepare(self.client, method, '1.1', fanout=True)
        cctxt.cast(context, method, **kwargs)

    def update_instance_info(self, context, host_name, instance_info):
        self._fanout(context, 'update_instance_info', host_name=host_name,
                     instance_info=instance_info)

    def delete_instance_info(self, context, host_name, instance_uuid):
        self._fanout(context, 'delete_instance_info', host_name=host_name,
                     instance_uuid=instance_uuid)

    def sync_instance_info(self, context, host_name, instance_uuids):
        self._fanout(context, 'sync_instance_info', host_name=host_name,
                     instance_uuids=instance_uuids)
