"""Schema migrations of the placement database (alembic chain
``alembic/placement/``, version table ``alembic_version_placement``).

The chain is found the way nova.db.migration finds the API and cell
chains: next to the source tree, or under ``share/nova/alembic`` of an
installed nova. ``db_sync`` also loads the standard resource classes and
traits, so that a freshly synced database is complete.
"""

import os

from alembic import command as alembic_command
from alembic import config as alembic_config
from alembic.runtime import migration as alembic_migration
from alembic import script as alembic_script
import sqlalchemy as sa

import nova.conf
from nova.db import migration as nova_migration
from nova import exception

CONF = nova.conf.CONF

VERSION_TABLE = 'alembic_version_placement'


def alembic_dir():
    tried = []
    for base in nova_migration._candidate_dirs():
        path = os.path.join(base, 'placement')
        if os.path.isfile(os.path.join(path, 'env.py')):
            return path
        tried.append(path)
    raise RuntimeError('cannot find the placement migrations; looked in: %s'
                       % ', '.join(tried))


def configured_url():
    url = CONF.placement_database.connection
    if not url:
        raise exception.DatabaseNotConfigured(
            service='placement', section='[placement_database]')
    return url


def get_config(url=None, connection=None):
    config = alembic_config.Config()
    config.set_main_option('script_location', alembic_dir())
    if connection is not None:
        config.attributes['connection'] = connection
    else:
        config.attributes['url'] = url or configured_url()
    return config


def _engine(url):
    return sa.create_engine(url, poolclass=sa.pool.NullPool)


def db_sync(url=None, revision='head'):
    """Upgrade the placement database to ``revision`` (default: newest)
    and load the standard resource classes and traits into it."""
    url = url or configured_url()
    alembic_command.upgrade(get_config(url=url), revision or 'head')
    if (revision or 'head') == 'head':
        from nova.placement import names
        engine = _engine(url)
        try:
            with engine.begin() as conn:
                names.sync_standards(conn)
        finally:
            engine.dispose()


def db_version(url=None):
    """The revision the placement database is at (None if never synced)."""
    engine = _engine(url or configured_url())
    try:
        with engine.connect() as conn:
            ctx = alembic_migration.MigrationContext.configure(
                conn, opts={'version_table': VERSION_TABLE})
            return ctx.get_current_revision()
    finally:
        engine.dispose()


def head_revision():
    scripts = alembic_script.ScriptDirectory.from_config(
        get_config(url='sqlite://'))
    return scripts.get_current_head()


def run_env(context):
    """The body of alembic/placement/env.py."""
    from nova.placement.db import models
    config = context.config
    url = (config.attributes.get('url') or
           context.get_x_argument(as_dictionary=True).get('url') or
           config.get_main_option('sqlalchemy.url'))
    opts = {'target_metadata': models.BASE.metadata,
            'version_table': VERSION_TABLE,
            'compare_type': True,
            'render_as_batch': True}
    if context.is_offline_mode():
        context.configure(url=url, literal_binds=True, **opts)
        with context.begin_transaction():
            context.run_migrations()
        return
    connection = config.attributes.get('connection')
    if connection is not None:
        context.configure(connection=connection, **opts)
        with context.begin_transaction():
            context.run_migrations()
        return
    if not url:
        raise RuntimeError('no database URL given to the placement '
                           'migrations (pass -x url=... by hand)')
    engine = _engine(url)
    try:
        with engine.connect() as conn:
            context.configure(connection=conn, **opts)
            with context.begin_transaction():
                context.run_migrations()
    finally:
        engine.dispose()
