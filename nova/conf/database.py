"""[database] (the cell database of this service) and [api_database].

Only nova-conductor and nova-manage set these. Every other service leaves
them empty and reaches data through conductor RPC.
"""

from oslo_config import cfg
from oslo_db import options as oslo_db_options

api_db_group = cfg.OptGroup(
    'api_database',
    title='API database options',
    help='The global API database: flavors, keypairs, quotas, build '
         'requests, request specs and the cell, host and instance '
         'mappings. Only nova-conductor and nova-manage connect to it.')

api_db_opts = [
    cfg.StrOpt('connection',
               secret=True,
               help='SQLAlchemy URL of the API database, for example '
                    'mysql+pymysql://nova:secret@127.0.0.1/nova_api or '
                    'sqlite:////var/lib/nova/nova_api.sqlite.'),
    cfg.BoolOpt('sqlite_synchronous',
                default=True,
                help='Use synchronous writes for SQLite.'),
    cfg.IntOpt('max_pool_size',
               default=5,
               help='Maximum number of SQL connections kept open.'),
    cfg.IntOpt('max_overflow',
               default=50,
               help='Connections allowed beyond max_pool_size.'),
    cfg.IntOpt('pool_timeout',
               help='Seconds to wait for a free connection from the pool.'),
    cfg.IntOpt('connection_recycle_time',
               default=3600,
               help='Seconds after which a pooled connection is replaced.'),
]


def register_opts(conf):
    # oslo.db defines the [database] group; defaults stay unset so that a
    # service that is not meant to touch the database has no connection.
    conf.register_opts(oslo_db_options.database_opts, group='database')
    conf.register_group(api_db_group)
    conf.register_opts(api_db_opts, group=api_db_group)


def list_opts():
    return {'database': oslo_db_options.database_opts,
            api_db_group: api_db_opts}
