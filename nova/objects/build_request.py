from oslo_serialization import jsonutils
from oslo_versionedobjects import fields

from nova.db.api import api as api_db
from nova.db.main import api as db
from nova.objects import base
from nova.objects import instance as instance_obj


def _from_db(context, obj, row):
    obj.id = row.id
    obj.instance_uuid = row.instance_uuid
    obj.project_id = row.project_id
    obj.created_at = row.created_at
    obj.updated_at = row.updated_at
    inst = instance_obj.Instance.obj_from_primitive(
        jsonutils.loads(row.instance))
    inst._context = context
    # The instance has no row yet: its timestamps are the request's.
    if not inst.obj_attr_is_set('created_at') or inst.created_at is None:
        inst.created_at = row.created_at
    obj.instance = inst
    obj._context = context
    obj.obj_reset_changes()
    return obj


@base.NovaObjectRegistry.register
class BuildRequest(base.NovaTimestampObject, base.NovaObject):
    """An instance the API accepted that is not yet in a cell database."""
    # Version 1.0: Initial version
    VERSION = '1.0'

    fields = {
        'id': fields.IntegerField(read_only=True),
        'instance_uuid': fields.UUIDField(),
        'project_id': fields.StringField(),
        'instance': fields.ObjectField('Instance'),
    }

    @base.remotable_classmethod
    def get_by_instance_uuid(cls, context, instance_uuid):
        return _from_db(context, cls(),
                        api_db.build_request_get(instance_uuid))

    def _instance_text(self):
        return jsonutils.dumps(self.instance.obj_to_primitive())

    @base.remotable
    def create(self):
        row = api_db.build_request_create({
            'instance_uuid': self.instance.uuid,
            'project_id': self.instance.project_id,
            'instance': self._instance_text()})
        _from_db(self._context, self, row)

    @base.remotable
    def save(self):
        api_db.build_request_update(self.instance_uuid,
                                    {'instance': self._instance_text()})
        self.obj_reset_changes()

    @base.remotable
    def destroy(self):
        """Delete it; False when it was gone already (the build finished
        or another delete won)."""
        return api_db.build_request_destroy(self.instance_uuid)


def _matches(instance, filters):
    for key, wanted in filters.items():
        if key == 'display_name':
            if not db.name_matcher(wanted)(instance.display_name):
                return False
        elif key in ('vm_state', 'task_state', 'uuid', 'project_id',
                     'user_id', 'host', 'node', 'reservation_id',
                     'image_ref', 'instance_type_id'):
            value = getattr(instance, key, None)
            allowed = wanted if isinstance(wanted, (list, tuple, set)) \
                else [wanted]
            if value not in allowed:
                return False
        elif key in ('tags', 'tags-any', 'not-tags', 'not-tags-any'):
            if not _tags_match(instance, key, wanted):
                return False
        elif key in ('changes-since', 'changes-before'):
            created = instance.created_at
            if created is None:
                continue
            created = created.replace(tzinfo=None)
            bound = wanted.replace(tzinfo=None)
            if key == 'changes-since' and created < bound:
                return False
            if key == 'changes-before' and created > bound:
                return False
    return True


def _tags_match(instance, key, wanted):
    """The list API's tag filters on a server not yet in a cell."""
    have = set(instance.tags.names()) if instance.obj_attr_is_set(
        'tags') and instance.tags else set()
    names = [t for t in str(wanted).split(',') if t]
    if key == 'tags':
        return all(t in have for t in names)
    if key == 'tags-any':
        return any(t in have for t in names)
    if key == 'not-tags':
        return not all(t in have for t in names)
    return not any(t in have for t in names)


@base.NovaObjectRegistry.register
class BuildRequestList(base.ObjectListBase, base.NovaObject):
    # Version 1.0: Initial version
    VERSION = '1.0'
    fields = {'objects': fields.ListOfObjectsField('BuildRequest')}

    @base.remotable_classmethod
    @base.datetime_args(filters=('changes-since', 'changes-before'))
    def get_by_filters(cls, context, filters, limit=None, marker=None,
                       sort_keys=None, sort_dirs=None):
        """Build requests matching the instance filters, sorted like
        instances; few exist at a time, so they are filtered here."""
        filters = dict(filters or {})
        if filters.get('deleted'):
            return cls(objects=[])
        project_id = filters.get('project_id')
        if isinstance(project_id, (list, tuple)):
            project_id = None
        rows = api_db.build_request_get_all(project_id)
        requests = [_from_db(context, BuildRequest(), row) for row in rows]
        requests = [r for r in requests if _matches(r.instance, filters)]
        sort_keys = list(sort_keys or ['created_at', 'id'])
        sort_dirs = list(sort_dirs or ['desc'] * len(sort_keys))
        for key, direction in reversed(list(zip(sort_keys, sort_dirs))):
            attr = key if key != 'id' else 'uuid'
            requests.sort(
                key=lambda r: _sortable(getattr(r.instance, attr, None)
                                        if r.instance.obj_attr_is_set(attr)
                                        else None),
                reverse=direction == 'desc')
        if marker is not None:
            uuids = [r.instance_uuid for r in requests]
            if marker not in uuids:
                from nova import exception
                raise exception.MarkerNotFound(marker=marker)
            requests = requests[uuids.index(marker) + 1:]
        if limit is not None:
            requests = requests[:limit]
        result = cls(objects=requests)
        result._context = context
        result.obj_reset_changes()
        return result

    @base.remotable_classmethod
    def create_for_instances(cls, context, instances, request_specs):
        """Record a boot request in one API database transaction: per
        instance a build request, a request spec and an instance mapping
        not yet pointing at a cell."""
        entries = []
        for instance, spec in zip(instances, request_specs):
            entries.append((
                {'instance_uuid': instance.uuid,
                 'project_id': instance.project_id,
                 'instance': jsonutils.dumps(instance.obj_to_primitive())},
                spec._spec_text(),
                {'instance_uuid': instance.uuid,
                 'project_id': instance.project_id,
                 'user_id': instance.user_id,
                 'cell_id': None}))
        api_db.build_requests_create_many(entries)
        return cls.get_by_filters(context,
                                  {'uuid': [i.uuid for i in instances]},
                                  sort_keys=['launch_index'],
                                  sort_dirs=['asc'])


def _sortable(value):
    if value is not None and hasattr(value, 'replace') and \
            hasattr(value, 'tzinfo'):
        value = value.replace(tzinfo=None)
    return (value is not None, value if value is not None else 0)
