from oslo_versionedobjects import fields

from nova.db.api import api as api_db
from nova.objects import base
from nova.objects import cell_mapping


def _from_db(context, obj, row):
    for field in ('id', 'instance_uuid', 'project_id', 'user_id',
                  'created_at', 'updated_at'):
        setattr(obj, field, getattr(row, field))
    obj.queued_for_delete = bool(row.queued_for_delete)
    obj.cell_mapping = (cell_mapping.CellMapping.from_db(context,
                                                         row.cell_mapping)
                        if row.cell_mapping is not None else None)
    obj._context = context
    obj.obj_reset_changes()
    return obj


def _db_values(obj):
    values = obj.obj_get_changes()
    if 'cell_mapping' in values:
        cell = values.pop('cell_mapping')
        if cell is not None:
            values['cell_uuid'] = cell.uuid
    return values


@base.NovaObjectRegistry.register
class InstanceMapping(base.NovaTimestampObject, base.NovaObject):
    # Version 1.0: Initial version
    VERSION = '1.0'

    _from_db_object = staticmethod(_from_db)

    fields = {
        'id': fields.IntegerField(read_only=True),
        'instance_uuid': fields.UUIDField(),
        'cell_mapping': fields.ObjectField('CellMapping', nullable=True),
        'project_id': fields.StringField(),
        'user_id': fields.StringField(nullable=True),
        'queued_for_delete': fields.BooleanField(default=False),
    }

    @base.remotable_classmethod
    def get_by_instance_uuid(cls, context, instance_uuid):
        return _from_db(context, cls(),
                        api_db.instance_mapping_get(instance_uuid))

    @base.remotable
    def create(self):
        values = _db_values(self)
        cell_uuid = values.pop('cell_uuid', None)
        row = api_db.instance_mapping_create(values)
        if cell_uuid:
            row = api_db.instance_mapping_update(row.instance_uuid,
                                                 {'cell_uuid': cell_uuid})
        _from_db(self._context, self, row)

    @base.remotable
    def save(self):
        row = api_db.instance_mapping_update(self.instance_uuid,
                                             _db_values(self))
        _from_db(self._context, self, row)

    @base.remotable
    def destroy(self):
        api_db.instance_mapping_delete(self.instance_uuid)


@base.NovaObjectRegistry.register
class InstanceMappingList(base.ObjectListBase, base.NovaObject):
    # Version 1.0: Initial version
    VERSION = '1.0'
    fields = {'objects': fields.ListOfObjectsField('InstanceMapping')}

    @base.remotable_classmethod
    def get_by_instance_uuids(cls, context, uuids):
        return base.obj_make_list(
            context, cls(), InstanceMapping,
            api_db.instance_mapping_get_many(list(uuids)))

    @base.remotable_classmethod
    def get_by_cells(cls, context, cell_uuids, project_id=None):
        """Mappings of the instances in ``cell_uuids`` not queued for
        deletion, optionally of one project only."""
        return base.obj_make_list(
            context, cls(), InstanceMapping,
            api_db.instance_mapping_get_by_cells(list(cell_uuids),
                                                 project_id))

    @base.remotable_classmethod
    def create_all(cls, context, mappings):
        """Create the mappings of a multi-create request in one go."""
        return base.obj_make_list(
            context, cls(), InstanceMapping,
            api_db.instance_mapping_create_many(
                [_db_values(m) for m in mappings]))
