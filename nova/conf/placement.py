"""[placement]: how nova's services reach the placement API."""

from oslo_config import cfg

placement_group = cfg.OptGroup(
    'placement', title='Placement client options',
    help='How nova-compute, nova-scheduler, nova-conductor and nova-api '
         'reach the placement service.')

placement_opts = [
    cfg.URIOpt('endpoint_override',
               default='http://127.0.0.1:8778',
               help='URL of the placement API. Set while there is no '
                    'service catalog to look it up in (no Keystone).'),
    cfg.FloatOpt('timeout',
                 default=30.0, min=1.0,
                 help='Seconds to wait for an answer from placement.'),
]


def register_opts(conf):
    conf.register_group(placement_group)
    conf.register_opts(placement_opts, group=placement_group)


def list_opts():
    return {placement_group: placement_opts}
