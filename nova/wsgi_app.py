"""What the WSGI entry points of nova's HTTP services share.

A WSGI server (mod_wsgi, uwsgi, gunicorn pointed at the module) imports
``<service>.wsgi:application`` and calls it; nothing has parsed the
configuration then. The application is built on its first request, after
reading the configuration files named in the NOVA_CONFIG_FILES
environment variable (comma separated) or, when it is unset, oslo.config's
default locations (/etc/nova/nova.conf, ...).
"""

import os
import threading

from oslo_log import log as logging

import nova.conf

CONF = nova.conf.CONF

CONFIG_FILES_ENV = 'NOVA_CONFIG_FILES'


def config_files():
    """The files NOVA_CONFIG_FILES names, or None when it is unset."""
    value = os.environ.get(CONFIG_FILES_ENV)
    if not value:
        return None
    return [path.strip() for path in value.split(',') if path.strip()]


def parse_config(argv=None, files=None):
    """Parse the configuration and set up logging.

    ``files`` defaults to those of NOVA_CONFIG_FILES.
    """
    CONF(argv if argv is not None else [], project='nova',
         default_config_files=files if files is not None else config_files())
    logging.setup(CONF, 'nova')


class LazyApplication:
    """A WSGI application that ``build()`` makes on the first request.

    Building it at import time would read the configuration before the
    WSGI server forks its workers, and open connections they would share.
    """

    def __init__(self, build):
        self._build = build
        self._app = None
        self._lock = threading.Lock()

    def __call__(self, environ, start_response):
        if self._app is None:
            with self._lock:
                if self._app is None:
                    self._app = self._build()
        return self._app(environ, start_response)
