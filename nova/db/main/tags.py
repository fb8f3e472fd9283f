"""Queries on server tags (cell database). Tags live in their own table
keyed by (resource_id, tag) and go away with their server's row."""

import sqlalchemy as sa

from nova.db.main import models
from nova.db import session as db_session
from nova import exception

MAX_TAGS = 50

# The list filters of GET /servers that read tags.
FILTER_KEYS = ('tags', 'tags-any', 'not-tags', 'not-tags-any')


def _check_instance(s, context, instance_uuid):
    stmt = sa.select(models.Instance.id).where(
        models.Instance.uuid == instance_uuid,
        models.Instance.deleted == 0)
    if s.scalars(stmt).first() is None:
        raise exception.InstanceNotFound(instance_id=instance_uuid)


def _tags(s, instance_uuid):
    return list(s.scalars(sa.select(models.Tag).where(
        models.Tag.resource_id == instance_uuid).order_by(models.Tag.tag)))


def tag_get_by_instance(context, instance_uuid):
    with db_session.cell_session(context) as s:
        _check_instance(s, context, instance_uuid)
        return _tags(s, instance_uuid)


def tag_get_by_instances(context, instance_uuids):
    """{instance uuid: [tag, ...]} for several servers in one query."""
    found = {u: [] for u in instance_uuids}
    if not instance_uuids:
        return found
    with db_session.cell_session(context) as s:
        for row in s.scalars(sa.select(models.Tag).where(
                models.Tag.resource_id.in_(list(instance_uuids))).order_by(
                models.Tag.tag)):
            found[row.resource_id].append(row.tag)
    return found


def tag_exists(context, instance_uuid, tag):
    with db_session.cell_session(context) as s:
        _check_instance(s, context, instance_uuid)
        return s.scalars(sa.select(models.Tag).where(
            models.Tag.resource_id == instance_uuid,
            models.Tag.tag == tag)).first() is not None


def tag_add(context, instance_uuid, tag):
    """Add one tag (adding a present tag changes nothing); the limit of
    MAX_TAGS is checked in the same transaction."""
    with db_session.cell_session(context) as s:
        _check_instance(s, context, instance_uuid)
        current = {t.tag for t in _tags(s, instance_uuid)}
        if tag in current:
            return models.Tag(resource_id=instance_uuid, tag=tag)
        if len(current) + 1 > MAX_TAGS:
            raise exception.TooManyInstanceTags(max_tags=MAX_TAGS)
        row = models.Tag(resource_id=instance_uuid, tag=tag)
        s.add(row)
        s.flush()
        return row


def tag_set(context, instance_uuid, tags):
    """Replace the tags of a server by ``tags``; returns the new rows."""
    tags = sorted(set(tags))
    if len(tags) > MAX_TAGS:
        raise exception.TooManyInstanceTags(max_tags=MAX_TAGS)
    with db_session.cell_session(context) as s:
        _check_instance(s, context, instance_uuid)
        current = {t.tag: t for t in _tags(s, instance_uuid)}
        for name, row in current.items():
            if name not in tags:
                s.delete(row)
        for name in tags:
            if name not in current:
                s.add(models.Tag(resource_id=instance_uuid, tag=name))
        s.flush()
        return _tags(s, instance_uuid)


def tag_create_many(context, instance_uuid, tags):
    """Tags of a server being created (no existence check)."""
    with db_session.cell_session(context) as s:
        for name in sorted(set(tags)):
            s.add(models.Tag(resource_id=instance_uuid, tag=name))
        s.flush()


def tag_delete(context, instance_uuid, tag):
    with db_session.cell_session(context) as s:
        _check_instance(s, context, instance_uuid)
        count = s.execute(sa.delete(models.Tag).where(
            models.Tag.resource_id == instance_uuid,
            models.Tag.tag == tag)).rowcount
        if not count:
            raise exception.TagNotFound(tag=tag, resource_id=instance_uuid)


def tag_delete_all(context, instance_uuid):
    with db_session.cell_session(context) as s:
        _check_instance(s, context, instance_uuid)
        s.execute(sa.delete(models.Tag).where(
            models.Tag.resource_id == instance_uuid))


def _split(value):
    if isinstance(value, (list, tuple, set)):
        names = []
        for item in value:
            names.extend(_split(item))
        return names
    return [t for t in str(value).split(',') if t]


def _with_tag(tag):
    return sa.exists().where(models.Tag.resource_id == models.Instance.uuid,
                             models.Tag.tag == tag)


def apply_filters(stmt, filters):
    """Narrow an instance query by the tag filters of the list API:
    ``tags`` (all of), ``tags-any`` (any of), ``not-tags`` (not all of),
    ``not-tags-any`` (none of); each a comma-separated list."""
    if filters.get('tags'):
        for tag in _split(filters['tags']):
            stmt = stmt.where(_with_tag(tag))
    if filters.get('tags-any'):
        stmt = stmt.where(sa.or_(*[_with_tag(t)
                                   for t in _split(filters['tags-any'])]))
    if filters.get('not-tags'):
        stmt = stmt.where(sa.not_(sa.and_(
            *[_with_tag(t) for t in _split(filters['not-tags'])])))
    if filters.get('not-tags-any'):
        stmt = stmt.where(sa.not_(sa.or_(
            *[_with_tag(t) for t in _split(filters['not-tags-any'])])))
    return stmt


def purge_instance(session, instance_uuid):
    """In the session destroying a server: drop its tags and its console
    tokens, as upstream does when the instance row is deleted."""
    session.execute(sa.delete(models.Tag).where(
        models.Tag.resource_id == instance_uuid))
    session.execute(sa.delete(models.ConsoleAuthToken).where(
        models.ConsoleAuthToken.instance_uuid == instance_uuid))
