"""[upgrade_levels]: RPC versions to pin during a rolling upgrade."""

from oslo_config import cfg

upgrade_group = cfg.OptGroup(
    'upgrade_levels', title='RPC version caps',
    help='While services of two releases run side by side, pin the RPC '
         'version this service sends to each topic to the older release, '
         'so that older peers understand every message: a method the pin '
         'allows is sent at the version it arrived in, one newer than the '
         'pin fails with an error naming it. Unset means the newest '
         'version this service knows. Values are versions such as "1.0"; '
         '"auto" and release names are accepted but not resolved yet (no '
         'cap, with a warning in the log).')

upgrade_opts = [
    cfg.StrOpt('compute',
               help='Highest RPC API version sent to nova-compute, e.g. '
                    '"1.0" (build, delete, stop, start, reboot only).'),
    cfg.StrOpt('conductor',
               help='Highest RPC API version sent to nova-conductor, both '
                    'its object and its compute_task interfaces, e.g. '
                    '"1.0" (builds without rescheduling).'),
    cfg.StrOpt('scheduler',
               help='Highest RPC API version sent to nova-scheduler, e.g. '
                    '"1.0" (no instance info sent to the schedulers).'),
]


def register_opts(conf):
    conf.register_group(upgrade_group)
    conf.register_opts(upgrade_opts, group=upgrade_group)


def list_opts():
    return {upgrade_group: upgrade_opts}
