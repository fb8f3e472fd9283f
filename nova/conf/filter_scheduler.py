"""[filter_scheduler] and [metrics]: filters and weighers of the scheduler."""

from oslo_config import cfg

filter_scheduler_group = cfg.OptGroup(
    'filter_scheduler', title='Filter scheduler options',
    help='Which filters and weighers nova-scheduler runs.')

filter_scheduler_opts = []


def register_opts(conf):
    conf.register_group(filter_scheduler_group)
    conf.register_opts(filter_scheduler_opts, group=filter_scheduler_group)


def list_opts():
    return {filter_scheduler_group: filter_scheduler_opts}
