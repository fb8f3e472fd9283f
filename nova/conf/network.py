"""[network]: where ports and addresses come from; [neutron]: how to
reach Neutron; and the VIF plugging options of [DEFAULT].

With [network] backend = neutron, nova-api (validation, the proxy APIs,
security groups), the conductor and the computes (ports, bindings) call
Neutron's v2.0 API. The [neutron] group holds keystoneauth's own session
and adapter options (endpoint_override or the catalog's "network"
service) and auth options: calls made for a user carry the user's token
(plus a service token with [service_user] send_service_user_token);
calls that need an administrator (binding a port to a host, reading any
project's ports, events without a user) authenticate with the auth
options of [neutron].
"""

from keystoneauth1 import loading as ks_loading
from oslo_config import cfg

from nova.conf import ksa

network_group = cfg.OptGroup('network', title='Network service options',
                             help='The network service servers get ports '
                                  'from.')

network_opts = [
    cfg.StrOpt('backend',
               default='none',
               choices=[('none', 'No network service: servers have no '
                         'addresses, and listing or deleting them never '
                         'depends on one.'),
                        ('neutron', 'Neutron, reached with the options of '
                         'the [neutron] group: servers get ports, '
                         'addresses and security groups.')],
               help='Which network service nova uses.'),
]

NEUTRON_GROUP = 'neutron'

neutron_group = cfg.OptGroup(
    NEUTRON_GROUP, title='Neutron client options',
    help='How nova reaches Neutron when [network] backend is "neutron".')

neutron_opts = [
    cfg.StrOpt('ovs_bridge',
               default='br-int',
               help='Open vSwitch bridge VIFs are plugged into when the '
                    'port binding does not name one.'),
    cfg.StrOpt('default_floating_pool',
               default='public',
               help='External network floating IPs are taken from when '
                    'os-floating-ips is asked for one without a pool.'),
    cfg.IntOpt('extension_sync_interval',
               default=600, min=0,
               help='Seconds Neutron\'s extension list is cached.'),
    cfg.ListOpt('physnets',
                default=[],
                help='Physical networks this compute host is attached to '
                     '(its NUMA affinity is configured in '
                     '[neutron_physnet_<name>]).'),
    cfg.BoolOpt('service_metadata_proxy',
                default=False,
                help='Whether Neutron\'s metadata proxy fronts the '
                     'metadata service: requests then carry '
                     'X-Instance-ID signed with '
                     'metadata_proxy_shared_secret.'),
    cfg.StrOpt('metadata_proxy_shared_secret',
               default='', secret=True,
               help='Secret Neutron\'s metadata proxy signs X-Instance-ID '
                    'with.'),
    cfg.IntOpt('http_retries',
               default=3, min=0,
               help='Times an idempotent call (GET, PUT, DELETE) is tried '
                    'again after a refused or dropped connection.'),
]

vif_opts = [
    cfg.BoolOpt('vif_plugging_is_fatal',
                default=True,
                help='Whether a build (or move) fails when Neutron does not '
                     'report the server\'s ports plugged within '
                     'vif_plugging_timeout.'),
    cfg.IntOpt('vif_plugging_timeout',
               default=300, min=0,
               help='Seconds to wait for Neutron\'s network-vif-plugged '
                    'events after plugging a server\'s ports; 0 does not '
                    'wait.'),
]


def _ksa_opts():
    # Find Neutron in the catalog as "network"; a refused connection is
    # retried so that a restarting neutron-server does not fail a boot.
    return ksa.session_and_adapter_opts(
        service_type='network', valid_interfaces=['internal', 'public'],
        timeout=30, connect_retries=3, connect_retry_delay=0.5)


def register_opts(conf):
    conf.register_group(network_group)
    conf.register_opts(network_opts, group=network_group)
    conf.register_group(neutron_group)
    conf.register_opts(neutron_opts + _ksa_opts(), group=neutron_group)
    ks_loading.register_auth_conf_options(conf, NEUTRON_GROUP)
    conf.register_opts(vif_opts)


def list_opts():
    return {network_group: network_opts,
            neutron_group: (neutron_opts + _ksa_opts() +
                            ks_loading.get_auth_common_conf_options() +
                            ks_loading.get_auth_plugin_conf_options(
                                'password')),
            'DEFAULT': vif_opts}
