"""WSGI entry point of the placement service:
``nova.placement.wsgi:application``.

The application is built on its first request from ``nova.conf.CONF``;
if nothing parsed the configuration yet (a WSGI server importing this
module), the files named in NOVA_CONFIG_FILES or oslo.config's default
locations are read first (see nova.wsgi_app).
"""

from oslo_log import log as logging

import nova.conf
from nova.placement import app as placement_app
from nova import wsgi_app

CONF = nova.conf.CONF
LOG = logging.getLogger(__name__)


def init_application():
    if not CONF._args and not CONF.config_file:
        wsgi_app.parse_config()
    LOG.info('placement application ready (auth_strategy=%s)',
             CONF.api.auth_strategy)
    return placement_app.build(CONF)


application = wsgi_app.LazyApplication(init_application)
