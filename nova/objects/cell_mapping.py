from oslo_versionedobjects import fields

from nova.db.api import api as api_db
from nova.objects import base

CELL0_UUID = '00000000-0000-0000-0000-000000000000'


def _from_db(context, obj, row):
    for field in obj.fields:
        setattr(obj, field, getattr(row, field))
    obj._context = context
    obj.obj_reset_changes()
    return obj


@base.NovaObjectRegistry.register
class CellMapping(base.NovaTimestampObject, base.NovaObject):
    # Version 1.0: Initial version
    VERSION = '1.0'

    CELL0_UUID = CELL0_UUID

    _from_db_object = staticmethod(_from_db)

    fields = {
        'id': fields.IntegerField(read_only=True),
        'uuid': fields.UUIDField(),
        'name': fields.StringField(nullable=True),
        'transport_url': fields.StringField(nullable=True),
        'database_connection': fields.StringField(nullable=True),
        'disabled': fields.BooleanField(default=False),
    }

    @property
    def is_cell0(self):
        return self.obj_attr_is_set('uuid') and self.uuid == CELL0_UUID

    @classmethod
    def from_db(cls, context, row):
        return _from_db(context, cls(), row)

    @base.remotable_classmethod
    def get_by_uuid(cls, context, uuid):
        return cls.from_db(context, api_db.cell_mapping_get_by_uuid(uuid))

    @base.remotable
    def create(self):
        row = api_db.cell_mapping_create(self.obj_get_changes())
        _from_db(self._context, self, row)

    @base.remotable
    def save(self):
        row = api_db.cell_mapping_update(self.uuid, self.obj_get_changes())
        _from_db(self._context, self, row)


@base.NovaObjectRegistry.register
class CellMappingList(base.ObjectListBase, base.NovaObject):
    # Version 1.0: Initial version
    VERSION = '1.0'
    fields = {'objects': fields.ListOfObjectsField('CellMapping')}

    @base.remotable_classmethod
    def get_all(cls, context):
        return base.obj_make_list(context, cls(), CellMapping,
                                  api_db.cell_mapping_get_all())
