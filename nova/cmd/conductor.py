"""nova-conductor: the only process that opens nova's databases."""

import nova.conf
from nova.cmd import common

CONF = nova.conf.CONF


def make_service():
    from nova.conductor import manager
    from nova.conductor import rpcapi
    from nova import service
    return service.Service('nova-conductor', rpcapi.TOPIC,
                           manager.ConductorManager(),
                           extra_endpoints=[manager.ComputeTaskManager()],
                           direct_db=True)


def main(argv=None):
    from nova import service
    common.init(argv, 'nova-conductor')
    service.run([make_service()])
