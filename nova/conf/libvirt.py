"""[libvirt]: the libvirt compute driver (compute_driver = libvirt)."""

from oslo_config import cfg

libvirt_group = cfg.OptGroup('libvirt', title='Libvirt driver options',
                             help='Options of compute_driver = libvirt: '
                                  'QEMU/KVM guests managed through '
                                  'libvirt.')

libvirt_opts = [
    cfg.StrOpt('virt_type',
               default='kvm', choices=('kvm', 'qemu'),
               help='Domain type of the guests. kvm needs /dev/kvm (hardware '
                    'virtualization); qemu is plain emulation (TCG), slow '
                    'but available everywhere, e.g. in nested CI machines.'),
    cfg.StrOpt('connection_uri',
               default='',
               help='libvirt URI to connect to. Empty means the local '
                    'system daemon of virt_type (qemu:///system for both '
                    'kvm and qemu).'),
    cfg.StrOpt('cpu_mode',
               choices=('host-passthrough', 'host-model', 'custom', 'none'),
               help='CPU model the guests see. host-passthrough: the host '
                    'CPU as is (kvm only; blocks live migration to other '
                    'CPUs). host-model: the closest named model plus the '
                    'host\'s extra features. custom: the first of '
                    'cpu_models. none: the hypervisor\'s default model. '
                    'Unset means host-model with kvm and none with qemu.'),
    cfg.ListOpt('cpu_models',
                default=[],
                help='Named CPU models (e.g. Haswell-noTSX-IBRS) for '
                     'cpu_mode = custom; the first one is used.'),
    cfg.ListOpt('hw_machine_type',
                default=[],
                help='Machine type of new guests per architecture, as '
                     'arch=machine items (e.g. x86_64=q35). An image\'s '
                     'hw_machine_type property wins. Architectures not '
                     'listed get libvirt\'s default machine.'),
    cfg.ListOpt('disk_cachemodes',
                default=[],
                help='Cache mode of guest disks per source type, as '
                     'type=mode items (e.g. file=directsync, block=none). '
                     'Modes: none, writethrough, writeback, directsync, '
                     'unsafe, default. Types not listed get the driver\'s '
                     'choice: none where the instances directory supports '
                     'direct I/O, writethrough otherwise.'),
    cfg.StrOpt('images_type',
               default='qcow2', choices=('qcow2', 'raw'),
               help='Format of instance disks: qcow2 overlays backed by '
                    'the cached image, or raw full copies.'),
    cfg.StrOpt('instances_path',
               default='$state_path/instances',
               help='Directory holding one sub-directory per instance '
                    '(disks, console log, kernel and ramdisk).'),
    cfg.IntOpt('mem_stats_period_seconds',
               default=10, min=0,
               help='Seconds between two memory statistics reports of a '
                    'guest\'s balloon driver; 0 turns the reports off.'),
    cfg.StrOpt('rng_dev_path',
               default='/dev/urandom',
               choices=('/dev/urandom', '/dev/random', '/dev/hwrng'),
               help='Host source of the entropy given to guests through '
                    'their virtio RNG device.'),
]

# --- Images, snapshots and cold moves (nova/virt/libvirt/disks.py,
# cold_moves.py) ---
libvirt_opts += [
    cfg.StrOpt('remote_filesystem_transport',
               default='ssh', choices=('ssh', 'rsync', 'local'),
               help='How the destination of a resize or cold migration '
                    'copies the instance\'s disks from the source host. '
                    'ssh (scp) and rsync pull the files over SSH from the '
                    'source (the compute hosts need SSH keys between '
                    'them). local copies with a plain file copy, for '
                    'computes that see each other\'s instances_path at the '
                    'same place (several computes on one machine, or a '
                    'shared file system). A move to the same host always '
                    'copies locally.'),
]

# --- Driver core: power actions and lifecycle (nova/virt/libvirt/driver.py)
libvirt_opts += [
    cfg.IntOpt('wait_soft_reboot_seconds',
               default=120, min=0,
               help='Seconds a soft reboot waits for the guest to shut '
                    'down after the ACPI power button before the guest is '
                    'restarted the hard way (destroyed and started '
                    'again).'),
]

# --- Live migration (nova/virt/libvirt/live_migration.py) ---
libvirt_opts += [
    cfg.StrOpt('live_migration_scheme',
               default='tcp',
               help='Transport of the libvirt URI the source host uses to '
                    'reach this host\'s libvirtd for a live migration to '
                    'it: qemu+<scheme>://<address>/system (tcp, tls, '
                    'ssh...).'),
    cfg.HostAddressOpt('live_migration_inbound_addr',
                       help='Address (IP or name) at which other hosts '
                            'reach this host for live migrations: its '
                            'libvirtd and the QEMU migration stream. '
                            'Unset means the host name ([DEFAULT] host).'),
    cfg.StrOpt('live_migration_uri',
               help='libvirt URI template of a live migration\'s '
                    'destination, %s standing for the destination\'s '
                    'address (e.g. qemu+ssh://%s/system). Overrides '
                    'live_migration_scheme when set.'),
    cfg.IntOpt('live_migration_bandwidth',
               default=0, min=0,
               help='Highest bandwidth of a live migration, MiB/s; 0 means '
                    'no limit.'),
    cfg.IntOpt('live_migration_completion_timeout',
               default=800, min=0,
               help='Seconds per GiB of guest memory and copied disk a live '
                    'migration may run before live_migration_timeout_action '
                    'is taken; 0 means no limit.'),
    cfg.StrOpt('live_migration_timeout_action',
               default='abort', choices=('abort', 'force_complete'),
               help='What happens to a live migration that exceeds '
                    'live_migration_completion_timeout: abort it (the guest '
                    'stays on the source), or force it to complete '
                    '(post-copy when permitted, else the guest is paused '
                    'until the copy converges).'),
    cfg.BoolOpt('live_migration_permit_post_copy',
                default=False,
                help='Allow live migrations to switch to post-copy (the '
                     'guest runs on the destination while its remaining '
                     'memory is fetched from the source) when forced to '
                     'complete.'),
    cfg.BoolOpt('live_migration_permit_auto_converge',
                default=False,
                help='Let QEMU slow the guest\'s vCPUs down when its memory '
                     'changes faster than the copy goes (not used with '
                     'post-copy).'),
]


def register_opts(conf):
    conf.register_group(libvirt_group)
    conf.register_opts(libvirt_opts, group=libvirt_group)


def list_opts():
    return {libvirt_group: libvirt_opts}
