"""Schema migrations of nova's two database kinds, driven through alembic.

There is one alembic chain per kind: ``api`` for the global API database
and ``main`` for every cell database (cell0 and cell1..N). The chains live
in the top-level ``alembic/<kind>/`` directory of the source tree; an
installed (non-editable) nova carries them as data files under
``<prefix>/share/nova/alembic/<kind>/``. Nothing here reads an alembic.ini:
the alembic Config is built in code so that nova-manage works from any
working directory.
"""

import os
import sys
import sysconfig

from alembic import command as alembic_command
from alembic import config as alembic_config
from alembic.runtime import migration as alembic_migration
from alembic import script as alembic_script
import sqlalchemy as sa

import nova.conf
from nova import exception

CONF = nova.conf.CONF

DATABASES = ('api', 'main')

# Each kind keeps its own version table, so that a test set-up that puts
# the API and a cell schema in the same database still works.
VERSION_TABLES = {'api': 'alembic_version_api',
                  'main': 'alembic_version_main'}

# Set to a directory holding api/ and main/ to override the search below.
ALEMBIC_DIR_ENV = 'NOVA_ALEMBIC_DIR'


def _check_database(database):
    if database not in DATABASES:
        raise ValueError('unknown database kind %r (expected one of %s)'
                         % (database, ', '.join(DATABASES)))


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


def alembic_dir(database):
    """The directory of the migration chain of one database kind."""
    _check_database(database)
    tried = []
    for base in _candidate_dirs():
        path = os.path.join(base, database)
        if os.path.isfile(os.path.join(path, 'env.py')):
            return path
        tried.append(path)
    raise RuntimeError('cannot find the %s migrations; looked in: %s'
                       % (database, ', '.join(tried)))


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
    path = alembic_dir(database)
    config = alembic_config.Config()
    config.set_main_option('script_location', path)
    config.attributes['nova_database'] = database
    if connection is not None:
        config.attributes['connection'] = connection
    else:
        config.attributes['url'] = url or _configured_url(database)
    return config


def get_metadata(database):
    """The MetaData of the models the chain of ``database`` must match."""
    _check_database(database)
    if database == 'api':
        from nova.db.api import models
    else:
        from nova.db.main import models
    return models.BASE.metadata


def _engine(url):
    # A private engine without pooling: a migration run is short and must
    # not leave connections behind in nova.db.session's shared engines.
    return sa.create_engine(url, poolclass=sa.pool.NullPool)


def db_sync(database='main', url=None, revision='head'):
    """Upgrade the database to ``revision`` (default: the newest one)."""
    config = get_config(database, url=url)
    alembic_command.upgrade(config, revision or 'head')


def db_version(database='main', url=None):
    """The revision the database is at, or None if it was never synced."""
    url = url or _configured_url(database)
    engine = _engine(url)
    try:
        with engine.connect() as conn:
            ctx = alembic_migration.MigrationContext.configure(
                conn, opts={'version_table': VERSION_TABLES[database]})
            return ctx.get_current_revision()
    finally:
        engine.dispose()


def head_revision(database):
    """The newest revision of the chain of ``database``."""
    config = get_config(database, url='sqlite://')
    scripts = alembic_script.ScriptDirectory.from_config(config)
    return scripts.get_current_head()


def run_env(context, database):
    """The body of alembic/<kind>/env.py, shared by both chains."""
    config = context.config
    url = (config.attributes.get('url') or
           context.get_x_argument(as_dictionary=True).get('url') or
           config.get_main_option('sqlalchemy.url'))
    opts = {'target_metadata': get_metadata(database),
            'version_table': VERSION_TABLES[database],
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
                           % database)
    engine = _engine(url)
    try:
        with engine.connect() as conn:
            context.configure(connection=conn, **opts)
            with context.begin_transaction():
                context.run_migrations()
    finally:
        engine.dispose()
