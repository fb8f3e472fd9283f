from oslo_versionedobjects import fields

from nova.db.api import api as api_db
from nova.objects import base
from nova.objects import cell_mapping


def _from_db(context, obj, row):
    obj.id = row.id
    obj.host = row.host
    obj.cell_mapping = cell_mapping.CellMapping.from_db(context,
                                                        row.cell_mapping)
    obj.created_at = row.created_at
    obj.updated_at = row.updated_at
    obj._context = context
    obj.obj_reset_changes()
    return obj


@base.NovaObjectRegistry.register
class HostMapping(base.NovaTimestampObject, base.NovaObject):
    # Version 1.0: Initial version
    VERSION = '1.0'

    _from_db_object = staticmethod(_from_db)

    fields = {
        'id': fields.IntegerField(read_only=True),
        'host': fields.StringField(),
        'cell_mapping': fields.ObjectField('CellMapping'),
    }

    @base.remotable_classmethod
    def get_by_host(cls, context, host):
        return _from_db(context, cls(), api_db.host_mapping_get_by_host(host))

    @base.remotable
    def create(self):
        row = api_db.host_mapping_create(self.host, self.cell_mapping.uuid)
        _from_db(self._context, self, row)

    @base.remotable
    def destroy(self):
        from nova.db.api import host_mappings
        host_mappings.host_mapping_destroy(self.host)


@base.NovaObjectRegistry.register
class HostMappingList(base.ObjectListBase, base.NovaObject):
    # Version 1.0: Initial version
    VERSION = '1.0'
    fields = {'objects': fields.ListOfObjectsField('HostMapping')}

    @base.remotable_classmethod
    def get_all(cls, context):
        return base.obj_make_list(context, cls(), HostMapping,
                                  api_db.host_mapping_get_all())
