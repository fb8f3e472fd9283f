"""Options of the [DEFAULT] group shared by every nova service."""

import socket

from oslo_config import cfg

service_opts = [
    cfg.StrOpt('host',
               default=socket.gethostname(),
               sample_default='<current_hostname>',
               help='Name of this node. Compute services register under this '
                    'name and listen on the RPC topic "compute.<host>"; it '
                    'must be unique among the compute hosts of a cloud.'),
    cfg.StrOpt('state_path',
               default='/var/lib/nova',
               help='Top-level directory for state kept on this host (fake '
                    'driver guests, the local image store, SQLite files).'),
    cfg.IntOpt('report_interval',
               default=10, min=1,
               help='Seconds between two heartbeats of a service to the '
                    'services table.'),
    cfg.IntOpt('service_down_time',
               default=60, min=1,
               help='Seconds without a heartbeat after which a service is '
                    'reported "down". Should be several report_intervals.'),
    cfg.IntOpt('graceful_shutdown_timeout',
               default=60, min=0,
               help='Seconds a service waits, after SIGTERM, for in-flight '
                    'RPC requests to finish before it exits anyway.'),
    cfg.IntOpt('rpc_response_timeout_default',
               default=60, min=1,
               help='Seconds an RPC call waits for its answer when the '
                    'caller does not set its own timeout.'),
    cfg.IntOpt('executor_thread_pool_size_default',
               default=64, min=1,
               help='Worker threads per RPC server of this service.'),
]

instance_opts = [
    cfg.StrOpt('instance_name_template',
               default='instance-%08x',
               help='Template for the hypervisor name of an instance; it is '
                    'formatted with the instance database id.'),
    cfg.StrOpt('default_availability_zone',
               default='nova',
               help='Availability zone of compute hosts that are in no '
                    'aggregate with an availability zone.'),
    cfg.StrOpt('default_schedule_zone',
               help='Availability zone given to servers booted without one. '
                    'Unset means any zone.'),
]

move_opts = [
    cfg.BoolOpt('allow_resize_to_same_host',
                default=False,
                help='Let a resize or cold migration land on the host the '
                     'server is on (the scheduler may then pick it). Useful '
                     'with a single compute host.'),
    cfg.IntOpt('resize_confirm_window',
               default=0, min=0,
               help='Seconds after which a resize (or cold migration) '
                    'waiting in VERIFY_RESIZE is confirmed by its '
                    'destination host on its own. 0 turns automatic '
                    'confirmation off. The hosts look for such resizes '
                    'every this many seconds.'),
]

ALL_OPTS = service_opts + instance_opts + move_opts


def register_opts(conf):
    conf.register_opts(ALL_OPTS)


def list_opts():
    return {'DEFAULT': ALL_OPTS}
