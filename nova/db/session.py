"""Engines and sessions for the API database and the cell databases.

Only nova-conductor and nova-manage configure a connection. In any other
process the first attempt to open a session raises DatabaseNotConfigured,
so a stray database access fails loudly instead of quietly connecting.
"""

import contextlib
import os
import sys

import sqlalchemy as sa
from sqlalchemy import orm

import nova.conf
from nova.db import engines
from nova import exception

CONF = nova.conf.CONF

# Pooled per [database]; several threads (RPC workers, periodic tasks)
# write concurrently, so every SQLite transaction takes the write lock
# when it begins.
_ENGINES = engines.EngineCache(CONF, 'database',
                               sqlite_pragmas=('foreign_keys=OFF',))
_CELL_URLS = {}


def _process_name():
    return os.path.basename(sys.argv[0]) or 'this process'


def get_engine_for_url(url):
    return _ENGINES.get(url)


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
    _ENGINES.dispose_all()
    _CELL_URLS.clear()
