"""SQLAlchemy engines, one per database URL, pooled per a config group.

nova's own databases ([database], [api_database]) and the placement
database ([placement_database]) each keep an ``EngineCache`` of their
own; what differs between them is the config group of the pool options
and the SQLite tuning, given when the cache is made.

On SQLite every engine runs in WAL mode with a busy timeout, so that
readers go on during a write and a writer waits for the lock instead of
failing at once. oslo.db starts SQLite transactions with a deferred
BEGIN, which takes the write lock only at the first write: a transaction
that read first then fails ("database is locked") if another connection
wrote meanwhile, busy_timeout or not. Such transactions begin with BEGIN
IMMEDIATE instead, which makes them wait their turn: all of them, or only
those run on a connection marked with ``mark_writer``.
"""

import contextlib
import threading

from oslo_db.sqlalchemy import engines
import sqlalchemy as sa

# Key of Connection.info telling that the connection's next BEGIN is a
# writer's.
_IMMEDIATE = 'nova_begin_immediate'

_BASE_PRAGMAS = ('journal_mode=WAL', 'busy_timeout=30000')


def _pragma_setter(pragmas):
    def on_connect(dbapi_connection, connection_record):
        cursor = dbapi_connection.cursor()
        for pragma in pragmas:
            cursor.execute('PRAGMA %s' % pragma)
        cursor.close()
    return on_connect


def _begin_rewriter(immediate_by_default):
    def before_cursor_execute(conn, cursor, statement, parameters, context,
                              executemany):
        if (statement == 'BEGIN' and
                conn.info.get(_IMMEDIATE, immediate_by_default)):
            statement = 'BEGIN IMMEDIATE'
        return statement, parameters
    return before_cursor_execute


@contextlib.contextmanager
def mark_writer(conn):
    """Make the transactions begun on ``conn`` in this block take the
    SQLite write lock when they begin."""
    conn.info[_IMMEDIATE] = True
    try:
        yield conn
    finally:
        conn.info.pop(_IMMEDIATE, None)


class EngineCache:
    """The engines of one kind of database, made on first use of a URL.

    ``group`` names the config group holding max_pool_size, max_overflow,
    pool_timeout, connection_recycle_time and, optionally,
    sqlite_synchronous (True when the group has no such option).
    ``sqlite_pragmas`` are run on each new SQLite connection after the WAL
    and busy-timeout ones.
    ``immediate_writes`` says whether every SQLite transaction begins
    IMMEDIATE (True) or only those on connections under ``mark_writer``.
    """

    def __init__(self, conf, group, sqlite_pragmas=(),
                 immediate_writes=True):
        self.conf = conf
        self.group = group
        self.pragmas = _BASE_PRAGMAS + tuple(sqlite_pragmas)
        self.immediate_writes = immediate_writes
        self._engines = {}
        self._lock = threading.Lock()

    def get(self, url):
        with self._lock:
            engine = self._engines.get(url)
            if engine is None:
                engine = self._create(url)
                self._engines[url] = engine
            return engine

    def _create(self, url):
        opts = self.conf[self.group]
        engine = engines.create_engine(
            url,
            max_pool_size=opts.max_pool_size,
            max_overflow=opts.max_overflow,
            pool_timeout=opts.pool_timeout,
            connection_recycle_time=opts.connection_recycle_time,
            sqlite_synchronous=getattr(opts, 'sqlite_synchronous', True))
        if engine.dialect.name == 'sqlite':
            sa.event.listen(engine, 'connect',
                            _pragma_setter(self.pragmas))
            sa.event.listen(engine, 'before_cursor_execute',
                            _begin_rewriter(self.immediate_writes),
                            retval=True)
        return engine

    def dispose_all(self):
        """Close every pooled connection and forget the engines (a forked
        process must not share its parent's sockets)."""
        with self._lock:
            for engine in self._engines.values():
                engine.dispose()
            self._engines.clear()
