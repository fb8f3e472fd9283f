"""One engine per URL and config group; on SQLite, which transactions
take the write lock when they begin."""

import sqlalchemy as sa

import nova.conf
from nova.db import engines


def _begins(engine):
    """The BEGIN statements ``engine`` will send, as a list filled on."""
    seen = []

    def record(conn, cursor, statement, *args):
        if statement.startswith('BEGIN'):
            seen.append(statement)

    sa.event.listen(engine, 'after_cursor_execute', record)
    return seen


def test_one_engine_per_url_until_disposed(tmp_path):
    cache = engines.EngineCache(nova.conf.CONF, 'placement_database')
    url = 'sqlite:///%s' % (tmp_path / 'a.sqlite')
    engine = cache.get(url)
    assert cache.get(url) is engine
    cache.dispose_all()
    assert cache.get(url) is not engine
    cache.dispose_all()


def test_writers_only_begin_immediate(tmp_path):
    cache = engines.EngineCache(nova.conf.CONF, 'placement_database',
                                immediate_writes=False)
    engine = cache.get('sqlite:///%s' % (tmp_path / 'w.sqlite'))
    begins = _begins(engine)
    try:
        with engine.connect() as conn:
            with conn.begin():
                assert conn.execute(
                    sa.text('PRAGMA journal_mode')).scalar() == 'wal'
            with engines.mark_writer(conn):
                with conn.begin():
                    conn.execute(sa.text('SELECT 1'))
    finally:
        cache.dispose_all()
    assert begins == ['BEGIN', 'BEGIN IMMEDIATE']


def test_every_transaction_begins_immediate(tmp_path):
    cache = engines.EngineCache(nova.conf.CONF, 'database')
    engine = cache.get('sqlite:///%s' % (tmp_path / 'i.sqlite'))
    begins = _begins(engine)
    try:
        with engine.connect() as conn:
            with conn.begin():
                conn.execute(sa.text('SELECT 1'))
    finally:
        cache.dispose_all()
    assert begins == ['BEGIN IMMEDIATE']
