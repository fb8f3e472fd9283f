"""nova-placement-api: serve the Placement API with gunicorn.

    nova-placement-api --config-file /etc/nova/nova.conf

Listens on [placement_api] bind_host:bind_port with [placement_api]
workers processes of [placement_api] threads threads each (gthread
worker). Needs only [placement_database] connection: no message bus and
none of nova's other databases.
"""

import sys

from gunicorn.app import base as gunicorn_base
from oslo_log import log as logging

import nova.conf
from nova.placement import app as placement_app

CONF = nova.conf.CONF
LOG = logging.getLogger(__name__)


def _bind_address():
    host = CONF.placement_api.bind_host
    if ':' in host and not host.startswith('['):
        host = '[%s]' % host
    return '%s:%s' % (host, CONF.placement_api.bind_port)


def when_ready(server):
    LOG.info('nova-placement-api listening on %s', _bind_address())


def post_fork(server, worker):
    # Engines hold sockets: each worker opens its own.
    from nova.placement.db import session
    session.dispose_all()


class PlacementServer(gunicorn_base.BaseApplication):

    def __init__(self, options):
        self.options = options
        super().__init__()

    def load_config(self):
        for key, value in self.options.items():
            if key in self.cfg.settings:
                self.cfg.set(key, value)

    def load(self):
        return placement_app.build(CONF)


def gunicorn_options():
    return {
        'bind': _bind_address(),
        'workers': CONF.placement_api.workers,
        'threads': CONF.placement_api.threads,
        'worker_class': 'gthread',
        'keepalive': CONF.placement_api.keepalive_timeout,
        'graceful_timeout': CONF.graceful_shutdown_timeout,
        'proc_name': 'nova-placement-api',
        'preload_app': False,
        'when_ready': when_ready,
        'post_fork': post_fork,
        'control_socket_disable': True,
    }


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    CONF(argv, project='nova')
    logging.setup(CONF, 'nova')
    if not CONF.placement_database.connection:
        sys.stderr.write('nova-placement-api: [placement_database] '
                         'connection is not set\n')
        return 2
    if CONF.placement_database.sync_on_startup:
        from nova.placement.db import migration
        migration.db_sync()
        CONF.set_override('sync_on_startup', False,
                          group='placement_database')
    PlacementServer(gunicorn_options()).run()
    return 0


if __name__ == '__main__':
    sys.exit(main())
