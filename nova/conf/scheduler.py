"""[scheduler] and [conductor]: placement of instances and orchestration."""

from oslo_config import cfg

scheduler_group = cfg.OptGroup('scheduler', title='Scheduler options',
                               help='How nova-scheduler picks hosts.')

scheduler_opts = [
    cfg.IntOpt('max_attempts',
               default=3, min=1,
               help='Hosts tried for one instance: the chosen one plus '
                    'max_attempts - 1 alternates returned with it.'),
    cfg.IntOpt('host_subset_size',
               default=1, min=1,
               help='Pick the host at random among this many best-weighed '
                    'hosts, so that concurrent requests spread out.'),
    cfg.IntOpt('workers',
               default=1, min=1,
               help='Worker processes of nova-scheduler.'),
]

conductor_group = cfg.OptGroup('conductor', title='Conductor options',
                               help='Options of nova-conductor.')

conductor_opts = [
    cfg.IntOpt('workers',
               default=1, min=1,
               help='Worker processes of nova-conductor.'),
]


def register_opts(conf):
    conf.register_group(scheduler_group)
    conf.register_opts(scheduler_opts, group=scheduler_group)
    conf.register_group(conductor_group)
    conf.register_opts(conductor_opts, group=conductor_group)


def list_opts():
    return {scheduler_group: scheduler_opts,
            conductor_group: conductor_opts}
