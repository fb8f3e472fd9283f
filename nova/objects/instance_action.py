"""Instance actions (one per accepted request on an instance) and their
events (the steps that services ran for it), as os-instance-actions
shows them.

An action is keyed by the request id of the context it was started
under; services that work for the request later find it again through
the same request id, which travels with the context over RPC.
"""

import traceback as tb_module

from oslo_utils import timeutils
from oslo_versionedobjects import fields

from nova.db.main import actions as db
from nova.objects import base

_ACTION_FIELDS = ('id', 'action', 'instance_uuid', 'request_id', 'user_id',
                  'project_id', 'start_time', 'finish_time', 'message',
                  'created_at', 'updated_at', 'deleted_at')
_EVENT_FIELDS = ('id', 'event', 'action_id', 'start_time', 'finish_time',
                 'result', 'traceback', 'host', 'details', 'created_at',
                 'updated_at', 'deleted_at')

RESULT_SUCCESS = 'Success'
RESULT_ERROR = 'Error'


def _fill(context, obj, row, names):
    base.fill_from_row(obj, row, names)
    obj.deleted = bool(row.deleted)
    obj._context = context
    obj.obj_reset_changes()
    return obj


@base.NovaObjectRegistry.register
class InstanceAction(base.NovaPersistentObject, base.NovaObject):
    # Version 1.0: Initial version
    VERSION = '1.0'

    fields = {
        'id': fields.IntegerField(),
        'action': fields.StringField(nullable=True),
        'instance_uuid': fields.UUIDField(nullable=True),
        'request_id': fields.StringField(nullable=True),
        'user_id': fields.StringField(nullable=True),
        'project_id': fields.StringField(nullable=True),
        'start_time': fields.DateTimeField(nullable=True),
        'finish_time': fields.DateTimeField(nullable=True),
        'message': fields.StringField(nullable=True),
    }

    @classmethod
    def _from_db_object(cls, context, action, row):
        return _fill(context, action, row, _ACTION_FIELDS)

    @staticmethod
    def pack_action_start(context, instance_uuid, action_name):
        return {'request_id': context.request_id,
                'user_id': context.user_id,
                'project_id': context.project_id,
                'instance_uuid': instance_uuid,
                'action': action_name,
                'start_time': getattr(context, 'timestamp', None) or
                timeutils.utcnow()}

    @base.remotable_classmethod
    def get_by_request_id(cls, context, instance_uuid, request_id):
        row = db.action_get_by_request_id(context, instance_uuid,
                                          request_id)
        return cls._from_db_object(context, cls(), row) if row else None

    @base.remotable_classmethod
    def action_start(cls, context, instance_uuid, action_name,
                     want_result=True):
        row = db.action_start(context, cls.pack_action_start(
            context, instance_uuid, action_name))
        if want_result:
            return cls._from_db_object(context, cls(), row)

    @base.remotable_classmethod
    def action_finish(cls, context, instance_uuid, want_result=True):
        row = db.action_finish(context, {
            'instance_uuid': instance_uuid,
            'request_id': context.request_id,
            'finish_time': timeutils.utcnow()})
        if want_result:
            return cls._from_db_object(context, cls(), row)


@base.NovaObjectRegistry.register
class InstanceActionList(base.ObjectListBase, base.NovaObject):
    # Version 1.0: Initial version
    VERSION = '1.0'
    fields = {'objects': fields.ListOfObjectsField('InstanceAction')}

    @base.remotable_classmethod
    @base.datetime_args(filters=('changes-since', 'changes-before'))
    def get_by_instance_uuid(cls, context, instance_uuid, limit=None,
                             marker=None, filters=None):
        rows = db.actions_get(context, instance_uuid, limit=limit,
                              marker=marker, filters=filters)
        return base.obj_make_list(context, cls(context), InstanceAction,
                                  rows)


def _format_traceback(exc_val, exc_tb):
    if exc_tb is not None and not isinstance(exc_tb, str):
        return ''.join(tb_module.format_exception(type(exc_val), exc_val,
                                                  exc_tb))
    if exc_tb:
        return exc_tb
    return None


def _exception_details(exc_val):
    """The message users may see about a failure: the formatted message
    of nova's own errors, the class name of anything else (it may leak
    internals)."""
    if exc_val is None:
        return None
    format_message = getattr(exc_val, 'format_message', None)
    if format_message is not None:
        try:
            return format_message()
        except Exception:
            pass
    return exc_val.__class__.__name__


@base.NovaObjectRegistry.register
class InstanceActionEvent(base.NovaPersistentObject, base.NovaObject):
    # Version 1.0: Initial version
    VERSION = '1.0'

    fields = {
        'id': fields.IntegerField(),
        'event': fields.StringField(nullable=True),
        'action_id': fields.IntegerField(nullable=True),
        'start_time': fields.DateTimeField(nullable=True),
        'finish_time': fields.DateTimeField(nullable=True),
        'result': fields.StringField(nullable=True),
        'traceback': fields.StringField(nullable=True),
        'host': fields.StringField(nullable=True),
        'details': fields.StringField(nullable=True),
    }

    @classmethod
    def _from_db_object(cls, context, event, row):
        return _fill(context, event, row, _EVENT_FIELDS)

    @base.remotable_classmethod
    def event_start(cls, context, instance_uuid, event_name,
                    want_result=True, host=None):
        row = db.action_event_start(context, {
            'event': event_name, 'instance_uuid': instance_uuid,
            'request_id': context.request_id,
            'start_time': timeutils.utcnow(), 'host': host})
        if want_result:
            return cls._from_db_object(context, cls(), row)

    @base.remotable_classmethod
    def event_finish_with_failure(cls, context, instance_uuid, event_name,
                                  exc_val=None, exc_tb=None,
                                  want_result=None):
        """Finish the event: Success when ``exc_val`` is None, Error with
        the traceback and details otherwise. ``exc_val`` and ``exc_tb``
        are strings here (they crossed RPC)."""
        values = {'event': event_name, 'instance_uuid': instance_uuid,
                  'request_id': context.request_id,
                  'finish_time': timeutils.utcnow(),
                  'result': RESULT_SUCCESS}
        if exc_val is not None:
            values['result'] = RESULT_ERROR
            values['details'] = exc_val
            values['traceback'] = exc_tb
        row = db.action_event_finish(context, values)
        if want_result:
            return cls._from_db_object(context, cls(), row)

    @classmethod
    def event_finish(cls, context, instance_uuid, event_name,
                     want_result=True):
        return cls.event_finish_with_failure(context, instance_uuid,
                                             event_name,
                                             want_result=want_result)

    @classmethod
    def event_finish_with_exception(cls, context, instance_uuid, event_name,
                                    exc_val, exc_tb=None, want_result=True):
        """As event_finish_with_failure, from a live exception."""
        return cls.event_finish_with_failure(
            context, instance_uuid, event_name,
            exc_val=_exception_details(exc_val) or 'Error',
            exc_tb=_format_traceback(exc_val, exc_tb),
            want_result=want_result)


@base.NovaObjectRegistry.register
class InstanceActionEventList(base.ObjectListBase, base.NovaObject):
    # Version 1.0: Initial version
    VERSION = '1.0'
    fields = {'objects': fields.ListOfObjectsField('InstanceActionEvent')}

    @base.remotable_classmethod
    def get_by_action(cls, context, action_id):
        rows = db.action_events_get(context, action_id)
        return base.obj_make_list(context, cls(context),
                                  InstanceActionEvent, rows)
