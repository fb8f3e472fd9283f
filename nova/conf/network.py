"""[network]: where ports and addresses come from."""

from oslo_config import cfg

network_group = cfg.OptGroup('network', title='Network service options',
                             help='The network service servers get ports '
                                  'from.')

network_opts = [
    cfg.StrOpt('backend',
               default='none',
               choices=[('none', 'No network service: servers have no '
                         'addresses, and listing or deleting them never '
                         'depends on one.')],
               help='Which network service nova uses.'),
]


def register_opts(conf):
    conf.register_group(network_group)
    conf.register_opts(network_opts, group=network_group)


def list_opts():
    return {network_group: network_opts}
