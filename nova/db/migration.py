"""Schema migrations of nova's two database kinds.

There is one alembic chain per kind: ``api`` for the global API database
and ``main`` for every cell database (cell0 and cell1..N). They run
through nova.db.alembic_chains; this module adds the URLs configured in
[api_database] and [database] and the models each chain must match.
"""

import nova.conf
from nova.db import alembic_chains
from nova import exception

CONF = nova.conf.CONF

DATABASES = ('api', 'main')

VERSION_TABLES = {database: alembic_chains.version_table(database)
                  for database in DATABASES}

ALEMBIC_DIR_ENV = alembic_chains.ALEMBIC_DIR_ENV


def _check_database(database):
    if database not in DATABASES:
        raise ValueError('unknown database kind %r (expected one of %s)'
                         % (database, ', '.join(DATABASES)))


def alembic_dir(database):
    """The directory of the migration chain of one database kind."""
    _check_database(database)
    return alembic_chains.alembic_dir(database)


def _configured_url(database):
    if database == 'api':
        url, section = CONF.api_database.connection, '[api_database]'
    else:
        url, section = CONF.database.connection, '[database]'
    if not url:
        raise exception.DatabaseNotConfigured(service='nova-manage',
                                              section=section)
    return url


def get_config(database, url=None, connection=None):
    """An alembic Config for one database kind.

    Give either a URL or an open SQLAlchemy connection (which then carries
    the transaction); with neither, the URL comes from the nova config.
    """
    _check_database(database)
    if connection is not None:
        return alembic_chains.get_config(database, connection=connection)
    return alembic_chains.get_config(
        database, url=url or _configured_url(database))


def get_metadata(database):
    """The MetaData of the models the chain of ``database`` must match."""
    _check_database(database)
    if database == 'api':
        from nova.db.api import models
    else:
        from nova.db.main import models
    return models.BASE.metadata


def db_sync(database='main', url=None, revision='head'):
    """Upgrade the database to ``revision`` (default: the newest one)."""
    _check_database(database)
    alembic_chains.upgrade(database, url or _configured_url(database),
                           revision)


def db_version(database='main', url=None):
    """The revision the database is at, or None if it was never synced."""
    _check_database(database)
    return alembic_chains.current_revision(
        database, url or _configured_url(database))


def head_revision(database):
    """The newest revision of the chain of ``database``."""
    _check_database(database)
    return alembic_chains.head_revision(database)
