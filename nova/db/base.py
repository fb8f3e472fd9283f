"""Declarative bases and column helpers shared by nova's two schemas."""

import datetime

from oslo_utils import timeutils
import sqlalchemy as sa
from sqlalchemy import orm
from sqlalchemy.dialects import mysql


def utcnow():
    return datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)


def naive_utc(value):
    """A datetime to compare with a column: columns hold naive UTC, and
    PostgreSQL would shift an aware value by the session's time zone.
    Strings (ISO 8601, as a datetime crosses RPC) are parsed; None stays
    None."""
    if value is None:
        return None
    if isinstance(value, str):
        value = timeutils.parse_isotime(value)
    return timeutils.normalize_time(value)


# MEDIUMTEXT on MySQL (user_data and serialized objects outgrow TEXT),
# plain TEXT elsewhere.
MediumText = sa.Text().with_variant(mysql.MEDIUMTEXT(), 'mysql')


class TimestampMixin:
    created_at = sa.Column(sa.DateTime, default=utcnow)
    updated_at = sa.Column(sa.DateTime, onupdate=utcnow)


class SoftDeleteMixin:
    deleted_at = sa.Column(sa.DateTime)
    # 0 while the row lives; its id once soft-deleted, so that unique
    # constraints that include ``deleted`` still allow re-creation.
    deleted = sa.Column(sa.Integer, default=0, nullable=False)


class ModelBase:
    """Dict-style access used by the object layer."""

    def __getitem__(self, key):
        return getattr(self, key)

    def get(self, key, default=None):
        return getattr(self, key, default)

    def update(self, values):
        for key, value in values.items():
            setattr(self, key, value)


def declarative_base():
    return orm.declarative_base(cls=ModelBase)
