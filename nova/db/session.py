"""Engines and sessions for the API database and the cell databases.

Only nova-conductor and nova-manage configure a connection. In any other
process the first attempt to open a session raises DatabaseNotConfigured,
so a stray database access fails loudly instead of quietly connecting.
"""

import contextlib
import os
import sys
import threading

from oslo_db.sqlalchemy import engines
import sqlalchemy as sa
from sqlalchemy import orm

import nova.conf
from nova import exception

CONF = nova.conf.CONF

_ENGINES = {}
_CELL_URLS = {}
_LOCK = threading.Lock()


def _process_name():
    return os.path.basename(sys.argv[0]) or 'this process'


def _on_sqlite_connect(dbapi_connection, connection_record):
    # Several threads (RPC workers, periodic tasks) write concurrently:
    # WAL lets readers go on during a write and busy_timeout makes a
    # writer wait for the lock instead of failing at once.
    cursor = dbapi_connection.cursor()
    cursor.execute('PRAGMA journal_mode=WAL')
    cursor.execute('PRAGMA busy_timeout=30000')
    cursor.execute('PRAGMA foreign_keys=OFF')
    cursor.close()


def _sqlite_begin_immediate(conn, cursor, statement, parameters, context,
                            executemany):
    # oslo.db starts SQLite transactions with a deferred BEGIN, which takes
    # the write lock only at the first write: a transaction that read
    # first then fails at once ("database is locked") if another thread
    # wrote meanwhile, busy_timeout or not. Taking the lock up front makes
    # such transactions wait their turn instead.
    if statement == 'BEGIN':
        statement = 'BEGIN IMMEDIATE'
    return statement, parameters


def get_engine_for_url(url):
    with _LOCK:
        engine = _ENGINES.get(url)
        if engine is None:
            engine = engines.create_engine(
                url,
                max_pool_size=CONF.database.max_pool_size,
                max_overflow=CONF.database.max_overflow,
                pool_timeout=CONF.database.pool_timeout,
                connection_recycle_time=(
                    CONF.database.connection_recycle_time),
                sqlite_synchronous=CONF.database.sqlite_synchronous)
            if engine.dialect.name == 'sqlite':
                sa.event.listen(engine, 'connect', _on_sqlite_connect)
                sa.event.listen(engine, 'before_cursor_execute',
                                _sqlite_begin_immediate, retval=True)
            _ENGINES[url] = engine
        return engine


def get_api_engine():
    url = CONF.api_database.connection
    if not url:
        raise exception.DatabaseNotConfigured(
            service=_process_name(), section='[api_database]')
    return get_engine_for_url(url)


def _cell_url(cell_uuid):
    if cell_uuid is None:
        url = CONF.database.connection
        if not url:
            raise exception.DatabaseNotConfigured(
                service=_process_name(), section='[database]')
        return url
    url = _CELL_URLS.get(cell_uuid)
    if url is None:
        from nova.db.api import models as api_models
        with api_session() as session:
            cell = session.scalars(sa.select(api_models.CellMapping).where(
                api_models.CellMapping.uuid == cell_uuid)).first()
            if cell is None:
                raise exception.CellMappingNotFound(uuid=cell_uuid)
            url = cell.database_connection
        _CELL_URLS[cell_uuid] = url
    return url


def get_cell_engine(context=None):
    cell_uuid = getattr(context, 'cell_uuid', None)
    return get_engine_for_url(_cell_url(cell_uuid))


@contextlib.contextmanager
def _session(engine):
    session = orm.Session(bind=engine, expire_on_commit=False,
                          autoflush=False)
    try:
        with session.begin():
            yield session
    finally:
        session.close()


def api_session():
    """A transaction on the API database (commits on success)."""
    return _session(get_api_engine())


def cell_session(context=None):
    """A transaction on the cell database the context targets."""
    return _session(get_cell_engine(context))


def dispose_all():
    with _LOCK:
        for engine in _ENGINES.values():
            engine.dispose()
        _ENGINES.clear()
        _CELL_URLS.clear()
