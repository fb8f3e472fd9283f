"""Queries on console auth tokens (cell database). Only the SHA-256 hash
of a token is stored; a token is valid until its ``expires`` time (seconds
since the epoch)."""

import sqlalchemy as sa

from nova.db.main import models
from nova.db import session as db_session


def console_auth_token_create(context, values):
    with db_session.cell_session(context) as s:
        row = models.ConsoleAuthToken(**values)
        s.add(row)
        s.flush()
        return row


def console_auth_token_get_valid(context, token_hash, instance_uuid=None,
                                 now=None):
    """The unexpired token row with this hash, or None."""
    with db_session.cell_session(context) as s:
        stmt = sa.select(models.ConsoleAuthToken).where(
            models.ConsoleAuthToken.token_hash == token_hash,
            models.ConsoleAuthToken.expires > now)
        if instance_uuid is not None:
            stmt = stmt.where(
                models.ConsoleAuthToken.instance_uuid == instance_uuid)
        return s.scalars(stmt).first()


def console_auth_token_destroy_all_by_instance(context, instance_uuid):
    with db_session.cell_session(context) as s:
        s.execute(sa.delete(models.ConsoleAuthToken).where(
            models.ConsoleAuthToken.instance_uuid == instance_uuid))


def console_auth_token_destroy_expired(context, now, host=None):
    with db_session.cell_session(context) as s:
        stmt = sa.delete(models.ConsoleAuthToken).where(
            models.ConsoleAuthToken.expires <= now)
        if host is not None:
            stmt = stmt.where(models.ConsoleAuthToken.host == host)
        return s.execute(stmt).rowcount
