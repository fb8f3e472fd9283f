"""[placement_api] and [placement_database]: the placement service."""

from oslo_config import cfg

placement_api_group = cfg.OptGroup(
    'placement_api', title='Placement API server options',
    help='How nova-placement-api serves HTTP and answers queries.')

placement_api_opts = [
    cfg.HostAddressOpt('bind_host', default='127.0.0.1',
                       help='Address nova-placement-api listens on.'),
    cfg.PortOpt('bind_port', default=8778,
                help='Port nova-placement-api listens on.'),
]

placement_database_group = cfg.OptGroup(
    'placement_database', title='Placement database options',
    help='The database of the placement service.')

placement_database_opts = [
    cfg.StrOpt('connection', secret=True,
               help='SQLAlchemy URL of the placement database.'),
]


def register_opts(conf):
    conf.register_group(placement_api_group)
    conf.register_opts(placement_api_opts, group=placement_api_group)
    conf.register_group(placement_database_group)
    conf.register_opts(placement_database_opts,
                       group=placement_database_group)


def list_opts():
    return {placement_api_group: placement_api_opts,
            placement_database_group: placement_database_opts}
