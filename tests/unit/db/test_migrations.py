"""The alembic chains build exactly the schema the models describe."""

import os
import shutil
import uuid

from alembic.autogenerate import compare_metadata
from alembic.runtime import migration as alembic_migration
import pytest
import sqlalchemy as sa

from nova.db import migration

# A server URL without a database; each test creates its own database.
MYSQL_SERVER = os.environ.get('NOVA_TEST_MYSQL_URL',
                              'mysql+pymysql://root@127.0.0.1:3306')


def _schema_diff(database, url):
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            ctx = alembic_migration.MigrationContext.configure(
                conn, opts={'compare_type': True})
            diff = compare_metadata(ctx, migration.get_metadata(database))
    finally:
        engine.dispose()
    # The version table belongs to alembic, not to the models.
    return [d for d in diff
            if not (d[0] == 'remove_table' and
                    d[1].name == migration.VERSION_TABLES[database])]


def _table_names(url):
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        return set(sa.inspect(engine).get_table_names())
    finally:
        engine.dispose()


@pytest.fixture
def mysql_url():
    server = sa.create_engine(MYSQL_SERVER, poolclass=sa.pool.NullPool,
                              connect_args={'connect_timeout': 3})
    try:
        conn = server.connect()
    except Exception as exc:
        server.dispose()
        pytest.skip('MariaDB does not answer at %s: %s'
                    % (MYSQL_SERVER, exc))
    name = 'nova_test_%s' % uuid.uuid4().hex[:12]
    conn.execute(sa.text('CREATE DATABASE %s CHARACTER SET utf8mb4' % name))
    try:
        yield '%s/%s?charset=utf8mb4' % (MYSQL_SERVER, name)
    finally:
        conn.execute(sa.text('DROP DATABASE IF EXISTS %s' % name))
        conn.close()
        server.dispose()


@pytest.mark.parametrize('database', migration.DATABASES)
def test_every_chain_has_an_env_and_a_single_head(database):
    assert migration.alembic_dir(database).endswith(database)
    assert migration.head_revision(database)


def test_chains_are_found_in_an_installed_share_directory(tmp_path,
                                                         monkeypatch):
    # What a non-editable install provides: <prefix>/share/nova/alembic.
    for database in migration.DATABASES:
        shutil.copytree(migration.alembic_dir(database),
                        tmp_path / 'alembic' / database)
    monkeypatch.setenv(migration.ALEMBIC_DIR_ENV, str(tmp_path / 'alembic'))
    assert migration.alembic_dir('main') == str(tmp_path / 'alembic' /
                                                'main')
    url = 'sqlite:///%s' % (tmp_path / 'installed.sqlite')
    migration.db_sync('main', url)
    assert migration.db_version('main', url) == (
        migration.head_revision('main'))


def test_unknown_database_kind_is_refused():
    with pytest.raises(ValueError):
        migration.alembic_dir('placement')


@pytest.mark.parametrize('database', migration.DATABASES)
def test_sqlite_schema_matches_models(tmp_path, database):
    url = 'sqlite:///%s' % (tmp_path / ('%s.sqlite' % database))
    assert migration.db_version(database, url) is None
    migration.db_sync(database, url)
    assert migration.db_version(database, url) == (
        migration.head_revision(database))
    assert _schema_diff(database, url) == []
    expected = set(migration.get_metadata(database).tables)
    assert _table_names(url) == expected | {
        migration.VERSION_TABLES[database]}


@pytest.mark.parametrize('database', migration.DATABASES)
def test_sync_twice_is_a_no_op(tmp_path, database):
    url = 'sqlite:///%s' % (tmp_path / 'twice.sqlite')
    migration.db_sync(database, url)
    migration.db_sync(database, url)
    assert migration.db_version(database, url) == (
        migration.head_revision(database))


def test_api_and_cell_schema_can_share_one_database(tmp_path):
    url = 'sqlite:///%s' % (tmp_path / 'shared.sqlite')
    migration.db_sync('api', url)
    migration.db_sync('main', url)
    assert migration.db_version('api', url) == migration.head_revision('api')
    assert migration.db_version('main', url) == (
        migration.head_revision('main'))


def test_db_sync_without_url_uses_config(tmp_path):
    from nova import exception
    import nova.conf
    conf = nova.conf.CONF
    url = 'sqlite:///%s' % (tmp_path / 'conf.sqlite')
    conf.set_override('connection', url, group='api_database')
    try:
        migration.db_sync('api')
        assert migration.db_version('api') == migration.head_revision('api')
    finally:
        conf.clear_override('connection', group='api_database')
    with pytest.raises(exception.DatabaseNotConfigured):
        migration.db_version('api')


def test_auto_disk_config_column_leaves_existing_servers_manual(tmp_path):
    # Servers recorded before 4a5c0e5d7b25 keep a NULL, which the
    # Instance object reads as False (OS-DCF:diskConfig MANUAL).
    url = 'sqlite:///%s' % (tmp_path / 'cell.sqlite')
    migration.db_sync('main', url, revision='4a4c0e5d7b24')
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.begin() as conn:
            conn.execute(sa.text(
                "INSERT INTO instances (uuid, deleted) VALUES ('old', 0)"))
        migration.db_sync('main', url, revision='4a5c0e5d7b25')
        with engine.connect() as conn:
            rows = conn.execute(sa.text(
                'SELECT uuid, auto_disk_config FROM instances')).all()
    finally:
        engine.dispose()
    assert [tuple(r) for r in rows] == [('old', None)]


@pytest.mark.mysql
@pytest.mark.parametrize('database', migration.DATABASES)
def test_mysql_schema_matches_models(mysql_url, database):
    migration.db_sync(database, mysql_url)
    assert migration.db_version(database, mysql_url) == (
        migration.head_revision(database))
    assert _schema_diff(database, mysql_url) == []
    engine = sa.create_engine(mysql_url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            engines = dict(conn.execute(sa.text(
                'SELECT table_name, engine FROM information_schema.tables '
                'WHERE table_schema = DATABASE()')).all())
    finally:
        engine.dispose()
    assert set(engines.values()) == {'InnoDB'}
