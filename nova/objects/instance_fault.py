import traceback

from oslo_versionedobjects import fields

from nova.db.main import api as db
from nova.objects import base


def _from_db(context, obj, row):
    for field in ('id', 'instance_uuid', 'code', 'message', 'details',
                  'host', 'created_at', 'updated_at', 'deleted_at'):
        setattr(obj, field, getattr(row, field))
    obj.deleted = bool(row.deleted)
    obj._context = context
    obj.obj_reset_changes()
    return obj


@base.NovaObjectRegistry.register
class InstanceFault(base.NovaPersistentObject, base.NovaObject):
    # Version 1.0: Initial version
    VERSION = '1.0'

    fields = {
        'id': fields.IntegerField(read_only=True),
        'instance_uuid': fields.UUIDField(),
        'code': fields.IntegerField(),
        'message': fields.StringField(nullable=True),
        'details': fields.StringField(nullable=True),
        'host': fields.StringField(nullable=True),
    }

    @classmethod
    def from_db(cls, context, row):
        return _from_db(context, cls(), row)

    @classmethod
    def from_exception(cls, context, instance_uuid, exc, host=None):
        """A fault describing ``exc`` (not yet saved)."""
        code = getattr(exc, 'code', 500)
        if not isinstance(code, int):
            code = 500
        message = (exc.format_message() if hasattr(exc, 'format_message')
                   else str(exc)) or exc.__class__.__name__
        fault = cls(context=context, instance_uuid=instance_uuid,
                    code=code, message=message[:255], host=host)
        # Details only for errors the user may not see (500s), as upstream.
        fault.details = ''.join(traceback.format_exception(
            type(exc), exc, exc.__traceback__)) if code == 500 else ''
        return fault

    @base.remotable
    def create(self):
        _from_db(self._context, self,
                 db.instance_fault_create(self._context,
                                          self.obj_get_changes()))

    @base.remotable_classmethod
    def get_latest_for_instance(cls, context, instance_uuid):
        row = db.instance_fault_get_latest(context,
                                           [instance_uuid]).get(instance_uuid)
        return _from_db(context, cls(), row) if row is not None else None
