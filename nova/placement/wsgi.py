"""WSGI entry point of the placement service:
``nova.placement.wsgi:application``.

The application is built on its first request from ``nova.conf.CONF``;
if nothing parsed the configuration yet (a WSGI server importing this
module), the files named in NOVA_CONFIG_FILES (comma separated) or
oslo.config's default locations are read first.
"""

import os
import threading

from oslo_log import log as logging

import nova.conf
from nova.placement import app as placement_app

CONF = nova.conf.CONF
LOG = logging.getLogger(__name__)

CONFIG_FILES_ENV = 'NOVA_CONFIG_FILES'


def _config_files():
    value = os.environ.get(CONFIG_FILES_ENV)
    if not value:
        return None
    return [p.strip() for p in value.split(',') if p.strip()]


def init_application():
    if not CONF._args and not CONF.config_file:
        CONF([], project='nova', default_config_files=_config_files())
        logging.setup(CONF, 'nova')
    LOG.info('placement application ready (auth_strategy=%s)',
             CONF.api.auth_strategy)
    return placement_app.build(CONF)


class _LazyApplication:
    def __init__(self):
        self._app = None
        self._lock = threading.Lock()

    def __call__(self, environ, start_response):
        if self._app is None:
            with self._lock:
                if self._app is None:
                    self._app = init_application()
        return self._app(environ, start_response)


application = _LazyApplication()
