"""Host aggregates: named sets of compute hosts with key/value metadata.

They live in the API database. The availability zone of an aggregate is
not a column: it is the metadata item ``availability_zone``, as in the
upstream data model, and the property of that name reads and writes it.
"""

import uuid as uuidlib

from oslo_versionedobjects import fields

from nova.db.api import api as api_db
from nova.objects import base

AZ_KEY = 'availability_zone'

_COLUMNS = ('id', 'uuid', 'name', 'created_at', 'updated_at', 'deleted_at')


def _from_db(context, obj, row):
    base.fill_from_row(obj, row, _COLUMNS)
    obj.deleted = bool(row.deleted)
    obj.hosts = [h.host for h in row.hosts]
    obj.metadata = {m.key: m.value for m in row.metadata_items}
    obj._context = context
    obj.obj_reset_changes()
    return obj


@base.NovaObjectRegistry.register
class Aggregate(base.NovaPersistentObject, base.NovaObject):
    # Version 1.0: Initial version
    VERSION = '1.0'

    _from_db_object = staticmethod(_from_db)

    fields = {
        'id': fields.IntegerField(read_only=True),
        'uuid': fields.UUIDField(),
        'name': fields.StringField(),
        'hosts': fields.ListOfStringsField(nullable=True, default=[]),
        'metadata': fields.DictOfStringsField(nullable=True, default={}),
    }

    obj_extra_fields = ['availability_zone']

    @property
    def availability_zone(self):
        if not self.obj_attr_is_set('metadata'):
            return None
        return (self.metadata or {}).get(AZ_KEY)

    @availability_zone.setter
    def availability_zone(self, zone):
        metadata = dict(self.metadata or {}) if self.obj_attr_is_set(
            'metadata') else {}
        if zone is None:
            metadata.pop(AZ_KEY, None)
        else:
            metadata[AZ_KEY] = zone
        self.metadata = metadata

    @base.remotable_classmethod
    def get_by_id(cls, context, aggregate_id):
        return _from_db(context, cls(), api_db.aggregate_get(aggregate_id))

    @base.remotable_classmethod
    def get_by_uuid(cls, context, aggregate_uuid):
        return _from_db(context, cls(),
                        api_db.aggregate_get_by_uuid(aggregate_uuid))

    @base.remotable
    def create(self):
        values = self.obj_get_changes()
        metadata = values.pop('metadata', None) or {}
        values.pop('hosts', None)
        values.pop('id', None)
        values.setdefault('uuid', str(uuidlib.uuid4()))
        _from_db(self._context, self,
                 api_db.aggregate_create(values, metadata))

    @base.remotable
    def save(self):
        """Store a new name and/or metadata (the availability zone)."""
        changes = self.obj_get_changes()
        row = None
        values = {k: changes[k] for k in ('name',) if k in changes}
        if values:
            row = api_db.aggregate_update(self.id, values)
        if 'metadata' in changes:
            wanted = changes['metadata'] or {}
            current = {m.key: m.value for m in
                       api_db.aggregate_get(self.id).metadata_items}
            updates = {k: None for k in current if k not in wanted}
            updates.update(wanted)
            row = api_db.aggregate_metadata_update(self.id, updates)
        if row is not None:
            _from_db(self._context, self, row)

    @base.remotable
    def destroy(self):
        api_db.aggregate_destroy(self.id)

    @base.remotable
    def add_host(self, host):
        _from_db(self._context, self, api_db.aggregate_host_add(self.id,
                                                                host))

    @base.remotable
    def delete_host(self, host):
        _from_db(self._context, self, api_db.aggregate_host_delete(self.id,
                                                                   host))

    @base.remotable
    def update_metadata(self, updates):
        """Merge ``updates`` into the metadata; a None value deletes."""
        _from_db(self._context, self,
                 api_db.aggregate_metadata_update(self.id, dict(updates)))


@base.NovaObjectRegistry.register
class AggregateList(base.ObjectListBase, base.NovaObject):
    # Version 1.0: Initial version
    VERSION = '1.0'
    fields = {'objects': fields.ListOfObjectsField('Aggregate')}

    @classmethod
    def _make(cls, context, rows):
        return base.obj_make_list(context, cls(), Aggregate, rows)

    @base.remotable_classmethod
    def get_all(cls, context):
        return cls._make(context, api_db.aggregate_get_all())

    @base.remotable_classmethod
    def get_by_host(cls, context, host, key=None):
        return cls._make(context, api_db.aggregate_get_by_host(host, key))

    @base.remotable_classmethod
    def get_by_metadata_key(cls, context, key, hosts=None):
        return cls._make(context, api_db.aggregate_get_by_metadata(
            key=key, hosts=hosts))

    @base.remotable_classmethod
    def get_by_metadata(cls, context, key=None, value=None):
        return cls._make(context, api_db.aggregate_get_by_metadata(
            key=key, value=value))
