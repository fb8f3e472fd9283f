import uuid as uuidlib

from oslo_versionedobjects import fields

from nova.db import base as db_base
from nova.db.main import api as db
from nova.objects import base

# The version of the service code; compared by peers during upgrades.
SERVICE_VERSION = 1

_COLUMNS = ('id', 'uuid', 'host', 'binary', 'topic', 'report_count',
            'disabled', 'disabled_reason', 'last_seen_up', 'forced_down',
            'version', 'created_at', 'updated_at', 'deleted_at')


def _from_db(context, obj, row):
    for field in _COLUMNS:
        setattr(obj, field, getattr(row, field))
    obj.disabled = bool(row.disabled)
    obj.forced_down = bool(row.forced_down)
    obj.deleted = bool(row.deleted)
    obj._context = context
    obj.obj_reset_changes()
    return obj


@base.NovaObjectRegistry.register
class Service(base.NovaPersistentObject, base.NovaObject):
    # Version 1.0: Initial version
    VERSION = '1.0'

    _from_db_object = staticmethod(_from_db)

    fields = {
        'id': fields.IntegerField(read_only=True),
        'uuid': fields.UUIDField(),
        'host': fields.StringField(nullable=True),
        'binary': fields.StringField(nullable=True),
        'topic': fields.StringField(nullable=True),
        'report_count': fields.IntegerField(default=0),
        'disabled': fields.BooleanField(default=False),
        'disabled_reason': fields.StringField(nullable=True),
        'last_seen_up': fields.DateTimeField(nullable=True),
        'forced_down': fields.BooleanField(default=False),
        'version': fields.IntegerField(default=SERVICE_VERSION),
    }

    @base.remotable_classmethod
    def get_by_id(cls, context, service_id):
        return _from_db(context, cls(), db.service_get(context, service_id))

    @base.remotable_classmethod
    def get_by_uuid(cls, context, uuid):
        return _from_db(context, cls(),
                        db.service_get_by_uuid(context, uuid))

    @base.remotable_classmethod
    def get_by_host_and_binary(cls, context, host, binary):
        return _from_db(context, cls(),
                        db.service_get_by_host_and_binary(context, host,
                                                          binary))

    @base.remotable
    def create(self):
        values = self.obj_get_changes()
        values.setdefault('uuid', str(uuidlib.uuid4()))
        values.setdefault('version', SERVICE_VERSION)
        _from_db(self._context, self, db.service_create(self._context,
                                                        values))

    @base.remotable
    def save(self):
        values = self.obj_get_changes()
        _from_db(self._context, self,
                 db.service_update(self._context, self.id, values))

    @base.remotable
    def report_up(self):
        """Heartbeat: count a report and stamp last_seen_up now."""
        row = db.service_heartbeat(self._context, self.id,
                                   db_base.utcnow())
        _from_db(self._context, self, row)

    @base.remotable
    def destroy(self):
        db.service_destroy(self._context, self.id)


@base.NovaObjectRegistry.register
class ServiceList(base.ObjectListBase, base.NovaObject):
    # Version 1.0: Initial version
    VERSION = '1.0'
    fields = {'objects': fields.ListOfObjectsField('Service')}

    @base.remotable_classmethod
    def get_all(cls, context, disabled=None, host=None):
        return base.obj_make_list(
            context, cls(), Service,
            db.service_get_all(context, disabled=disabled, host=host))

    @base.remotable_classmethod
    def get_by_binary(cls, context, binary):
        return base.obj_make_list(
            context, cls(), Service,
            db.service_get_all(context, binary=binary))
