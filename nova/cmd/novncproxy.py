"""nova-novncproxy: websockets from browsers to the VNC consoles of guests.

    nova-novncproxy --config-file /etc/nova/nova.conf

Listens on [vnc] novncproxy_host:novncproxy_port, serves the noVNC web
client from [vnc] novncproxy_web and proxies console websockets whose
token the conductor accepts (see nova.console.websocketproxy). It has no
database: token checks are remotable object calls to the conductor over
the message bus, and it does not wait for a conductor to start (until one
answers, connections are refused with 503). SIGTERM or SIGINT stops it:
no new connections, open consoles are closed.
"""

import sys

from oslo_log import log as logging

import nova.conf
from nova.cmd import common

CONF = nova.conf.CONF
LOG = logging.getLogger(__name__)


def main(argv=None):
    from nova.console import websocketproxy
    from nova import service
    common.init(argv, 'nova-novncproxy')
    service.setup_remote_objects()
    stop_requested = service.stop_on_signals()
    try:
        server = websocketproxy.from_conf(CONF)
    except OSError as exc:
        LOG.error('nova-novncproxy cannot listen on %s:%s: %s',
                  CONF.vnc.novncproxy_host, CONF.vnc.novncproxy_port, exc)
        return 1
    if server.web_dir is None:
        LOG.warning('Serving console websockets only. %s',
                    websocketproxy.MISSING_WEB_CLIENT
                    % CONF.vnc.novncproxy_web)
    server.start()
    LOG.info('nova-novncproxy listening on %s:%s (web client from %s)',
             CONF.vnc.novncproxy_host, server.port,
             server.web_dir or '-')
    service.wait_for(stop_requested)
    server.stop(timeout=CONF.graceful_shutdown_timeout)
    LOG.info('nova-novncproxy stopped')
    return 0


if __name__ == '__main__':
    sys.exit(main())
