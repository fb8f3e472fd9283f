"""RPC client of nova-scheduler.

API version history:
  1.0 - Initial version.
"""

import oslo_messaging as messaging

import nova.conf

from nova import rpc

CONF = nova.conf.CONF

TOPIC = 'scheduler'


class SchedulerAPI:
    VERSION = '1.0'

    def __init__(self):
        target = messaging.Target(topic=TOPIC, version=self.VERSION)
        self.client = rpc.get_client(
            target, version_cap=CONF.upgrade_levels.scheduler)

    def select_destinations(self, context, spec_obj, instance_uuids,
                            return_alternates=False):
        """One list of Selections per instance: the chosen host first,
        then alternates for rescheduling. Raises NoValidHost."""
        cctxt = self.client.prepare()
        return cctxt.call(context, 'select_destinations', spec_obj=spec_obj,
                          instance_uuids=instance_uuids,
                          return_alternates=return_alternates)
