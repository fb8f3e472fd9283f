"""Schema migrations of the placement database: the alembic chain
``placement``, run through nova.db.alembic_chains on the URL of
[placement_database] connection.

``db_sync`` also loads the standard resource classes and traits, so that
a freshly synced database is complete.
"""

import sqlalchemy as sa

import nova.conf
from nova.db import alembic_chains
from nova import exception

CONF = nova.conf.CONF

CHAIN = 'placement'


def configured_url():
    url = CONF.placement_database.connection
    if not url:
        raise exception.DatabaseNotConfigured(
            service='placement', section='[placement_database]')
    return url


def db_sync(url=None, revision='head'):
    """Upgrade the placement database to ``revision`` (default: newest)
    and load the standard resource classes and traits into it."""
    url = url or configured_url()
    alembic_chains.upgrade(CHAIN, url, revision)
    if (revision or 'head') == 'head':
        from nova.placement import names
        engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
        try:
            with engine.begin() as conn:
                names.sync_standards(conn)
        finally:
            engine.dispose()


def db_version(url=None):
    """The revision the placement database is at (None if never synced)."""
    return alembic_chains.current_revision(CHAIN, url or configured_url())


def head_revision():
    return alembic_chains.head_revision(CHAIN)
