"""[upgrade_levels]: RPC versions to pin during a rolling upgrade."""

from oslo_config import cfg

upgrade_group = cfg.OptGroup(
    'upgrade_levels', title='RPC version caps',
    help='While services of two releases run side by side, pin the RPC '
         'version this service sends to each topic to the older release, '
         'so that older peers understand every message. Unset means the '
         'newest version this service knows.')

upgrade_opts = [
    cfg.StrOpt('compute',
               help='Highest RPC API version sent to nova-compute, e.g. '
                    '"1.0".'),
    cfg.StrOpt('conductor',
               help='Highest RPC API version sent to nova-conductor.'),
    cfg.StrOpt('scheduler',
               help='Highest RPC API version sent to nova-scheduler.'),
]


def register_opts(conf):
    conf.register_group(upgrade_group)
    conf.register_opts(upgrade_opts, group=upgrade_group)


def list_opts():
    return {upgrade_group: upgrade_opts}
