"""WSGI entry point of the metadata service:
``nova.metadata.wsgi:application``, for a WSGI server of the operator's
choice (nova-metadata-api runs gunicorn itself).

The application is built on its first request, from the configuration
files of NOVA_CONFIG_FILES (see nova.wsgi_app). The process has no
database: it reads servers through the conductor.
"""

from oslo_log import log as logging

from nova.metadata import app as metadata_app
from nova import objects
from nova import rpc
from nova import service
from nova import wsgi_app

LOG = logging.getLogger(__name__)


def setup_process(argv=None, config_files=None, parse=True):
    """Configuration, logging, RPC and object indirection of a metadata
    process (each WSGI worker calls it)."""
    if parse:
        wsgi_app.parse_config(argv, config_files)
    rpc.set_defaults()
    objects.register_all()
    rpc.init()
    service.setup_remote_objects()


def init_application(argv=None, config_files=None, parse=True):
    setup_process(argv, config_files, parse)
    LOG.info('nova-metadata-api application ready')
    return metadata_app.build()


application = wsgi_app.LazyApplication(init_application)
