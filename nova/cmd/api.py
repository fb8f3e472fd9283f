"""nova-api: serve the Compute API with gunicorn.

    nova-api --config-file /etc/nova/nova.conf

Listens on [wsgi] bind_host:bind_port with [wsgi] workers processes of
[wsgi] threads threads each (gthread worker). The master process registers
the nova-osapi_compute service and keeps its heartbeat; every worker sets
up its own RPC transport after the fork.
"""

import sys

from gunicorn.app import base as gunicorn_base
from oslo_log import log as logging

import nova.conf
from nova.api import app as api_app
from nova.api import wsgi as api_wsgi
from nova import rpc

CONF = nova.conf.CONF
LOG = logging.getLogger(__name__)


def _bind_address():
    host = CONF.wsgi.bind_host
    if ':' in host and not host.startswith('['):
        host = '[%s]' % host
    return '%s:%s' % (host, CONF.wsgi.bind_port)


def when_ready(server):
    """In the master, once listening: register and heartbeat the API."""
    from nova import service
    # gunicorn forks the workers right after this hook: the heartbeat
    # thread waits until they are all forked.
    service.start_api_heartbeat(
        workers_forked=lambda: len(server.WORKERS) >= server.num_workers)
    LOG.info('nova-api listening on %s', _bind_address())


def on_exit(server):
    """In the master, on shutdown: stop the heartbeat timers, whose
    threads would otherwise keep the process alive after SIGTERM."""
    from nova import service
    service.stop_api_heartbeat()


def post_fork(server, worker):
    """In each worker: a transport of its own, not the master's copy."""
    rpc.TRANSPORT = None
    api_wsgi.setup_process(parse=False)


class APIServer(gunicorn_base.BaseApplication):

    def __init__(self, options):
        self.options = options
        super().__init__()

    def load_config(self):
        for key, value in self.options.items():
            # Settings newer than the installed gunicorn are skipped.
            if key in self.cfg.settings:
                self.cfg.set(key, value)

    def load(self):
        return api_app.build()


def gunicorn_options():
    return {
        'bind': _bind_address(),
        'workers': CONF.wsgi.workers,
        'threads': CONF.wsgi.threads,
        'worker_class': 'gthread',
        'keepalive': CONF.wsgi.keepalive_timeout,
        'graceful_timeout': CONF.graceful_shutdown_timeout,
        'proc_name': 'nova-api',
        'preload_app': False,
        'when_ready': when_ready,
        'post_fork': post_fork,
        'on_exit': on_exit,
        # No control socket in the user's home directory.
        'control_socket_disable': True,
    }


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
    APIServer(gunicorn_options()).run()


if __name__ == '__main__':
    sys.exit(main())
