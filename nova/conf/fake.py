"""[fake]: the fake virt driver used for scale tests and CI."""

from oslo_config import cfg

fake_group = cfg.OptGroup('fake', title='Fake virt driver options',
                          help='Options of compute_driver = fake.')

fake_opts = [
    cfg.IntOpt('node_count',
               default=1, min=1, max=10000,
               help='Number of compute nodes one nova-compute exposes. With '
                    'more than one, nodes are named "<host>-node-<n>".'),
    cfg.IntOpt('vcpus',
               default=32, min=1,
               help='Physical CPUs of each fake node.'),
    cfg.IntOpt('memory_mb',
               default=131072, min=1,
               help='Memory in MiB of each fake node.'),
    cfg.IntOpt('local_gb',
               default=2048, min=1,
               help='Local disk in GiB of each fake node.'),
    cfg.StrOpt('state_dir',
               help='Directory where the fake driver keeps its guests so '
                    'they survive a restart of nova-compute. Defaults to '
                    '$state_path/fake-virt/$host.'),
    cfg.FloatOpt('spawn_delay',
                 default=0.0, min=0.0,
                 help='Seconds a fake spawn takes, to imitate a hypervisor.'),
    cfg.ListOpt('fail_spawn_images',
                default=[],
                help='Image ids or names whose spawn fails on this host, '
                     'so that build failure handling and rescheduling can '
                     'be tested.'),
    cfg.ListOpt('traits',
                default=['HW_CPU_X86_SSE', 'HW_CPU_X86_SSE2'],
                help='Placement traits every node of this host reports, '
                     'besides COMPUTE_NODE: standard names (os-traits) or '
                     'CUSTOM_* names.'),
    cfg.StrOpt('hypervisor_type',
               default='fake',
               help='Hypervisor type the nodes report (os-hypervisors, '
                    'ImagePropertiesFilter).'),
    cfg.FloatOpt('live_migration_seconds',
                 default=0.0, min=0.0,
                 help='Seconds a fake live migration takes to copy the '
                      'guest, so that force complete and abort can be '
                      'exercised while it runs.'),
    cfg.ListOpt('fail_live_migration_images',
                default=[],
                help='Image ids or names whose live migration from this '
                     'host fails half-way, so that the rollback can be '
                     'tested.'),
    cfg.StrOpt('config_drive_dir',
               help='Directory where the fake driver writes the config '
                    'drives of its guests (<dir>/<host>/<uuid>.config), real '
                    'images in [DEFAULT] config_drive_format that tests can '
                    'read back. Defaults to config-drives/ in the state_dir '
                    'of the host.'),
    cfg.StrOpt('plugged_vifs_dir',
               help='Directory where the fake driver records the VIFs it '
                    'plugs (an empty file <dir>/<host>/<port id> each), '
                    'for the test harness L2 agent of tools/neutron that '
                    'reports them wired to Neutron. Unset: not recorded.'),
]


def register_opts(conf):
    conf.register_group(fake_group)
    conf.register_opts(fake_opts, group=fake_group)


def list_opts():
    return {fake_group: fake_opts}
