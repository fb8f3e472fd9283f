"""WSGI entry point of nova-api: ``nova.api.wsgi:application``.

The application is built on its first request (or by calling
``init_application()``), from the configuration files named in the
NOVA_CONFIG_FILES environment variable (see nova.wsgi_app).
"""

from oslo_log import log as logging

import nova.conf
from nova.api import app as api_app
from nova import rpc
from nova import service
from nova import wsgi_app

CONF = nova.conf.CONF
LOG = logging.getLogger(__name__)


def setup_process(argv=None, config_files=None, parse=True):
    """Configuration, logging, RPC and object indirection of an API process.

    ``parse=False`` skips parsing (the caller, e.g. nova.cmd.api, did it).
    """
    if parse:
        wsgi_app.parse_config(argv, config_files)
    rpc.set_defaults()
    # RPC, objects, and their remotable calls routed to the conductor.
    service.setup_for_api()


def init_application(argv=None, config_files=None, parse=True):
    """Set the process up and return the API WSGI application."""
    setup_process(argv, config_files, parse)
    LOG.info('nova-api application ready (auth_strategy=%s)',
             CONF.api.auth_strategy)
    return api_app.build()


application = wsgi_app.LazyApplication(init_application)
