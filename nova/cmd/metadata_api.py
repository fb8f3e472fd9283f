"""nova-metadata-api: the metadata service guests ask about themselves.

    nova-metadata-api --config-file /etc/nova/nova.conf

Listens on [metadata_api] bind_host:bind_port (8775) with [metadata_api]
workers processes of [metadata_api] threads threads each (gunicorn's
gthread worker). Guests reach it through Neutron's metadata proxy, which
signs the instance id it adds to each request ([neutron]
service_metadata_proxy, metadata_proxy_shared_secret), or directly (the
server is then found by the request's address). It has no database:
every worker sets up its own RPC transport after the fork and reads
servers through the conductor.
"""

import sys

from oslo_log import log as logging

import nova.conf
from nova.cmd import gunicorn_launcher
from nova.metadata import app as metadata_app
from nova.metadata import wsgi as metadata_wsgi
from nova import rpc

CONF = nova.conf.CONF


def post_fork(server, worker):
    """In each worker: RPC and object indirection of its own."""
    rpc.TRANSPORT = None
    metadata_wsgi.setup_process(parse=False)


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    rpc.set_defaults()
    CONF(argv, project='nova', prog='nova-metadata-api')
    logging.setup(CONF, 'nova')
    gunicorn_launcher.serve('nova-metadata-api', 'metadata_api',
                            metadata_app.build, post_fork=post_fork)


if __name__ == '__main__':
    sys.exit(main())
