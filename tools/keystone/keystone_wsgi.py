"""WSGI entry point of Keystone for gunicorn: ``keystone_wsgi:application``.

Keystone parses the process's command line with oslo.config when its
application is built; under gunicorn that is gunicorn's own command line,
which it refuses. Hide it for that time. The configuration file comes
from OS_KEYSTONE_CONFIG_FILES.
"""

import sys

_argv = sys.argv
sys.argv = _argv[:1]
try:
    from keystone.wsgi.api import application  # noqa: F401
finally:
    sys.argv = _argv
