"""Helpers shared by the nova-manage command categories."""

import re

from oslo_db import exception as db_exc
import sqlalchemy as sa

import nova.conf
from nova.db.api import models as api_models
from nova.db import session as db_session

CONF = nova.conf.CONF

CELL0_UUID = '00000000-0000-0000-0000-000000000000'

# What a failing database raises: the engines of nova.db.session translate
# driver errors into oslo.db exceptions, plain engines do not.
DB_ERRORS = (db_exc.DBError, sa.exc.DBAPIError)

# user:password@ right after the scheme or after a comma (transport URLs
# may list several brokers).
_URL_PASSWORD = re.compile(r'(?P<head>//|,)(?P<user>[^:@/,]*):[^@/,]*@')


def action(*arguments, **options):
    """Attach argparse arguments to a command method.

    Use as ``@action('--name', required=True, help=...)``; stacked
    decorators keep the order they are written in.
    """
    def decorate(func):
        func.__dict__.setdefault('arguments', []).insert(
            0, (arguments, options))
        return func
    return decorate


def mask_password(url):
    """The URL with any password replaced by ****."""
    if not url:
        return url
    return _URL_PASSWORD.sub(lambda m: '%s%s:****@' % (m.group('head'),
                                                       m.group('user')),
                             url)


def format_table(headers, rows):
    """A boxed text table: headers centred, cells left-aligned."""
    rows = [['' if v is None else str(v) for v in row] for row in rows]
    widths = [len(h) for h in headers]
    for row in rows:
        widths = [max(w, len(v)) for w, v in zip(widths, row)]
    rule = '+' + '+'.join('-' * (w + 2) for w in widths) + '+'

    def line(values, centre=False):
        cells = [(v.center(w) if centre else v.ljust(w))
                 for v, w in zip(values, widths)]
        return '| ' + ' | '.join(cells) + ' |'

    out = [rule, line(headers, centre=True), rule]
    out.extend(line(row) for row in rows)
    out.append(rule)
    return '\n'.join(out)


def print_table(headers, rows):
    print(format_table(headers, rows))


# API database reads and writes of nova-manage.

def get_cell_mappings():
    with db_session.api_session() as session:
        return list(session.scalars(
            sa.select(api_models.CellMapping).order_by(
                api_models.CellMapping.id)))


def get_cell_mapping(cell_uuid):
    with db_session.api_session() as session:
        return session.scalars(sa.select(api_models.CellMapping).where(
            api_models.CellMapping.uuid == cell_uuid)).first()


def create_cell_mapping(**values):
    with db_session.api_session() as session:
        row = api_models.CellMapping(**values)
        session.add(row)
        session.flush()
        return row
