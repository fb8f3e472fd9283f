"""Queries on the instance actions of a cell database and their events.

An action is one accepted request on an instance, found again by the
request id it was made under; its events are the steps services run for
it. Starting or finishing an event touches the action's ``updated_at``
(what 2.58's changes-since filters on), and a failed event marks the
action's message 'Error'.
"""

import sqlalchemy as sa

from nova.db import base
from nova.db.main import models
from nova.db import session as db_session
from nova import exception

_ACTION_COLUMNS = ('action', 'instance_uuid', 'request_id', 'user_id',
                   'project_id', 'start_time', 'finish_time', 'message')
_EVENT_COLUMNS = ('event', 'start_time', 'finish_time', 'result',
                  'traceback', 'host', 'details')


def _pick(values, columns):
    return {k: values[k] for k in columns if k in values}


def _clean(values):
    return {k: base.naive_utc(v) if k.endswith('_time') else v
            for k, v in values.items()}


def _action_query():
    return sa.select(models.InstanceAction).where(
        models.InstanceAction.deleted == 0)


def _latest_action(s, instance_uuid, request_id):
    return s.scalars(_action_query().where(
        models.InstanceAction.instance_uuid == instance_uuid,
        models.InstanceAction.request_id == request_id).order_by(
        models.InstanceAction.id.desc())).first()


def action_start(context, values):
    with db_session.cell_session(context) as s:
        values = _clean(_pick(values, _ACTION_COLUMNS))
        # A new action counts as updated when it starts (2.58 filters and
        # shows updated_at).
        values['updated_at'] = values.get('start_time') or base.utcnow()
        row = models.InstanceAction(**values)
        s.add(row)
        s.flush()
        return row


def action_finish(context, values):
    """Set finish_time (and message) on the action of the request."""
    with db_session.cell_session(context) as s:
        row = _latest_action(s, values['instance_uuid'],
                             values['request_id'])
        if row is None:
            raise exception.InstanceActionNotFound(
                request_id=values['request_id'],
                instance_uuid=values['instance_uuid'])
        row.finish_time = (base.naive_utc(values.get('finish_time')) or
                           base.utcnow())
        if values.get('message'):
            row.message = values['message']
        row.updated_at = base.utcnow()
        s.flush()
        return row


def action_get_by_request_id(context, instance_uuid, request_id):
    with db_session.cell_session(context) as s:
        return _latest_action(s, instance_uuid, request_id)


def actions_get(context, instance_uuid, limit=None, marker=None,
                filters=None):
    """The actions of an instance, newest first.

    ``marker`` is the request id of the last action of the previous page;
    ``filters`` may hold 'changes-since' and 'changes-before' (datetimes
    compared with updated_at, both bounds inclusive).
    """
    filters = filters or {}
    action = models.InstanceAction
    with db_session.cell_session(context) as s:
        stmt = _action_query().where(action.instance_uuid == instance_uuid)
        if filters.get('changes-since') is not None:
            stmt = stmt.where(action.updated_at >=
                              base.naive_utc(filters['changes-since']))
        if filters.get('changes-before') is not None:
            stmt = stmt.where(action.updated_at <=
                              base.naive_utc(filters['changes-before']))
        if marker is not None:
            marker_row = _latest_action(s, instance_uuid, marker)
            if marker_row is None:
                raise exception.MarkerNotFound(marker=marker)
            stmt = stmt.where(sa.or_(
                action.created_at < marker_row.created_at,
                sa.and_(action.created_at == marker_row.created_at,
                        action.id < marker_row.id)))
        stmt = stmt.order_by(action.created_at.desc(), action.id.desc())
        if limit is not None:
            stmt = stmt.limit(limit)
        return list(s.scalars(stmt))


def _touch(row):
    row.updated_at = base.utcnow()


def action_event_start(context, values):
    """Create the event ``values['event']`` on the action of
    ``values['request_id']`` for ``values['instance_uuid']``."""
    with db_session.cell_session(context) as s:
        action = _latest_action(s, values['instance_uuid'],
                                values['request_id'])
        if action is None:
            raise exception.InstanceActionNotFound(
                request_id=values['request_id'],
                instance_uuid=values['instance_uuid'])
        row = models.InstanceActionEvent(
            action_id=action.id, **_clean(_pick(values, _EVENT_COLUMNS)))
        s.add(row)
        _touch(action)
        s.flush()
        return row


def action_event_finish(context, values):
    """Finish the newest unfinished event of that name on the action."""
    with db_session.cell_session(context) as s:
        action = _latest_action(s, values['instance_uuid'],
                                values['request_id'])
        if action is None:
            raise exception.InstanceActionNotFound(
                request_id=values['request_id'],
                instance_uuid=values['instance_uuid'])
        event = models.InstanceActionEvent
        row = s.scalars(sa.select(event).where(
            event.action_id == action.id, event.deleted == 0,
            event.event == values['event']).order_by(
            event.finish_time.is_(None).desc(), event.id.desc())).first()
        if row is None:
            raise exception.InstanceActionEventNotFound(
                action_id=action.id, event=values['event'])
        for key, value in _clean(_pick(values, _EVENT_COLUMNS)).items():
            if key != 'event' and key != 'start_time':
                setattr(row, key, value)
        if row.finish_time is None:
            row.finish_time = base.utcnow()
        if (values.get('result') or '').lower() == 'error':
            action.message = 'Error'
        _touch(action)
        s.flush()
        return row


def action_events_get(context, action_id):
    event = models.InstanceActionEvent
    with db_session.cell_session(context) as s:
        return list(s.scalars(sa.select(event).where(
            event.action_id == action_id, event.deleted == 0).order_by(
            event.created_at.desc(), event.id.desc())))


def action_event_get_by_id(context, action_id, event_id):
    event = models.InstanceActionEvent
    with db_session.cell_session(context) as s:
        return s.scalars(sa.select(event).where(
            event.action_id == action_id, event.id == event_id,
            event.deleted == 0)).first()
