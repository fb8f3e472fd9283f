from oslo_serialization import jsonutils
from oslo_versionedobjects import fields

from nova.db.api import api as api_db
from nova.objects import base


@base.NovaObjectRegistry.register
class RequestSpec(base.NovaObject):
    """What the scheduler needs to place one boot request."""
    # Version 1.0: Initial version
    # Version 1.1: Added instance_group
    VERSION = '1.1'

    fields = {
        'id': fields.IntegerField(),
        'instance_uuid': fields.UUIDField(),
        'project_id': fields.StringField(nullable=True),
        'user_id': fields.StringField(nullable=True),
        'flavor': fields.ObjectField('Flavor', nullable=False),
        'image': fields.ObjectField('ImageMeta', nullable=True),
        'num_instances': fields.IntegerField(default=1),
        'availability_zone': fields.StringField(nullable=True),
        'scheduler_hints': fields.DictOfListOfStringsField(nullable=True),
        'ignore_hosts': fields.ListOfStringsField(nullable=True),
        'force_hosts': fields.ListOfStringsField(nullable=True),
        'force_nodes': fields.ListOfStringsField(nullable=True),
        'instance_group': fields.ObjectField('InstanceGroup', nullable=True),
    }

    def get_scheduler_hint(self, name, default=None):
        """The value of hint ``name``: a list, or its only item when it
        has just one (most hints are single values sent as lists)."""
        hints = self.scheduler_hints if self.obj_attr_is_set(
            'scheduler_hints') else None
        value = (hints or {}).get(name)
        if value is None:
            return default
        if isinstance(value, list) and len(value) == 1:
            return value[0]
        return value

    def _spec_text(self):
        spec = self.obj_clone()
        if spec.obj_attr_is_set('id'):
            del spec.id
        return jsonutils.dumps(spec.obj_to_primitive())

    @classmethod
    def _from_db(cls, context, row):
        spec = cls.obj_from_primitive(jsonutils.loads(row.spec))
        spec.id = row.id
        spec._context = context
        spec.obj_reset_changes()
        return spec

    @base.remotable_classmethod
    def get_by_instance_uuid(cls, context, instance_uuid):
        return cls._from_db(context, api_db.request_spec_get(instance_uuid))

    @base.remotable
    def create(self):
        row = api_db.request_spec_create({'instance_uuid': self.instance_uuid,
                                          'spec': self._spec_text()})
        self.id = row.id
        self.obj_reset_changes()

    @base.remotable
    def save(self):
        api_db.request_spec_update(self.instance_uuid, self._spec_text())
        self.obj_reset_changes()

    @base.remotable
    def destroy(self):
        api_db.request_spec_destroy(self.instance_uuid)


@base.NovaObjectRegistry.register
class RequestSpecList(base.ObjectListBase, base.NovaObject):
    # Version 1.0: Initial version
    VERSION = '1.0'
    fields = {'objects': fields.ListOfObjectsField('RequestSpec')}

    @base.remotable_classmethod
    def get_by_instance_uuids(cls, context, instance_uuids):
        """The request specs of the given instances (those that have
        one), in one query: server lists show what they hold."""
        specs = cls(objects=[
            RequestSpec._from_db(context, row) for row in
            api_db.request_spec_get_many(list(instance_uuids))])
        specs._context = context
        specs.obj_reset_changes()
        return specs
