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

import nova.conf
from nova.db import engines

CONF = nova.conf.CONF

_ENGINES = engines.EngineCache(CONF, 'placement_database',
                               sqlite_pragmas=('synchronous=NORMAL',),
                               immediate_writes=False)


def get_engine(url):
    return _ENGINES.get(url)


def dispose_all():
    _ENGINES.dispose_all()


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
            with engines.mark_writer(conn):
                with conn.begin():
                    yield conn
