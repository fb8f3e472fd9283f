"""What every nova daemon does before it starts serving."""

import sys

from oslo_log import log as logging

import nova.conf
from nova import objects
from nova import rpc

CONF = nova.conf.CONF


def init(argv=None, binary=None):
    """Parse --config-file/--config-dir, set up logging, RPC and objects."""
    rpc.set_defaults()
    CONF(list(argv if argv is not None else sys.argv[1:]), project='nova',
         prog=binary)
    logging.setup(CONF, 'nova')
    objects.register_all()
    rpc.init(CONF)


def main_for_remote_service(binary, topic, make_manager, argv=None):
    """Run a service that has no database: it waits for a conductor and
    reaches data through it."""
    from nova import service
    init(argv, binary)
    service.setup_remote_objects()
    service.wait_for_conductor()
    svc = service.Service(binary, topic, make_manager())
    service.run([svc])
