"""WSGI entry point of Keystone for gunicorn: ``keystone_wsgi:application``.

Keystone parses the process's command line with oslo.config when its
application is built; under gunicorn that is gunicorn's own command line,
which it refuses. Hide it for that time. The configuration file comes
from OS_KEYSTONE_CONFIG_FILES.

Requests that may write (anything but GET and HEAD) run one at a time.
Keystone's database here is SQLite: two threads whose transactions both
read and then write can deadlock on SQLite's lock upgrade, and one of
them fails at once with "database is locked" (the busy timeout does not
help there). Tempest's parallel credential set-up and clean-up hit that.
Reads, token validation among them, stay concurrent.
"""

import sys
import threading

_argv = sys.argv
sys.argv = _argv[:1]
try:
    from keystone.wsgi.api import application as _keystone
finally:
    sys.argv = _argv

_WRITE_LOCK = threading.Lock()
_READS = frozenset(['GET', 'HEAD', 'OPTIONS'])


def application(environ, start_response):
    if environ.get('REQUEST_METHOD') in _READS:
        return _keystone(environ, start_response)
    with _WRITE_LOCK:
        # The body is produced inside the lock: Keystone's responses are
        # small lists of bytes, so this holds it only for the request.
        return list(_keystone(environ, start_response))
