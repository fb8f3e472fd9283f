"""[vnc], [serial_console], [consoleauth]: remote consoles of servers and
the tokens that grant access to them."""

from oslo_config import cfg

vnc_group = cfg.OptGroup('vnc', title='VNC consoles',
                         help='VNC consoles of servers, reached through '
                              'the noVNC proxy.')
vnc_opts = [
    cfg.BoolOpt('enabled', default=True,
                help='Whether servers get VNC consoles.'),
    cfg.HostAddressOpt('server_listen',
                       default='127.0.0.1',
                       help='Address the VNC servers of this compute '
                            'host\'s guests listen on. 0.0.0.0 (or ::) '
                            'lets a guest keep its console after a live '
                            'migration to another host.'),
    cfg.HostAddressOpt('server_proxyclient_address',
                       default='127.0.0.1',
                       help='Address of this compute host that the noVNC '
                            'proxy connects to for its guests\' VNC '
                            'servers.'),
    cfg.URIOpt('novncproxy_base_url',
               default='http://127.0.0.1:6080/vnc_auto.html',
               help='Public URL of the noVNC proxy; the console token is '
                    'appended to it as the "token" query parameter.'),
    # nova-novncproxy
    cfg.HostAddressOpt('novncproxy_host', default='0.0.0.0',
                       help='Address nova-novncproxy listens on.'),
    cfg.PortOpt('novncproxy_port', default=6080,
                help='Port nova-novncproxy listens on; the port of '
                     'novncproxy_base_url should lead here.'),
    cfg.StrOpt('novncproxy_web', default='/usr/share/novnc',
               help='Directory of the noVNC web client (vnc.html, '
                    'vnc_lite.html) that nova-novncproxy serves at "/" '
                    '(Debian package "novnc"). When it does not exist '
                    'only websocket connections are served.'),
]

serial_group = cfg.OptGroup('serial_console', title='Serial consoles',
                            help='Interactive serial consoles of servers.')
serial_opts = [
    cfg.BoolOpt('enabled', default=False,
                help='Whether servers get interactive serial consoles.'),
    cfg.URIOpt('base_url', default='ws://127.0.0.1:6083/',
               help='Public URL of the serial console proxy; the console '
                    'token is appended as the "token" query parameter.'),
]

console_group = cfg.OptGroup('console', title='Console proxies',
                             help='Options shared by the console proxies.')
console_opts = [
    cfg.ListOpt('allowed_origins', default=[],
                help='Host names, besides the one the browser reached the '
                     'proxy by and the host of novncproxy_base_url, that '
                     'the Origin header of a console websocket may name. '
                     'A connection from any other origin is refused.'),
]

consoleauth_group = cfg.OptGroup('consoleauth', title='Console tokens',
                                 help='Tokens that authorize console '
                                      'connections.')
consoleauth_opts = [
    cfg.IntOpt('token_ttl', default=600, min=0,
               help='Seconds a console token stays valid.'),
]


def register_opts(conf):
    for group, opts in list_opts().items():
        conf.register_group(group)
        conf.register_opts(opts, group=group)


def list_opts():
    return {vnc_group: vnc_opts, serial_group: serial_opts,
            console_group: console_opts,
            consoleauth_group: consoleauth_opts}
