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
    cfg.IntOpt('max_placement_results',
               default=1000, min=1,
               help='Most allocation candidates asked of placement per '
                    'request (the "limit" of GET /allocation_candidates). '
                    'Lower is faster; too low may leave the filters too '
                    'few hosts to choose from.'),
    cfg.FloatOpt('host_cache_min_refresh',
                 default=1.0, min=0.0,
                 help='Seconds during which the scheduler reuses its view '
                      'of the compute nodes and services instead of asking '
                      'the conductor for changes again.'),
    cfg.IntOpt('host_cache_full_refresh',
               default=300, min=10,
               help='Seconds between full reloads of the compute node '
                    'records; between them only changed records are read.'),
    cfg.IntOpt('instance_sync_interval',
               default=120, min=-1,
               help='Seconds between the full lists of instance uuids each '
                    'nova-compute sends the schedulers, so a lost update '
                    'is noticed. -1 disables it.'),
    cfg.BoolOpt('query_placement_for_availability_zone',
                default=True,
                help='Ask placement only for hosts in the aggregates of the '
                     'requested availability zone, instead of leaving it '
                     'to AvailabilityZoneFilter.'),
    cfg.BoolOpt('limit_tenants_to_placement_aggregate',
                default=False,
                help='Send a project\'s instances only to hosts in '
                     'aggregates whose metadata names the project '
                     '(filter_tenant_id, filter_tenant_id_2, ...).'),
    cfg.BoolOpt('placement_aggregate_required_for_tenants',
                default=False,
                help='With limit_tenants_to_placement_aggregate, refuse '
                     'to schedule a project no aggregate names; otherwise '
                     'such a project may use any host.'),
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
