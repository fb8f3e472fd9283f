"""Engines and transactions of the placement database.

``Database(url)`` is what the handlers use: ``reader()`` and ``writer()``
give a SQLAlchemy Core connection inside a transaction that commits on
success. On SQLite the database runs in WAL mode with a busy timeout, and
writers take the write lock when they begin (BEGIN IMMEDIATE), so that a
read-then-write transaction waits for a concurrent writer instead of
failing with "database is locked"; readers keep a plain deferred BEGIN so
that GET requests never queue behind writers.
"""

import contextlib
import threading

from oslo_db.sqlalchemy import engines
import sqlalchemy as sa

import nova.conf

CONF = nova.conf.CONF

_ENGINES = {}
_LOCK = threading.Lock()
_IMMEDIATE = 'placement_begin_immediate'


def _on_sqlite_connect(dbapi_connection, connection_record):
    cursor = dbapi_connection.cursor()
    cursor.execute('PRAGMA journal_mode=WAL')
    cursor.execute('PRAGMA busy_timeout=30000')
    cursor.execute('PRAGMA synchronous=NORMAL')
    cursor.close()


def _sqlite_begin(conn, cursor, statement, parameters, context,
                  executemany):
    if statement == 'BEGIN' and conn.info.get(_IMMEDIATE):
        statement = 'BEGIN IMMEDIATE'
    return statement, parameters


def get_engine(url):
    with _LOCK:
        engine = _ENGINES.get(url)
        if engine is None:
            opts = CONF.placement_database
            engine = engines.create_engine(
                url,
                max_pool_size=opts.max_pool_size,
                max_overflow=opts.max_overflow,
                pool_timeout=opts.pool_timeout,
                connection_recycle_time=opts.connection_recycle_time,
                sqlite_synchronous=True)
            if engine.dialect.name == 'sqlite':
                sa.event.listen(engine, 'connect', _on_sqlite_connect)
                sa.event.listen(engine, 'before_cursor_execute',
                                _sqlite_begin, retval=True)
            _ENGINES[url] = engine
        return engine


def dispose_all():
    with _LOCK:
        for engine in _ENGINES.values():
            engine.dispose()
        _ENGINES.clear()


class Database:
    """One placement database, with the caches of its name tables."""

    def __init__(self, url):
        self.url = url
        self.engine = get_engine(url)
        self.dialect = self.engine.dialect.name
        # Filled by nova.placement.names on first use.
        self.names = None

    @contextlib.contextmanager
    def reader(self):
        with self.engine.connect() as conn:
            with conn.begin():
                yield conn

    @contextlib.contextmanager
    def writer(self):
        with self.engine.connect() as conn:
            conn.info[_IMMEDIATE] = True
            try:
                with conn.begin():
                    yield conn
            finally:
                conn.info.pop(_IMMEDIATE, None)
