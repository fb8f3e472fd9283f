"""Resource class and trait names, and the ids they have in the database.

Standard resource classes (os_resource_classes) keep their index in that
library's list as id, custom ones (CUSTOM_*) get ids from 10000 up, like
upstream placement, so that standard ids never move. Standard traits
(os_traits) are loaded into the database on first use. Each process keeps
both name tables in memory and reloads them when it meets a name or id it
does not know (another process may have created it).
"""

import threading

import os_resource_classes
import os_traits
import sqlalchemy as sa

from nova.placement.db import models
from nova.placement import errors

CUSTOM_RC_MIN_ID = 10000
CUSTOM_PREFIX = 'CUSTOM_'

STANDARD_RCS = tuple(os_resource_classes.STANDARDS)
STANDARD_TRAITS = frozenset(os_traits.get_traits())


def sync_standards(conn):
    """Insert the standard classes and traits the database lacks."""
    now = models.base.utcnow()
    have = set(conn.execute(sa.select(models.RC.c.name)).scalars())
    missing = [{'id': idx, 'name': name, 'created_at': now}
               for idx, name in enumerate(STANDARD_RCS) if name not in have]
    if missing:
        conn.execute(models.RC.insert(), missing)
    have = set(conn.execute(sa.select(models.TRAIT.c.name)).scalars())
    missing = [{'name': name, 'created_at': now}
               for name in sorted(STANDARD_TRAITS - have)]
    if missing:
        conn.execute(models.TRAIT.insert(), missing)


class Names:
    def __init__(self):
        self.lock = threading.Lock()
        self.rc_by_name = {}
        self.rc_by_id = {}
        self.trait_by_name = {}
        self.trait_by_id = {}

    def reload(self, conn):
        rcs = conn.execute(sa.select(models.RC.c.id, models.RC.c.name)).all()
        traits = conn.execute(
            sa.select(models.TRAIT.c.id, models.TRAIT.c.name)).all()
        with self.lock:
            self.rc_by_name = {name: id_ for id_, name in rcs}
            self.rc_by_id = {id_: name for id_, name in rcs}
            self.trait_by_name = {name: id_ for id_, name in traits}
            self.trait_by_id = {id_: name for id_, name in traits}


def names(db, conn):
    if db.names is None:
        table = Names()
        table.reload(conn)
        if (len(table.rc_by_name) < len(STANDARD_RCS) or
                not STANDARD_TRAITS.issubset(table.trait_by_name)):
            with db.writer() as wconn:
                sync_standards(wconn)
            table.reload(conn)
        db.names = table
    return db.names


def rc_id(db, conn, name, required=True):
    """The id of resource class ``name``; unknown names raise 400 (or give
    None when ``required`` is False)."""
    table = names(db, conn)
    id_ = table.rc_by_name.get(name)
    if id_ is None:
        table.reload(conn)
        id_ = table.rc_by_name.get(name)
    if id_ is None and required:
        raise errors.BadRequest('Unknown resource class in inventory or '
                                'request: %s' % name)
    return id_


def rc_name(db, conn, id_):
    table = names(db, conn)
    name = table.rc_by_id.get(id_)
    if name is None:
        table.reload(conn)
        name = table.rc_by_id.get(id_)
    return name


def rc_names(db, conn):
    """A callable id -> name that reloads once on an unknown id."""
    table = names(db, conn)
    by_id = table.rc_by_id

    def lookup(id_):
        name = by_id.get(id_)
        if name is None:
            return rc_name(db, conn, id_)
        return name
    return lookup


def trait_ids(db, conn, trait_names, missing_ok=False):
    """{name: id} for ``trait_names``; unknown names raise 400."""
    table = names(db, conn)
    result = {}
    unknown = []
    for name in trait_names:
        id_ = table.trait_by_name.get(name)
        if id_ is None:
            unknown.append(name)
        else:
            result[name] = id_
    if unknown:
        table.reload(conn)
        still = []
        for name in unknown:
            id_ = table.trait_by_name.get(name)
            if id_ is None:
                still.append(name)
            else:
                result[name] = id_
        if still and not missing_ok:
            raise errors.BadRequest('No such trait(s): %s.'
                                    % ', '.join(sorted(still)))
    return result


def trait_names(db, conn, ids):
    table = names(db, conn)
    out = []
    for id_ in ids:
        name = table.trait_by_id.get(id_)
        if name is None:
            table.reload(conn)
            name = table.trait_by_id.get(id_)
        if name is not None:
            out.append(name)
    return out
