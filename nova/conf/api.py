"""[api] and [wsgi]: the REST API service."""

from oslo_config import cfg

api_group = cfg.OptGroup('api', title='API options',
                         help='Behaviour of the Compute REST API.')

api_opts = [
    cfg.StrOpt('auth_strategy',
               default='noauth2',
               choices=[('noauth2', 'Accept an X-Auth-Token of the form '
                         '"user:project"; the user "admin" is an '
                         'administrator. For development only.'),
                        ('keystone', 'Validate tokens with Keystone.')],
               help='How requests to the API are authenticated.'),
    cfg.IntOpt('max_limit',
               default=1000, min=1,
               help='Largest number of items one list request returns; '
                    'larger "limit" values are cut to this.'),
    cfg.StrOpt('compute_link_prefix',
               help='Scheme, host and port to use in links of responses '
                    'instead of those of the request, for an API behind a '
                    'proxy. Example: https://compute.example.com'),
    cfg.BoolOpt('list_records_by_skipping_down_cells',
                default=True,
                help='Leave out servers of cells that cannot be reached '
                     'when listing, instead of failing the request.'),
    cfg.BoolOpt('enable_instance_password',
                default=True,
                help='Return the administrator password ("adminPass") in '
                     'the responses of server create, rebuild, rescue and '
                     'evacuate. Turn off for hypervisors that cannot set '
                     'the password in the guest.'),
]

wsgi_group = cfg.OptGroup('wsgi', title='API server options',
                          help='How nova-api serves HTTP.')

wsgi_opts = [
    cfg.HostAddressOpt('bind_host',
                       default='127.0.0.1',
                       help='Address nova-api listens on.'),
    cfg.PortOpt('bind_port',
                default=8774,
                help='Port nova-api listens on.'),
    cfg.IntOpt('workers',
               default=2, min=1,
               help='HTTP worker processes of nova-api.'),
    cfg.IntOpt('threads',
               default=8, min=1,
               help='Threads per HTTP worker process of nova-api.'),
    cfg.IntOpt('keepalive_timeout',
               default=75, min=0,
               help='Seconds an idle keep-alive connection stays open. '
                    'Clients (keystoneauth, requests) reuse pooled '
                    'connections; a short timeout closes them just as a '
                    'client sends on them, and the request fails with a '
                    'reset connection. 0 turns keep-alive off.'),
]


def register_opts(conf):
    conf.register_group(api_group)
    conf.register_opts(api_opts, group=api_group)
    conf.register_group(wsgi_group)
    conf.register_opts(wsgi_opts, group=wsgi_group)


def list_opts():
    return {api_group: api_opts, wsgi_group: wsgi_opts}
