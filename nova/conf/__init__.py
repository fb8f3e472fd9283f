"""All of nova's configuration options, registered on one ConfigOpts.

Each module of this package holds the options of one group (or a few
closely tied groups) and exposes register_opts() and list_opts().
"""

from oslo_config import cfg
from oslo_log import log

from nova.conf import api
from nova.conf import compute
from nova.conf import console
from nova.conf import database
from nova.conf import default
from nova.conf import fake
from nova.conf import filter_scheduler
from nova.conf import image
from nova.conf import libvirt
from nova.conf import lifecycle
from nova.conf import metadata
from nova.conf import network
from nova.conf import notifications
from nova.conf import placement
from nova.conf import placement_api
from nova.conf import quota
from nova.conf import scheduler
from nova.conf import service_user
from nova.conf import upgrade_levels
from nova.conf import vendordata

CONF = cfg.CONF

MODULES = (default, database, api, compute, fake, scheduler, filter_scheduler,
           placement, placement_api, image, network, upgrade_levels,
           notifications, quota, lifecycle, console, service_user, libvirt,
           metadata, vendordata)

for _module in MODULES:
    _module.register_opts(CONF)
try:
    log.register_options(CONF)
except cfg.ArgsAlreadyParsedError:
    # Imported by a tool that parsed the global CONF first (the
    # oslopolicy-* generators): logging's command-line options can no
    # longer be added, and that tool does not need them.
    pass
