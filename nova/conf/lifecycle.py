"""[DEFAULT] options of the instance life cycle after the build: soft
delete and its reclaim, shelving and its offload."""

from oslo_config import cfg

lifecycle_opts = [
    cfg.IntOpt('reclaim_instance_interval',
               default=0, min=0,
               help='Seconds a deleted server is kept as SOFT_DELETED '
                    '(powered off, resources held) before the compute host '
                    'reclaims it for good; "restore" brings it back in the '
                    'meantime and "forceDelete" deletes it at once. 0 turns '
                    'soft delete off: DELETE deletes immediately. The '
                    'compute hosts check for servers to reclaim every this '
                    'many seconds.'),
    cfg.IntOpt('shelved_offload_time',
               default=0, min=-1,
               help='Seconds a shelved server keeps its guest on its host '
                    'before it is offloaded (guest destroyed, resources '
                    'freed). 0 offloads at once when the server is shelved; '
                    '-1 never offloads on its own (shelveOffload still '
                    'does).'),
    cfg.IntOpt('shelved_poll_interval',
               default=3600, min=-1,
               help='Seconds between two looks of a compute host for '
                    'shelved servers older than shelved_offload_time. 0 or '
                    '-1 turns the periodic check off.'),
]


def register_opts(conf):
    conf.register_opts(lifecycle_opts)


def list_opts():
    return {'DEFAULT': lifecycle_opts}
