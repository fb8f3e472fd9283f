"""nova-api: serve the Compute API with gunicorn.

    nova-api --config-file /etc/nova/nova.conf

Listens on [wsgi] bind_host:bind_port with [wsgi] workers processes of
[wsgi] threads threads each (gthread worker). The master process registers
the nova-osapi_compute service and keeps its heartbeat; every worker sets
up its own RPC transport after the fork.
"""

import sys

from oslo_log import log as logging

import nova.conf
from nova.api import app as api_app
from nova.api import wsgi as api_wsgi
from nova.cmd import gunicorn_launcher
from nova import rpc

CONF = nova.conf.CONF


def when_ready(server):
    """In the master, once listening: register and heartbeat the API."""
    from nova import service
    # gunicorn forks the workers right after this hook: the heartbeat
    # thread waits until they are all forked.
    service.start_api_heartbeat(
        workers_forked=lambda: len(server.WORKERS) >= server.num_workers)


def on_exit(server):
    """In the master, on shutdown: stop the heartbeat timers, whose
    threads would otherwise keep the process alive after SIGTERM."""
    from nova import service
    service.stop_api_heartbeat()


def post_fork(server, worker):
    """In each worker: a transport of its own, not the master's copy."""
    rpc.TRANSPORT = None
    api_wsgi.setup_process(parse=False)


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    CONF(argv, project='nova')
    logging.setup(CONF, 'nova')
    # The master needs RPC and objects for the service heartbeat. Its
    # heartbeat thread may be loading the AMQP client modules lazily while
    # gunicorn forks workers, which then inherit a half-imported module:
    # load them before any fork.
    import kombu.transport.pyamqp  # noqa: F401 pylint: disable=unused-import
    api_wsgi.setup_process(parse=False)
    gunicorn_launcher.serve('nova-api', 'wsgi', api_app.build,
                            when_ready=when_ready, post_fork=post_fork,
                            on_exit=on_exit)


if __name__ == '__main__':
    sys.exit(main())
