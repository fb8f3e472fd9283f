from oslo_versionedobjects import fields

from nova.db.api import api as api_db
from nova import exception
from nova.objects import base

_COLUMNS = ('id', 'flavorid', 'name', 'memory_mb', 'vcpus', 'root_gb',
            'ephemeral_gb', 'swap', 'rxtx_factor', 'vcpu_weight', 'disabled',
            'is_public', 'description', 'created_at', 'updated_at')


def _visible_to(context):
    """Which flavors ``context`` may see: administrators every one, anyone
    else the public ones and the private ones shared with their project.
    A private flavor outside that is answered as not found, so a project
    cannot learn that it exists."""
    if context is None or context.is_admin:
        return api_db.ALL_PROJECTS
    return context.project_id


def _from_db(context, flavor, row):
    for field in _COLUMNS:
        setattr(flavor, field, getattr(row, field))
    flavor.extra_specs = {spec.key: spec.value for spec in row.extra_specs}
    flavor.projects = [p.project_id for p in row.projects]
    flavor._context = context
    flavor.obj_reset_changes()
    return flavor


@base.NovaObjectRegistry.register
class Flavor(base.NovaTimestampObject, base.NovaObject):
    # Version 1.0: Initial version
    VERSION = '1.0'

    _from_db_object = staticmethod(_from_db)

    fields = {
        'id': fields.IntegerField(),
        'name': fields.StringField(nullable=True),
        'memory_mb': fields.IntegerField(),
        'vcpus': fields.IntegerField(),
        'root_gb': fields.IntegerField(),
        'ephemeral_gb': fields.IntegerField(),
        'flavorid': fields.StringField(),
        'swap': fields.IntegerField(),
        'rxtx_factor': fields.FloatField(nullable=True, default=1.0),
        'vcpu_weight': fields.IntegerField(nullable=True),
        'disabled': fields.BooleanField(default=False),
        'is_public': fields.BooleanField(default=True),
        'extra_specs': fields.DictOfStringsField(default={}),
        'projects': fields.ListOfStringsField(default=[]),
        'description': fields.StringField(nullable=True),
    }

    @classmethod
    def from_db(cls, context, row):
        return _from_db(context, cls(), row)

    @classmethod
    def _get(cls, context, **kwargs):
        row = api_db.flavor_get_by(visible_to=_visible_to(context),
                                   **kwargs)
        if row is None:
            raise exception.FlavorNotFound(
                flavor_id=next(iter(kwargs.values())))
        return _from_db(context, cls(), row)

    @base.remotable_classmethod
    def get_by_id(cls, context, id):
        return cls._get(context, id=id)

    @base.remotable_classmethod
    def get_by_flavor_id(cls, context, flavorid):
        return cls._get(context, flavorid=flavorid)

    @base.remotable_classmethod
    def get_by_name(cls, context, name):
        return cls._get(context, name=name)

    @base.remotable
    def create(self):
        values = self.obj_get_changes()
        extra_specs = values.pop('extra_specs', {})
        projects = values.pop('projects', [])
        values.pop('id', None)
        row = api_db.flavor_create(values, extra_specs, projects)
        _from_db(self._context, self, row)

    @base.remotable
    def save(self):
        values = self.obj_get_changes()
        values.pop('extra_specs', None)
        values.pop('projects', None)
        if values:
            _from_db(self._context, self,
                     api_db.flavor_update(self.id, values))

    @base.remotable
    def destroy(self):
        api_db.flavor_destroy(self.id)

    @base.remotable
    def save_extra_specs(self, to_add=None, to_delete=None):
        row = api_db.flavor_extra_specs_update(self.id, to_add or {},
                                               to_delete or [])
        _from_db(self._context, self, row)

    @base.remotable
    def add_access(self, project_id):
        if self.is_public:
            raise exception.FlavorNotPublic()
        _from_db(self._context, self,
                 api_db.flavor_access_add(self.id, project_id))

    @base.remotable
    def remove_access(self, project_id):
        _from_db(self._context, self,
                 api_db.flavor_access_remove(self.id, project_id))


@base.NovaObjectRegistry.register
class FlavorList(base.ObjectListBase, base.NovaObject):
    # Version 1.0: Initial version
    VERSION = '1.0'
    fields = {'objects': fields.ListOfObjectsField('Flavor')}

    @base.remotable_classmethod
    def get_all(cls, context, inactive=False, filters=None,
                sort_key='flavorid', sort_dir='asc', limit=None,
                marker=None):
        filters = dict(filters or {})
        filters['include_disabled'] = inactive
        rows = api_db.flavor_get_all(filters, sort_key, sort_dir, limit,
                                     marker, visible_to=_visible_to(context))
        return base.obj_make_list(context, cls(), Flavor, rows)
