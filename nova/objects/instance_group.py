"""Server groups (instance groups): a policy the scheduler applies to the
servers that are members of the group.

They live in the API database. Since microversion 2.64 a group has one
policy and optional rules (only ``max_server_per_host``, for
anti-affinity); older requests see the policy as a one-item list.
Members whose server is being deleted are left out when a group is
loaded, so neither the API nor the scheduler counts them.
"""

import uuid as uuidlib

from oslo_serialization import jsonutils
from oslo_utils import uuidutils
from oslo_versionedobjects import fields

from nova.db.api import api as api_db
from nova.db.main import api as main_db
from nova.objects import base

AFFINITY = 'affinity'
ANTI_AFFINITY = 'anti-affinity'
SOFT_AFFINITY = 'soft-affinity'
SOFT_ANTI_AFFINITY = 'soft-anti-affinity'
POLICIES = (AFFINITY, ANTI_AFFINITY, SOFT_AFFINITY, SOFT_ANTI_AFFINITY)

_COLUMNS = ('id', 'uuid', 'name', 'user_id', 'project_id', 'created_at',
            'updated_at')


def _from_db(context, obj, row, gone=frozenset()):
    base.fill_from_row(obj, row, _COLUMNS)
    obj.deleted = False
    policy = row.policies[0] if row.policies else None
    obj.policy = policy.policy if policy else None
    rules = jsonutils.loads(policy.rules) if policy and policy.rules else {}
    obj.rules = {k: str(v) for k, v in rules.items()}
    obj.members = [m.instance_uuid for m in row.members
                   if m.instance_uuid not in gone]
    obj.hosts = []
    obj._context = context
    obj.obj_reset_changes()
    return obj


def _load(context, obj, row):
    gone = api_db.instance_mappings_queued_for_delete(
        [m.instance_uuid for m in row.members])
    return _from_db(context, obj, row, gone)


@base.NovaObjectRegistry.register
class InstanceGroup(base.NovaTimestampObject, base.NovaObject):
    # Version 1.0: Initial version
    VERSION = '1.0'

    _from_db_object = staticmethod(_from_db)

    fields = {
        'id': fields.IntegerField(read_only=True),
        'uuid': fields.UUIDField(),
        'name': fields.StringField(nullable=True),
        'user_id': fields.StringField(nullable=True),
        'project_id': fields.StringField(nullable=True),
        'policy': fields.StringField(nullable=True),
        'rules': fields.DictOfStringsField(default={}),
        'members': fields.ListOfStringsField(nullable=True, default=[]),
        'hosts': fields.ListOfStringsField(nullable=True, default=[]),
        'deleted': fields.BooleanField(default=False),
    }

    obj_extra_fields = ['policies']

    @property
    def policies(self):
        """The policy as the list that requests before 2.64 see."""
        if not self.obj_attr_is_set('policy') or not self.policy:
            return []
        return [self.policy]

    @base.remotable_classmethod
    def get_by_uuid(cls, context, uuid):
        return _load(context, cls(), api_db.instance_group_get_by_uuid(uuid))

    @base.remotable_classmethod
    def get_by_name(cls, context, name):
        """The group called ``name`` in the context's project."""
        return _load(context, cls(), api_db.instance_group_get_by_name(
            name, context.project_id))

    @base.remotable_classmethod
    def get_by_instance_uuid(cls, context, instance_uuid):
        return _load(context, cls(),
                     api_db.instance_group_get_by_instance(instance_uuid))

    @classmethod
    def get_by_hint(cls, context, hint):
        """The group a ``group`` scheduler hint names: uuid, else name."""
        if uuidutils.is_uuid_like(hint):
            return cls.get_by_uuid(context, hint)
        return cls.get_by_name(context, hint)

    @base.remotable_classmethod
    def add_members(cls, context, group_uuid, instance_uuids):
        """Add servers to a group; returns the uuids that were new."""
        return api_db.instance_group_members_add(group_uuid,
                                                 list(instance_uuids))

    @base.remotable
    def create(self):
        values = self.obj_get_changes()
        policy = values.pop('policy', None)
        rules = values.pop('rules', None)
        members = values.pop('members', None)
        for key in ('id', 'hosts', 'deleted', 'policies'):
            values.pop(key, None)
        values.setdefault('uuid', str(uuidlib.uuid4()))
        row = api_db.instance_group_create(
            values, policy=policy,
            rules=jsonutils.dumps(rules) if rules else None,
            members=members)
        _from_db(self._context, self, row)

    @base.remotable
    def save(self):
        """Store a new name, owner or member list."""
        changes = self.obj_get_changes()
        values = {k: changes[k] for k in ('name', 'user_id', 'project_id')
                  if k in changes}
        members = changes.get('members')
        if not values and members is None:
            return
        _load(self._context, self, api_db.instance_group_update(
            self.uuid, values, members=members))

    @base.remotable
    def destroy(self):
        api_db.instance_group_destroy(self.uuid)

    @base.remotable
    def get_hosts(self, exclude=None):
        """The hosts the group's servers run on (servers in ``exclude``
        left out); also stored in ``hosts``."""
        wanted = [m for m in (self.members or [])
                  if m not in set(exclude or ())]
        by_cell = {}
        for mapping in api_db.instance_mapping_get_many(wanted):
            if mapping.cell_mapping is not None:
                by_cell.setdefault(mapping.cell_mapping.uuid, []).append(
                    mapping.instance_uuid)
        hosts = []
        for cell_uuid, uuids in by_cell.items():
            cctxt = self._context.targeted(cell_uuid)
            for row in main_db.instance_get_all_by_filters(
                    cctxt, {'uuid': uuids}, ['created_at'], ['asc']):
                if row.host and row.host not in hosts:
                    hosts.append(row.host)
        self.hosts = hosts
        self.obj_reset_changes(['hosts'])
        return hosts


@base.NovaObjectRegistry.register
class InstanceGroupList(base.ObjectListBase, base.NovaObject):
    # Version 1.0: Initial version
    VERSION = '1.0'
    fields = {'objects': fields.ListOfObjectsField('InstanceGroup')}

    @classmethod
    def _make(cls, context, rows):
        gone = api_db.instance_mappings_queued_for_delete(
            [m.instance_uuid for row in rows for m in row.members])
        groups = cls()
        groups.objects = [_from_db(context, InstanceGroup(context), row,
                                   gone) for row in rows]
        groups._context = context
        groups.obj_reset_changes()
        return groups

    @base.remotable_classmethod
    def get_by_project_id(cls, context, project_id):
        return cls._make(context, api_db.instance_group_get_all(project_id))

    @base.remotable_classmethod
    def get_all(cls, context):
        return cls._make(context, api_db.instance_group_get_all())
