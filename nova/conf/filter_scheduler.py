"""[filter_scheduler] and [metrics]: filters and weighers of the scheduler.

The scheduler first asks placement for the nodes that have room for a
request, then runs the enabled filters over those nodes (each answers one
yes/no question per host) and finally orders the survivors with the
weighers. Filters and weighers are found by name through the entry-point
groups ``nova.scheduler.filters`` and ``nova.scheduler.weights``, so a
deployment can add its own without editing nova.

Every ``*_weight_multiplier`` option can also be set per host aggregate with
a metadata key of the same name; a host in several such aggregates uses the
smallest value.
"""

from oslo_config import cfg

filter_scheduler_group = cfg.OptGroup(
    'filter_scheduler', title='Filter scheduler options',
    help='Which filters and weighers nova-scheduler runs, and how they '
         'judge hosts.')

filter_scheduler_opts = [
    cfg.ListOpt('enabled_filters',
                default=['ComputeFilter', 'AvailabilityZoneFilter',
                         'ComputeCapabilitiesFilter', 'ImagePropertiesFilter',
                         'ServerGroupAntiAffinityFilter',
                         'ServerGroupAffinityFilter'],
                help='Filters run, in this order, over the hosts placement '
                     'returned for a request. Each name is an entry point of '
                     'the nova.scheduler.filters group; a name that is not '
                     'registered makes the scheduler refuse to start. Put '
                     'cheap filters that remove many hosts first.'),
    cfg.ListOpt('weight_classes',
                default=['all'],
                help='Weighers that order the hosts left after filtering. '
                     'Each name is an entry point of the '
                     'nova.scheduler.weights group; "all" means every '
                     'registered weigher.'),
    cfg.FloatOpt('ram_weight_multiplier',
                 default=1.0,
                 help='Multiplier of the free RAM weight. Positive spreads '
                      'instances over hosts (more free RAM wins), negative '
                      'stacks them.'),
    cfg.FloatOpt('cpu_weight_multiplier',
                 default=1.0,
                 help='Multiplier of the free VCPU weight (VCPUs times the '
                      'allocation ratio, minus those used). Positive '
                      'spreads, negative stacks.'),
    cfg.FloatOpt('disk_weight_multiplier',
                 default=1.0,
                 help='Multiplier of the free disk weight. Positive spreads, '
                      'negative stacks.'),
    cfg.FloatOpt('io_ops_weight_multiplier',
                 default=-1.0,
                 help='Multiplier of the I/O operations weight (instances '
                      'building, resizing, migrating, rebuilding, '
                      'snapshotting... on the host). The negative default '
                      'prefers quiet hosts; positive prefers busy ones.'),
    cfg.FloatOpt('num_instances_weight_multiplier',
                 default=0.0,
                 help='Multiplier of the number of instances on a host. '
                      'Positive prefers hosts with more instances (packing), '
                      'negative hosts with fewer. 0 turns the weigher off.'),
    cfg.FloatOpt('soft_affinity_weight_multiplier',
                 default=1.0, min=0.0,
                 help='Multiplier of the soft-affinity weight: how strongly '
                      'a host already running members of the request\'s '
                      'soft-affinity server group is preferred.'),
    cfg.FloatOpt('soft_anti_affinity_weight_multiplier',
                 default=1.0, min=0.0,
                 help='Multiplier of the soft-anti-affinity weight: how '
                      'strongly a host running fewer members of the '
                      'request\'s soft-anti-affinity server group is '
                      'preferred.'),
    cfg.FloatOpt('build_failure_weight_multiplier',
                 default=1000000.0,
                 help='Multiplier of the penalty for hosts whose recent '
                      'builds failed. The count of consecutive failed builds '
                      'is subtracted after scaling by this value; the large '
                      'default puts such hosts behind every healthy one. A '
                      'successful build on the host resets its count. 0 '
                      'turns the penalty off.'),
    cfg.BoolOpt('shuffle_best_same_weighed_hosts',
                default=False,
                help='Shuffle the hosts that share the best weight before '
                     'picking, so that concurrent requests for identical '
                     'hosts (ironic nodes, for example) collide less.'),
    cfg.IntOpt('max_instances_per_host',
               default=50, min=1,
               help='NumInstancesFilter: hosts with this many instances or '
                    'more are filtered out. An aggregate can set a smaller '
                    'or larger value with the metadata key '
                    'max_instances_per_host; the smallest applies.'),
    cfg.IntOpt('max_io_ops_per_host',
               default=8, min=0,
               help='IoOpsFilter: hosts with this many I/O heavy operations '
                    'in flight or more are filtered out. Aggregate metadata '
                    'max_io_ops_per_host overrides it; the smallest '
                    'applies.'),
    cfg.ListOpt('isolated_images',
                default=[],
                help='IsolatedHostsFilter: ids of images that may only be '
                     'booted on the isolated hosts.'),
    cfg.ListOpt('isolated_hosts',
                default=[],
                help='IsolatedHostsFilter: hosts that only boot the isolated '
                     'images.'),
    cfg.BoolOpt('restrict_isolated_hosts_to_isolated_images',
                default=True,
                help='IsolatedHostsFilter: when true, isolated hosts accept '
                     'nothing but isolated images; when false they accept '
                     'other images too (isolated images still go only to '
                     'isolated hosts).'),
    cfg.StrOpt('image_properties_default_architecture',
               help='ImagePropertiesFilter: architecture assumed for images '
                    'that do not set hw_architecture. Unset means no '
                    'assumption.'),
    cfg.StrOpt('aggregate_image_properties_isolation_namespace',
               help='AggregateImagePropertiesIsolation: only image '
                    'properties and aggregate metadata keys in this '
                    'namespace are compared. Unset compares every key.'),
    cfg.StrOpt('aggregate_image_properties_isolation_separator',
               default='.',
               help='AggregateImagePropertiesIsolation: the character '
                    'between the namespace and the rest of a key.'),
]

metrics_group = cfg.OptGroup(
    'metrics', title='Metrics weigher options',
    help='How MetricsWeigher turns the metrics computes report into a '
         'weight.')

metrics_opts = [
    cfg.FloatOpt('weight_multiplier',
                 default=1.0,
                 help='Multiplier of the metrics weight. Aggregate metadata '
                      'metrics_weight_multiplier overrides it per host.'),
    cfg.ListOpt('weight_setting',
                default=[],
                help='Metrics to weigh and their ratios, as name=ratio pairs '
                     '(for example "cpu.percent=-1.0, cpu.frequency=1.0"): '
                     'the host weight is the sum of value times ratio. '
                     'Malformed entries are logged and skipped.'),
    cfg.BoolOpt('required',
                default=True,
                help='Whether a host missing one of the weighed metrics is '
                     'an error (true) or is weighed as weight_of_unavailable '
                     '(false).'),
    cfg.FloatOpt('weight_of_unavailable',
                 default=-10000.0,
                 help='Weight of a host missing a weighed metric when '
                      'required is false; the very low default puts it '
                      'last.'),
]


def register_opts(conf):
    conf.register_group(filter_scheduler_group)
    conf.register_opts(filter_scheduler_opts, group=filter_scheduler_group)
    conf.register_group(metrics_group)
    conf.register_opts(metrics_opts, group=metrics_group)


def list_opts():
    return {filter_scheduler_group: filter_scheduler_opts,
            metrics_group: metrics_opts}
