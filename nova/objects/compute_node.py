from oslo_versionedobjects import fields

from nova.db.main import api as db
from nova.objects import base

_INT_FIELDS = ('service_id', 'hypervisor_version', 'vcpus', 'memory_mb',
               'local_gb', 'vcpus_used', 'memory_mb_used', 'local_gb_used',
               'free_ram_mb', 'free_disk_gb', 'disk_available_least',
               'running_vms', 'current_workload')
_COLUMNS = ('id', 'uuid', 'host', 'hypervisor_hostname', 'hypervisor_type',
            'host_ip', 'cpu_info', 'cpu_allocation_ratio',
            'ram_allocation_ratio', 'disk_allocation_ratio', 'created_at',
            'updated_at', 'deleted_at') + _INT_FIELDS


def _from_db(context, obj, row):
    for field in _COLUMNS:
        setattr(obj, field, getattr(row, field))
    obj.deleted = bool(row.deleted)
    obj.mapped = row.mapped or 0
    obj._context = context
    obj.obj_reset_changes()
    return obj


def _nullable_int():
    return fields.IntegerField(nullable=True)


@base.NovaObjectRegistry.register
class ComputeNode(base.NovaPersistentObject, base.NovaObject):
    # Version 1.0: Initial version
    VERSION = '1.0'

    _from_db_object = staticmethod(_from_db)

    fields = dict(
        {name: _nullable_int() for name in _INT_FIELDS},
        id=fields.IntegerField(read_only=True),
        uuid=fields.UUIDField(),
        host=fields.StringField(nullable=True),
        hypervisor_hostname=fields.StringField(nullable=True),
        hypervisor_type=fields.StringField(nullable=True),
        host_ip=fields.StringField(nullable=True),
        cpu_info=fields.StringField(nullable=True),
        cpu_allocation_ratio=fields.FloatField(nullable=True),
        ram_allocation_ratio=fields.FloatField(nullable=True),
        disk_allocation_ratio=fields.FloatField(nullable=True),
        mapped=fields.IntegerField(default=0),
    )

    @base.remotable_classmethod
    def get_by_id(cls, context, node_id):
        return _from_db(context, cls(), db.compute_node_get(context, node_id))

    @base.remotable_classmethod
    def get_by_uuid(cls, context, uuid):
        return _from_db(context, cls(),
                        db.compute_node_get_by_uuid(context, uuid))

    @base.remotable_classmethod
    def get_by_host_and_nodename(cls, context, host, nodename):
        return _from_db(context, cls(),
                        db.compute_node_get_by_host_and_nodename(
                            context, host, nodename))

    @base.remotable
    def create(self):
        _from_db(self._context, self,
                 db.compute_node_create(self._context,
                                        self.obj_get_changes()))

    @base.remotable
    def save(self):
        _from_db(self._context, self,
                 db.compute_node_update(self._context, self.id,
                                        self.obj_get_changes()))

    @base.remotable
    def destroy(self):
        db.compute_node_destroy(self._context, self.id)


@base.NovaObjectRegistry.register
class ComputeNodeList(base.ObjectListBase, base.NovaObject):
    # Version 1.0: Initial version
    # Version 1.1: Added get_changed_since()
    VERSION = '1.1'
    fields = {'objects': fields.ListOfObjectsField('ComputeNode')}

    @base.remotable_classmethod
    def get_all(cls, context):
        return base.obj_make_list(context, cls(), ComputeNode,
                                  db.compute_node_get_all(context))

    @base.remotable_classmethod
    def get_all_by_host(cls, context, host):
        return base.obj_make_list(
            context, cls(), ComputeNode,
            db.compute_node_get_all(context, host=host))

    @base.remotable_classmethod
    @base.datetime_args('since')
    def get_changed_since(cls, context, since):
        """Nodes created, updated or deleted since ``since`` (deleted
        ones have ``deleted`` set)."""
        return base.obj_make_list(
            context, cls(), ComputeNode,
            db.compute_node_get_changed_since(context, since))

    @base.remotable_classmethod
    def create_all(cls, context, nodes):
        """Create many nodes in one RPC and one transaction."""
        rows = db.compute_node_create_many(
            context, [node.obj_get_changes() for node in nodes])
        return base.obj_make_list(context, cls(), ComputeNode, rows)

    @base.remotable_classmethod
    def save_all(cls, context, nodes):
        """Write the changed fields of many nodes in one transaction: a
        host exposing thousands of nodes reports them in one RPC."""
        updates = {}
        for node in nodes:
            changes = node.obj_get_changes()
            changes.pop('id', None)
            if changes:
                updates[node.id] = changes
        if updates:
            db.compute_node_update_many(context, updates)
