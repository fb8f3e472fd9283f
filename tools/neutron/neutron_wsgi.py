"""WSGI entry point of Neutron's API for gunicorn: neutron_wsgi:application.

``neutron.wsgi.api`` parses the process's command line with oslo.config
when it is imported; under gunicorn that is gunicorn's own command line,
which it refuses. Hide it for that time. The configuration files come from
OS_NEUTRON_CONFIG_DIR and OS_NEUTRON_CONFIG_FILES.
"""

import sys

_argv = sys.argv
sys.argv = _argv[:1]
try:
    from neutron.wsgi.api import application  # noqa: F401
finally:
    sys.argv = _argv
