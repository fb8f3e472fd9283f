"""Serve a WSGI application with gunicorn: how nova's HTTP commands run.

A command names the config group of its server options (bind_host,
bind_port, workers, threads, keepalive_timeout) and how to build its
application; gunicorn runs that many gthread worker processes, each
building the application after the fork (no preloading, so that no
connection or thread of the master leaks into a worker).
"""

from gunicorn.app import base as gunicorn_base
from oslo_log import log as logging

import nova.conf

CONF = nova.conf.CONF
LOG = logging.getLogger(__name__)


def bind_address(group):
    """host:port of the [group] bind options, an IPv6 host in brackets."""
    opts = CONF[group]
    host = opts.bind_host
    if ':' in host and not host.startswith('['):
        host = '[%s]' % host
    return '%s:%s' % (host, opts.bind_port)


class _Application(gunicorn_base.BaseApplication):

    def __init__(self, build, options):
        self.build = build
        self.options = options
        super().__init__()

    def load_config(self):
        for key, value in self.options.items():
            # Settings newer than the installed gunicorn are skipped.
            if key in self.cfg.settings:
                self.cfg.set(key, value)

    def load(self):
        return self.build()


def options(name, group, when_ready=None, post_fork=None, on_exit=None):
    """The gunicorn settings of command ``name`` serving per [group].

    The hooks are gunicorn server hooks; once listening, the master also
    logs its address.
    """
    address = bind_address(group)

    def listening(server):
        if when_ready is not None:
            when_ready(server)
        LOG.info('%s listening on %s', name, address)

    opts = CONF[group]
    settings = {
        'bind': address,
        'workers': opts.workers,
        'threads': opts.threads,
        'worker_class': 'gthread',
        'keepalive': opts.keepalive_timeout,
        'graceful_timeout': CONF.graceful_shutdown_timeout,
        'proc_name': name,
        'preload_app': False,
        'when_ready': listening,
        # No control socket in the user's home directory.
        'control_socket_disable': True,
    }
    if post_fork is not None:
        settings['post_fork'] = post_fork
    if on_exit is not None:
        settings['on_exit'] = on_exit
    return settings


def serve(name, group, build, **hooks):
    """Run command ``name`` until gunicorn stops: each worker serves the
    application ``build()`` returns, per the options of [group]. ``hooks``
    are those of options()."""
    _Application(build, options(name, group, **hooks)).run()
