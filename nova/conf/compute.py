"""Options of nova-compute ([DEFAULT] and [compute])."""

from oslo_config import cfg

driver_opts = [
    cfg.StrOpt('compute_driver',
               default='fake',
               help='Virt driver this nova-compute loads, by its name in the '
                    '"nova.compute.drivers" entry point group (for example '
                    '"fake" or "libvirt").'),
]

compute_group = cfg.OptGroup('compute', title='Compute host options',
                             help='Behaviour of nova-compute.')

compute_opts = [
    cfg.IntOpt('resource_update_interval',
               default=60, min=1,
               help='Seconds between two reports of every node\'s resources '
                    'to the compute_nodes table.'),
    cfg.IntOpt('sync_power_state_interval',
               default=600, min=-1,
               help='Seconds between two reconciliations of each instance\'s '
                    'power_state with what the hypervisor reports. -1 '
                    'disables it.'),
    cfg.IntOpt('build_workers',
               default=16, min=1,
               help='Instances this host builds at the same time.'),
    cfg.FloatOpt('cpu_allocation_ratio',
                 default=16.0, min=0.0,
                 help='Virtual CPUs handed out per physical CPU.'),
    cfg.FloatOpt('ram_allocation_ratio',
                 default=1.5, min=0.0,
                 help='Virtual memory handed out per MiB of physical memory.'),
    cfg.FloatOpt('disk_allocation_ratio',
                 default=1.0, min=0.0,
                 help='Virtual disk handed out per GiB of physical disk.'),
    cfg.IntOpt('reserved_host_memory_mb',
               default=512, min=0,
               help='Memory in MiB kept back for the host itself.'),
    cfg.IntOpt('reserved_host_disk_mb',
               default=0, min=0,
               help='Disk in MiB kept back for the host itself.'),
    cfg.IntOpt('reserved_host_cpus',
               default=0, min=0,
               help='Physical CPUs kept back for the host itself.'),
]


def register_opts(conf):
    conf.register_opts(driver_opts)
    conf.register_group(compute_group)
    conf.register_opts(compute_opts, group=compute_group)


def list_opts():
    return {'DEFAULT': driver_opts, compute_group: compute_opts}
