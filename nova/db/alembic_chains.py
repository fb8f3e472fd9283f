"""The alembic migration chains of the source tree, run by name.

Each chain (``api``, ``main``, ``placement``) lives in the top-level
``alembic/<chain>/`` directory of the source tree; an installed
(non-editable) nova carries them as data files under
``<prefix>/share/nova/alembic/<chain>/``. Each keeps its own version
table, ``alembic_version_<chain>``, so that chains sharing one database
(as test set-ups do) do not see each other's revisions. Nothing here
reads an alembic.ini: the alembic Config is built in code so that the
commands work from any working directory.

This module knows nothing of what the chains hold: the callers give the
URL to migrate, and each chain's env.py gives the models' MetaData.
"""

import os
import sys
import sysconfig

from alembic import command as alembic_command
from alembic import config as alembic_config
from alembic.runtime import migration as alembic_migration
from alembic import script as alembic_script
import sqlalchemy as sa

# Set to a directory holding the chains' directories to override the
# search below.
ALEMBIC_DIR_ENV = 'NOVA_ALEMBIC_DIR'


def _candidate_dirs():
    override = os.environ.get(ALEMBIC_DIR_ENV)
    if override:
        yield override
    # A source tree or an editable install: alembic/ sits next to nova/.
    package_dir = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    yield os.path.join(os.path.dirname(package_dir), 'alembic')
    # A regular install: setup.cfg ships the chains as data files.
    prefixes = [sys.prefix, sys.exec_prefix,
                sysconfig.get_config_var('userbase') or '']
    try:
        import site
        prefixes.append(site.getuserbase())
    except Exception:  # pragma: no cover - site may be stripped down
        pass
    for prefix in prefixes:
        if prefix:
            yield os.path.join(prefix, 'share', 'nova', 'alembic')
    yield os.path.join('/usr/local/share', 'nova', 'alembic')
    yield os.path.join('/usr/share', 'nova', 'alembic')


def alembic_dir(chain):
    """The directory of the migration chain ``chain``."""
    tried = []
    for base in _candidate_dirs():
        path = os.path.join(base, chain)
        if os.path.isfile(os.path.join(path, 'env.py')):
            return path
        tried.append(path)
    raise RuntimeError('cannot find the %s migrations; looked in: %s'
                       % (chain, ', '.join(tried)))


def version_table(chain):
    return 'alembic_version_%s' % chain


def get_config(chain, url=None, connection=None):
    """An alembic Config for ``chain`` on ``url`` or on an open SQLAlchemy
    connection (which then carries the transaction)."""
    config = alembic_config.Config()
    config.set_main_option('script_location', alembic_dir(chain))
    if connection is not None:
        config.attributes['connection'] = connection
    else:
        config.attributes['url'] = url
    return config


def _engine(url):
    # A private engine without pooling: a migration run is short and must
    # not leave connections behind in the services' shared engines.
    return sa.create_engine(url, poolclass=sa.pool.NullPool)


def upgrade(chain, url, revision='head'):
    """Upgrade the database at ``url`` to ``revision`` of ``chain``."""
    alembic_command.upgrade(get_config(chain, url=url), revision or 'head')


def current_revision(chain, url):
    """The revision of ``chain`` the database is at (None if never
    migrated)."""
    engine = _engine(url)
    try:
        with engine.connect() as conn:
            ctx = alembic_migration.MigrationContext.configure(
                conn, opts={'version_table': version_table(chain)})
            return ctx.get_current_revision()
    finally:
        engine.dispose()


def head_revision(chain):
    """The newest revision of ``chain``."""
    scripts = alembic_script.ScriptDirectory.from_config(
        get_config(chain, url='sqlite://'))
    return scripts.get_current_head()


def run_env(context, chain, metadata):
    """The body of alembic/<chain>/env.py: run the migrations of
    ``chain``, whose models describe ``metadata``."""
    config = context.config
    url = (config.attributes.get('url') or
           context.get_x_argument(as_dictionary=True).get('url') or
           config.get_main_option('sqlalchemy.url'))
    opts = {'target_metadata': metadata,
            'version_table': version_table(chain),
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
        raise RuntimeError('no database URL given to the %s migrations '
                           '(pass -x url=... when running alembic by hand)'
                           % chain)
    engine = _engine(url)
    try:
        with engine.connect() as conn:
            context.configure(connection=conn, **opts)
            with context.begin_transaction():
                context.run_migrations()
    finally:
        engine.dispose()
