"""[placement_api] and [placement_database]: the placement service.

nova-placement-api is a stand-alone HTTP service with a database of its
own; it needs neither RabbitMQ nor nova's API or cell databases.
"""

from oslo_config import cfg

placement_api_group = cfg.OptGroup(
    'placement_api', title='Placement API server options',
    help='How nova-placement-api serves HTTP and answers queries.')

placement_api_opts = [
    cfg.HostAddressOpt('bind_host', default='127.0.0.1',
                       help='Address nova-placement-api listens on.'),
    cfg.PortOpt('bind_port', default=8778,
                help='Port nova-placement-api listens on.'),
    cfg.IntOpt('workers', default=1, min=1,
               help='Number of gunicorn worker processes of '
                    'nova-placement-api.'),
    cfg.IntOpt('threads', default=8, min=1,
               help='Threads per worker process (gthread worker class); '
                    'each serves one request at a time.'),
    cfg.IntOpt('keepalive_timeout', default=75, min=0,
               help='Seconds an idle keep-alive connection stays open; '
                    'see [wsgi] keepalive_timeout. 0 turns keep-alive '
                    'off.'),
    cfg.BoolOpt('randomize_allocation_candidates', default=False,
                help='Shuffle the allocation candidates before the '
                     '"limit" of GET /allocation_candidates is applied, so '
                     'that schedulers asking for a few candidates do not '
                     'all get the same providers. When False the order is '
                     'stable (by provider), which makes concurrent '
                     'schedulers race for the same providers.'),
    cfg.IntOpt('max_allocation_candidates', default=-1,
               help='Upper bound on the number of allocation requests '
                    'GET /allocation_candidates computes, whatever the '
                    'request\'s "limit". -1 means no bound. Large clouds '
                    'set this to keep the response size and time in '
                    'check.'),
    cfg.StrOpt('incomplete_consumer_project_id',
               default='00000000-0000-0000-0000-000000000000',
               help='Project recorded for consumers whose allocations were '
                    'written before microversion 1.8 (which made '
                    'project_id and user_id required).'),
    cfg.StrOpt('incomplete_consumer_user_id',
               default='00000000-0000-0000-0000-000000000000',
               help='User recorded for consumers whose allocations were '
                    'written before microversion 1.8.'),
]

placement_database_group = cfg.OptGroup(
    'placement_database', title='Placement database options',
    help='The database of the placement service.')

placement_database_opts = [
    cfg.StrOpt('connection', secret=True,
               help='SQLAlchemy URL of the placement database, for '
                    'example mysql+pymysql://placement:secret@127.0.0.1/'
                    'placement or sqlite:////var/lib/nova/placement.sqlite.'),
    cfg.IntOpt('max_pool_size', default=10,
               help='Maximum number of SQL connections kept open per '
                    'process.'),
    cfg.IntOpt('max_overflow', default=50,
               help='Connections allowed beyond max_pool_size.'),
    cfg.IntOpt('pool_timeout',
               help='Seconds to wait for a free connection from the pool.'),
    cfg.IntOpt('connection_recycle_time', default=3600,
               help='Seconds after which a pooled connection is replaced.'),
    cfg.BoolOpt('sync_on_startup', default=False,
                help='Apply the placement schema migrations when the API '
                     'process starts (convenient for development; '
                     'deployments run "nova-manage placement db sync").'),
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
