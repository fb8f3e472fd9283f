"""nova-placement-api: serve the Placement API with gunicorn.

    nova-placement-api --config-file /etc/nova/nova.conf

Listens on [placement_api] bind_host:bind_port with [placement_api]
workers processes of [placement_api] threads threads each (gthread
worker). Needs only [placement_database] connection: no message bus and
none of nova's other databases.
"""

import functools
import sys

from oslo_log import log as logging

import nova.conf
from nova.cmd import gunicorn_launcher
from nova.placement import app as placement_app

CONF = nova.conf.CONF


def post_fork(server, worker):
    # Engines hold sockets: each worker opens its own.
    from nova.placement.db import session
    session.dispose_all()


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
    gunicorn_launcher.serve('nova-placement-api', 'placement_api',
                            functools.partial(placement_app.build, CONF),
                            post_fork=post_fork)
    return 0


if __name__ == '__main__':
    sys.exit(main())
