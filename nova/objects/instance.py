import copy

from oslo_db import exception as db_exc
from oslo_log import log as logging
from oslo_serialization import jsonutils
from oslo_utils import versionutils
from oslo_versionedobjects import fields

import nova.conf
from nova.db.main import api as db
from nova.db.main import migrations as migrations_db
from nova import exception
from nova.objects import base
from nova.objects import flavor as flavor_obj
from nova.objects import instance_fault
from nova.objects import tag as tag_obj

CONF = nova.conf.CONF
LOG = logging.getLogger(__name__)

# What reading a cell database raises when the database cannot be reached.
CELL_DOWN_ERRORS = (db_exc.DBConnectionError, db_exc.DBNonExistentDatabase)

# Columns copied as they are between the row and the object.
_COLUMNS = (
    'id', 'uuid', 'user_id', 'project_id', 'image_ref', 'kernel_id',
    'ramdisk_id', 'hostname', 'display_name', 'display_description', 'host',
    'node', 'launched_on', 'instance_type_id', 'memory_mb', 'vcpus',
    'root_gb', 'ephemeral_gb', 'vm_state', 'task_state', 'power_state',
    'launched_at', 'terminated_at', 'availability_zone', 'key_name',
    'key_data', 'user_data', 'reservation_id', 'launch_index', 'locked_by',
    'config_drive', 'access_ip_v4', 'access_ip_v6', 'progress',
    'root_device_name', 'created_at', 'updated_at', 'deleted_at')

# Attributes loaded only when asked for (they cost a query).
OPTIONAL_ATTRS = ('fault',)

# Sort keys the list API accepts, mapped to columns.
SORT_KEYS = frozenset((
    'access_ip_v4', 'access_ip_v6', 'availability_zone', 'config_drive',
    'created_at', 'display_description', 'display_name', 'host', 'hostname',
    'image_ref', 'instance_type_id', 'kernel_id', 'key_name', 'launch_index',
    'launched_at', 'locked', 'locked_by', 'node', 'power_state', 'progress',
    'project_id', 'ramdisk_id', 'root_device_name', 'task_state',
    'terminated_at', 'updated_at', 'user_id', 'uuid', 'vm_state'))


def _flavor_to_db(flavor):
    return jsonutils.dumps(flavor.obj_to_primitive())


def _flavor_from_db(text):
    if not text:
        return None
    return flavor_obj.Flavor.obj_from_primitive(jsonutils.loads(text))


def _from_db(context, inst, row, expected_attrs=(), fault_row=None,
             flavors=None):
    """Fill ``inst`` from ``row``. ``flavors`` caches parsed flavors by
    their stored text while a list is built: most instances of a page
    share a handful of flavors, and parsing is a large part of the cost."""
    base.fill_from_row(inst, row, _COLUMNS)
    inst.locked = bool(row.locked)
    inst.deleted = bool(row.deleted)
    inst.cleaned = bool(row.cleaned)
    inst.auto_disk_config = bool(row.auto_disk_config)
    inst.metadata = {m.key: m.value for m in row.metadata_items}
    inst.system_metadata = {m.key: m.value
                            for m in row.system_metadata_items}
    flavor_text = row.extra.flavor if row.extra else None
    if flavors is None:
        inst.flavor = _flavor_from_db(flavor_text)
    else:
        if flavor_text not in flavors:
            flavors[flavor_text] = _flavor_from_db(flavor_text)
        inst.flavor = flavors[flavor_text]
    extra = row.extra
    inst.old_flavor = _flavor_from_db(getattr(extra, 'old_flavor', None))
    inst.new_flavor = _flavor_from_db(getattr(extra, 'new_flavor', None))
    inst.network_info = getattr(extra, 'network_info', None)
    # Tags come with the row (a select-in load); not on a fresh insert.
    tag_rows = row.__dict__.get('tags')
    if tag_rows is not None:
        inst.tags = tag_obj.TagList(objects=[
            tag_obj.Tag(resource_id=t.resource_id, tag=t.tag)
            for t in sorted(tag_rows, key=lambda t: t.tag)])
    if 'fault' in expected_attrs:
        inst.fault = (instance_fault.InstanceFault.from_db(context, fault_row)
                      if fault_row is not None else None)
    inst._context = context
    inst.obj_reset_changes()
    return inst


@base.NovaObjectRegistry.register
class Instance(base.NovaPersistentObject, base.NovaObject):
    # Version 1.0: Initial version
    # Version 1.1: network_info (the network information cache)
    # Version 1.2: auto_disk_config (OS-DCF:diskConfig)
    VERSION = '1.2'

    fields = {
        'id': fields.IntegerField(),
        'uuid': fields.UUIDField(),
        'user_id': fields.StringField(nullable=True),
        'project_id': fields.StringField(nullable=True),
        'image_ref': fields.StringField(nullable=True),
        'kernel_id': fields.StringField(nullable=True),
        'ramdisk_id': fields.StringField(nullable=True),
        'hostname': fields.StringField(nullable=True),
        'display_name': fields.StringField(nullable=True),
        'display_description': fields.StringField(nullable=True),
        'host': fields.StringField(nullable=True),
        'node': fields.StringField(nullable=True),
        'launched_on': fields.StringField(nullable=True),
        'instance_type_id': fields.IntegerField(nullable=True),
        'memory_mb': fields.IntegerField(nullable=True),
        'vcpus': fields.IntegerField(nullable=True),
        'root_gb': fields.IntegerField(nullable=True),
        'ephemeral_gb': fields.IntegerField(nullable=True),
        'vm_state': fields.StringField(nullable=True),
        'task_state': fields.StringField(nullable=True),
        'power_state': fields.IntegerField(nullable=True),
        'launched_at': fields.DateTimeField(nullable=True),
        'terminated_at': fields.DateTimeField(nullable=True),
        'availability_zone': fields.StringField(nullable=True),
        'key_name': fields.StringField(nullable=True),
        'key_data': fields.StringField(nullable=True),
        'user_data': fields.StringField(nullable=True),
        'reservation_id': fields.StringField(nullable=True),
        'launch_index': fields.IntegerField(nullable=True),
        'locked': fields.BooleanField(default=False),
        'locked_by': fields.StringField(nullable=True),
        'config_drive': fields.StringField(nullable=True),
        'access_ip_v4': fields.IPV4AddressField(nullable=True),
        'access_ip_v6': fields.IPV6AddressField(nullable=True),
        'progress': fields.IntegerField(nullable=True),
        'root_device_name': fields.StringField(nullable=True),
        'cleaned': fields.BooleanField(default=False),
        # OS-DCF:diskConfig: AUTO (True) or MANUAL (False).
        'auto_disk_config': fields.BooleanField(default=False),
        'metadata': fields.DictOfStringsField(default={}),
        'system_metadata': fields.DictOfNullableStringsField(default={}),
        'flavor': fields.ObjectField('Flavor', nullable=True),
        # The flavors of a resize in flight (None otherwise).
        'old_flavor': fields.ObjectField('Flavor', nullable=True),
        'new_flavor': fields.ObjectField('Flavor', nullable=True),
        'fault': fields.ObjectField('InstanceFault', nullable=True),
        'tags': fields.ObjectField('TagList'),
        # The network information cache (JSON text, nova.network.model).
        'network_info': fields.StringField(nullable=True),
    }

    def obj_make_compatible(self, primitive, target_version):
        super().obj_make_compatible(primitive, target_version)
        target = versionutils.convert_version_to_tuple(target_version)
        if target < (1, 2):
            primitive.pop('auto_disk_config', None)
        if target < (1, 1):
            primitive.pop('network_info', None)

    def obj_reset_changes(self, fields=None, recursive=False):
        super().obj_reset_changes(fields, recursive)
        # Remember the dicts as loaded: in-place edits of them must count
        # as changes when the object crosses RPC to be saved.
        self._orig_metadata = copy.copy(self.metadata) if \
            self.obj_attr_is_set('metadata') else None
        self._orig_system_metadata = copy.copy(self.system_metadata) if \
            self.obj_attr_is_set('system_metadata') else None

    def _loaded_from_primitive(self):
        # The sender's unchanged dicts are this copy's originals; the ones
        # it had changed stay changed.
        for field in ('metadata', 'system_metadata'):
            if field in self._changed_fields or \
                    not self.obj_attr_is_set(field):
                setattr(self, '_orig_' + field, None)
            else:
                setattr(self, '_orig_' + field,
                        copy.copy(getattr(self, field)))

    def obj_what_changed(self):
        changes = set(super().obj_what_changed())
        for field in ('metadata', 'system_metadata'):
            if (self.obj_attr_is_set(field) and
                    getattr(self, field) != getattr(self, '_orig_' + field,
                                                    None)):
                changes.add(field)
        return changes

    def obj_load_attr(self, attrname):
        if attrname == 'fault':
            self.fault = instance_fault.InstanceFault.get_latest_for_instance(
                self._context, self.uuid)
            self.obj_reset_changes(['fault'])
            return
        if attrname == 'tags':
            self.tags = (tag_obj.TagList.get_by_resource_id(
                self._context, self.uuid) if self.obj_attr_is_set('id')
                else tag_obj.TagList(objects=[]))
            self.obj_reset_changes(['tags'])
            return
        raise exception.ObjectActionError(
            action='obj_load_attr',
            reason='attribute %s not lazy-loadable' % attrname)

    @property
    def name(self):
        """The hypervisor-side name; empty while the instance is still a
        build request without a database id."""
        if not self.obj_attr_is_set('id'):
            return ''
        template = CONF.instance_name_template
        try:
            return template % self.id
        except (TypeError, ValueError):
            return template % {'id': self.id, 'uuid': self.uuid}

    @classmethod
    def from_db(cls, context, row, expected_attrs=(), fault_row=None):
        return _from_db(context, cls(), row, expected_attrs, fault_row)

    @base.remotable_classmethod
    def get_by_uuid(cls, context, uuid, expected_attrs=None):
        expected_attrs = expected_attrs or []
        try:
            row = db.instance_get_by_uuid(context, uuid)
            fault = None
            if 'fault' in expected_attrs:
                fault = db.instance_fault_get_latest(context,
                                                     [uuid]).get(uuid)
        except CELL_DOWN_ERRORS as exc:
            LOG.warning('Cell %s cannot be read: %s', context.cell_uuid, exc)
            raise exception.CellUnavailable(cell_uuid=context.cell_uuid)
        return _from_db(context, cls(), row, expected_attrs, fault)

    def _split_changes(self):
        values = self.obj_get_changes()
        for field in ('id', 'fault', 'deleted', 'deleted_at', 'cleaned',
                      'tags'):
            values.pop(field, None)
        for field in ('access_ip_v4', 'access_ip_v6'):
            # The fields hold netaddr addresses; the columns hold text.
            if values.get(field) is not None:
                values[field] = str(values[field])
        extras = {
            'metadata': values.pop('metadata', None),
            'system_metadata': values.pop('system_metadata', None),
            'flavor': None,
            'network_info': values.pop('network_info', None),
        }
        if 'flavor' in values:
            flavor = values.pop('flavor')
            extras['flavor'] = _flavor_to_db(flavor) if flavor else None
        move_flavors = {}
        for field in ('old_flavor', 'new_flavor'):
            if field in values:
                flavor = values.pop(field)
                move_flavors[field] = _flavor_to_db(flavor) if flavor \
                    else None
        extras['move_flavors'] = move_flavors
        return values, extras

    @base.remotable
    def create(self):
        if self.obj_attr_is_set('id'):
            raise exception.ObjectActionError(action='create',
                                              reason='already created')
        tags = self.tags.names() if self.obj_attr_is_set('tags') else []
        values, extras = self._split_changes()
        row = db.instance_create(self._context, values,
                                 metadata=extras['metadata'],
                                 system_metadata=extras['system_metadata'],
                                 flavor=extras['flavor'],
                                 network_info=extras['network_info'])
        if extras['move_flavors']:
            migrations_db.instance_extra_set_move_flavors(
                self._context, self.uuid, extras['move_flavors'])
            row = db.instance_get_by_uuid(self._context, self.uuid)
        if tags:
            tag_obj.create_for_new_instance(self._context, row.uuid, tags)
        _from_db(self._context, self, row)
        self.tags = tag_obj.TagList.from_names(self._context, row.uuid, tags)
        self.obj_reset_changes(['tags'])

    @base.remotable
    def save(self, expected_vm_state=None, expected_task_state=None):
        values, extras = self._split_changes()
        expected = {}
        for column, allowed in (('vm_state', expected_vm_state),
                                ('task_state', expected_task_state)):
            if allowed is not None:
                expected[column] = (allowed if isinstance(allowed,
                                                          (list, tuple))
                                    else [allowed])
        had_fault = self.obj_attr_is_set('fault')
        fault = self.fault if had_fault else None
        row = db.instance_update(self._context, self.uuid, values, expected,
                                 metadata=extras['metadata'],
                                 system_metadata=extras['system_metadata'],
                                 flavor=extras['flavor'],
                                 network_info=extras['network_info'])
        if extras['move_flavors']:
            migrations_db.instance_extra_set_move_flavors(
                self._context, self.uuid, extras['move_flavors'])
            row = db.instance_get_by_uuid(self._context, self.uuid)
        _from_db(self._context, self, row)
        if had_fault:
            self.fault = fault
            self.obj_reset_changes(['fault'])

    @base.remotable
    def destroy(self):
        row = db.instance_destroy(self._context, self.uuid)
        _from_db(self._context, self, row)


def _make_list(cls, context, rows, expected_attrs, faults):
    # Instances of one list share the flavor objects they were built
    # with (read-only use: an update goes through a single instance).
    flavors = {}
    result = cls(objects=[
        _from_db(context, Instance(), row, expected_attrs,
                 faults.get(row.uuid), flavors) for row in rows])
    result._context = context
    result.obj_reset_changes()
    return result


@base.NovaObjectRegistry.register
class InstanceList(base.ObjectListBase, base.NovaObject):
    # Version 1.0: Initial version
    # Version 1.1: down_cells
    VERSION = '1.1'
    fields = {
        'objects': fields.ListOfObjectsField('Instance'),
        # Cells a listing across cells could not read (database down):
        # their instances are missing from ``objects``.
        'down_cells': fields.ListOfStringsField(default=[]),
    }

    @base.remotable_classmethod
    def get_by_host(cls, context, host, expected_attrs=None):
        rows = db.instance_get_all_by_host(context, host)
        return _make_list(cls, context, rows, expected_attrs or [], {})

    @base.remotable_classmethod
    @base.datetime_args(filters=('changes-since', 'changes-before'))
    def get_by_filters(cls, context, filters, sort_keys=None,
                       sort_dirs=None, limit=None, marker=None,
                       expected_attrs=None):
        """Instances of the cell the context targets."""
        return cls._get_in_cells(context, [context.cell_uuid], filters,
                                 sort_keys, sort_dirs, limit, marker,
                                 expected_attrs)

    @base.remotable_classmethod
    @base.datetime_args(filters=('changes-since', 'changes-before'))
    def get_across_cells(cls, context, cell_uuids, filters, sort_keys=None,
                         sort_dirs=None, limit=None, marker=None,
                         expected_attrs=None):
        """Instances of several cells merged in one sorted page.

        Runs in the conductor, so a list request costs the API one RPC
        however many cells there are.
        """
        return cls._get_in_cells(context, cell_uuids, filters, sort_keys,
                                 sort_dirs, limit, marker, expected_attrs)

    @classmethod
    def _get_in_cells(cls, context, cell_uuids, filters, sort_keys,
                      sort_dirs, limit, marker, expected_attrs):
        expected_attrs = expected_attrs or []
        sort_keys = list(sort_keys or ['created_at', 'id'])
        sort_dirs = list(sort_dirs or ['desc'] * len(sort_keys))
        # uuid last makes the order total, also across cells.
        if 'uuid' not in sort_keys:
            sort_keys.append('uuid')
            sort_dirs.append(sort_dirs[-1] if sort_dirs else 'desc')
        contexts = [context.targeted(cell) for cell in cell_uuids]
        # Only a listing across cells goes on without a cell it cannot
        # read; reading one cell fails as the database failed.
        down = set()
        tolerate = CELL_DOWN_ERRORS if len(contexts) > 1 else ()
        marker_values = None
        if marker is not None:
            for ctx in contexts:
                try:
                    marker_values = db.instance_get_marker_values(
                        ctx, marker, sort_keys)
                except tolerate:
                    down.add(ctx.cell_uuid)
                    continue
                if marker_values is not None:
                    break
            else:
                raise exception.MarkerNotFound(marker=marker)
        per_cell = []
        faults = {}
        for ctx in contexts:
            if ctx.cell_uuid in down:
                continue
            try:
                rows = db.instance_get_all_by_filters(
                    ctx, filters, sort_keys, sort_dirs, limit=limit,
                    marker_values=marker_values)
                if 'fault' in expected_attrs and rows:
                    faults.update(db.instance_fault_get_latest(
                        ctx, [r.uuid for r in rows
                              if r.vm_state == 'error']))
            except tolerate as exc:
                LOG.warning('Cell %s cannot be read, listing without it: '
                            '%s', ctx.cell_uuid, exc)
                down.add(ctx.cell_uuid)
                continue
            per_cell.append(rows)
        rows = (per_cell[0] if len(per_cell) == 1 else
                db.merge_sorted(per_cell, sort_keys, sort_dirs, limit))
        result = _make_list(cls, context, rows, expected_attrs, faults)
        result.down_cells = sorted(down)
        result.obj_reset_changes()
        return result
