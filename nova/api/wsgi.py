"""WSGI entry point of nova-api: ``nova.api.wsgi:application``.

The application is built on its first request (or by calling
``init_application()``), from the configuration files named in the
NOVA_CONFIG_FILES environment variable (comma separated) or, when unset,
oslo.config's default locations (/etc/nova/nova.conf, ...).
"""

import os
import threading

from oslo_log import log as logging

import nova.conf
from nova.api import app as api_app
from nova import rpc

CONF = nova.conf.CONF
LOG = logging.getLogger(__name__)

CONFIG_FILES_ENV = 'NOVA_CONFIG_FILES'


def _config_files():
    value = os.environ.get(CONFIG_FILES_ENV)
    if not value:
        return None
    return [path.strip() for path in value.split(',') if path.strip()]


def setup_process(argv=None, config_files=None, parse=True):
    """Configuration, logging, RPC and object indirection of an API process.

    ``parse=False`` skips parsing (the caller, e.g. nova.cmd.api, did it).
    """
    if parse:
        files = config_files if config_files is not None else _config_files()
        CONF(argv if argv is not None else [], project='nova',
             default_config_files=files)
        logging.setup(CONF, 'nova')
    rpc.set_defaults()
    rpc.init(CONF)
    from nova import objects
    objects.register_all()
    from nova import service
    # Provided by the service layer: routes remotable object calls to the
    # conductor. Skipped until it exists.
    if hasattr(service, 'setup_for_api'):
        service.setup_for_api()


def init_application(argv=None, config_files=None, parse=True):
    """Set the process up and return the API WSGI application."""
    setup_process(argv, config_files, parse)
    LOG.info('nova-api application ready (auth_strategy=%s)',
             CONF.api.auth_strategy)
    return api_app.build()


class _LazyApplication:
    """Builds the real application on the first request."""

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
