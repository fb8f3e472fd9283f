"""Migration records: one per move of an instance (resize, cold migration,
live migration, evacuation), shown by os-migrations and
/servers/{id}/migrations. The record's uuid is also the placement
consumer that holds the source host's resources during the move."""

from oslo_utils import uuidutils
from oslo_versionedobjects import fields

from nova.db.main import migrations as db
from nova import exception
from nova.objects import base

MIGRATION_TYPES = ('migration', 'resize', 'live-migration', 'evacuation')

_COLUMNS = (
    'id', 'uuid', 'source_compute', 'dest_compute', 'source_node',
    'dest_node', 'dest_host', 'old_instance_type_id', 'new_instance_type_id',
    'instance_uuid', 'status', 'migration_type', 'memory_total',
    'memory_processed', 'memory_remaining', 'disk_total', 'disk_processed',
    'disk_remaining', 'user_id', 'project_id', 'created_at', 'updated_at',
    'deleted_at')


def _from_db(context, obj, row):
    base.fill_from_row(obj, row, _COLUMNS)
    obj.hidden = bool(row.hidden)
    obj.cross_cell_move = bool(row.cross_cell_move)
    obj.deleted = bool(row.deleted)
    obj._context = context
    obj.obj_reset_changes()
    return obj


@base.NovaObjectRegistry.register
class Migration(base.NovaPersistentObject, base.NovaObject):
    # Version 1.0: Initial version
    VERSION = '1.0'

    fields = {
        'id': fields.IntegerField(),
        'uuid': fields.UUIDField(),
        'source_compute': fields.StringField(nullable=True),
        'dest_compute': fields.StringField(nullable=True),
        'source_node': fields.StringField(nullable=True),
        'dest_node': fields.StringField(nullable=True),
        'dest_host': fields.StringField(nullable=True),
        'old_instance_type_id': fields.IntegerField(nullable=True),
        'new_instance_type_id': fields.IntegerField(nullable=True),
        'instance_uuid': fields.StringField(nullable=True),
        'status': fields.StringField(nullable=True),
        'migration_type': fields.StringField(nullable=True),
        'hidden': fields.BooleanField(default=False),
        'memory_total': fields.IntegerField(nullable=True),
        'memory_processed': fields.IntegerField(nullable=True),
        'memory_remaining': fields.IntegerField(nullable=True),
        'disk_total': fields.IntegerField(nullable=True),
        'disk_processed': fields.IntegerField(nullable=True),
        'disk_remaining': fields.IntegerField(nullable=True),
        'cross_cell_move': fields.BooleanField(default=False),
        'user_id': fields.StringField(nullable=True),
        'project_id': fields.StringField(nullable=True),
    }

    @classmethod
    def from_db(cls, context, row):
        return _from_db(context, cls(), row)

    @property
    def is_resize(self):
        return self.migration_type == 'resize'

    @property
    def is_live_migration(self):
        return self.migration_type == 'live-migration'

    @property
    def is_same_host(self):
        return self.source_compute == self.dest_compute

    @base.remotable_classmethod
    def get_by_id(cls, context, migration_id):
        return _from_db(context, cls(), db.migration_get(context,
                                                         migration_id))

    @base.remotable_classmethod
    def get_by_uuid(cls, context, uuid):
        return _from_db(context, cls(), db.migration_get_by_uuid(context,
                                                                 uuid))

    @base.remotable_classmethod
    def get_by_id_and_instance(cls, context, migration_id, instance_uuid):
        return _from_db(context, cls(), db.migration_get_by_id_and_instance(
            context, migration_id, instance_uuid))

    @base.remotable_classmethod
    def get_by_instance_and_status(cls, context, instance_uuid, status):
        return _from_db(context, cls(),
                        db.migration_get_by_instance_and_status(
                            context, instance_uuid, status))

    def _values(self):
        values = self.obj_get_changes()
        for field in ('id', 'deleted', 'deleted_at', 'created_at',
                      'updated_at'):
            values.pop(field, None)
        return values

    @base.remotable
    def create(self):
        if self.obj_attr_is_set('id'):
            raise exception.ObjectActionError(action='create',
                                              reason='already created')
        if not self.obj_attr_is_set('uuid'):
            self.uuid = uuidutils.generate_uuid()
        if not self.obj_attr_is_set('migration_type'):
            self.migration_type = 'migration'
        if self.migration_type not in MIGRATION_TYPES:
            raise exception.ObjectActionError(
                action='create',
                reason='unknown migration_type %s' % self.migration_type)
        for field, attr in (('user_id', 'user_id'),
                            ('project_id', 'project_id')):
            if not self.obj_attr_is_set(field) and self._context:
                setattr(self, field, getattr(self._context, attr, None))
        values = self._values()
        values.setdefault('hidden', False)
        values.setdefault('cross_cell_move', False)
        _from_db(self._context, self, db.migration_create(self._context,
                                                          values))

    @base.remotable
    def save(self):
        values = self._values()
        values.pop('uuid', None)
        if not values:
            return
        _from_db(self._context, self,
                 db.migration_update(self._context, self.id, values))


def _make_list(cls, context, rows):
    result = cls(objects=[_from_db(context, Migration(), row)
                          for row in rows])
    result._context = context
    result.obj_reset_changes()
    return result


@base.NovaObjectRegistry.register
class MigrationList(base.ObjectListBase, base.NovaObject):
    # Version 1.0: Initial version
    VERSION = '1.0'
    fields = {'objects': fields.ListOfObjectsField('Migration')}

    @base.remotable_classmethod
    @base.datetime_args(filters=('changes-since', 'changes-before'))
    def get_by_filters(cls, context, filters, sort_keys=None, sort_dirs=None,
                       limit=None, marker=None):
        """Newest first; ``marker`` is a migration uuid. Sort arguments
        are accepted for the upstream signature; the order is fixed."""
        return _make_list(cls, context, db.migration_get_all_by_filters(
            context, filters, limit=limit, marker=marker))

    @base.remotable_classmethod
    def get_in_progress_by_instance(cls, context, instance_uuid,
                                    migration_type=None):
        return _make_list(cls, context,
                          db.migration_get_in_progress_by_instance(
                              context, instance_uuid, migration_type))

    @base.remotable_classmethod
    def get_in_progress_by_host_and_node(cls, context, host, node):
        return _make_list(cls, context,
                          db.migration_get_in_progress_by_host_and_node(
                              context, host, node))

    @base.remotable_classmethod
    def get_in_progress_by_host(cls, context, host):
        return _make_list(cls, context,
                          db.migration_get_in_progress_by_host(context, host))

    @base.remotable_classmethod
    def get_unconfirmed_by_dest_compute(cls, context, confirm_window,
                                        dest_compute):
        return _make_list(cls, context,
                          db.migration_get_unconfirmed_by_dest_compute(
                              context, confirm_window, dest_compute))
