"""Server tags (cell database, see nova/db/main/tags.py)."""

from oslo_versionedobjects import fields

from nova.db.main import tags as db
from nova.objects import base

MAX_TAG_LENGTH = 60


def _from_db(context, obj, row):
    obj.resource_id = row.resource_id
    obj.tag = row.tag
    obj._context = context
    obj.obj_reset_changes()
    return obj


@base.NovaObjectRegistry.register
class Tag(base.NovaObject):
    # Version 1.0: Initial version
    VERSION = '1.0'

    fields = {
        'resource_id': fields.StringField(),
        'tag': fields.StringField(),
    }

    _from_db_object = staticmethod(_from_db)

    @base.remotable
    def create(self):
        _from_db(self._context, self,
                 db.tag_add(self._context, self.resource_id, self.tag))

    @base.remotable_classmethod
    def destroy(cls, context, resource_id, name):
        db.tag_delete(context, resource_id, name)

    @base.remotable_classmethod
    def exists(cls, context, resource_id, name):
        return db.tag_exists(context, resource_id, name)


@base.NovaObjectRegistry.register
class TagList(base.ObjectListBase, base.NovaObject):
    # Version 1.0: Initial version
    VERSION = '1.0'

    fields = {'objects': fields.ListOfObjectsField('Tag')}

    @classmethod
    def from_names(cls, context, resource_id, names):
        """A list not (yet) stored, e.g. the tags of a server request."""
        result = cls(objects=[Tag(context, resource_id=resource_id, tag=n)
                              for n in sorted(set(names or ()))])
        result._context = context
        result.obj_reset_changes()
        return result

    @base.remotable_classmethod
    def get_by_resource_id(cls, context, resource_id):
        return base.obj_make_list(context, cls(), Tag,
                                  db.tag_get_by_instance(context,
                                                         resource_id))

    @base.remotable_classmethod
    def create(cls, context, resource_id, tags):
        """Replace the server's tags by ``tags``."""
        return base.obj_make_list(context, cls(), Tag,
                                  db.tag_set(context, resource_id, tags))

    @base.remotable_classmethod
    def destroy(cls, context, resource_id):
        db.tag_delete_all(context, resource_id)

    def names(self):
        return [t.tag for t in self.objects]

    # Two lists of the same tags are equal (the conductor compares fields
    # to find what a remote call changed).
    def __eq__(self, other):
        if not isinstance(other, TagList):
            return NotImplemented
        return sorted(self.names()) == sorted(other.names())

    def __ne__(self, other):
        result = self.__eq__(other)
        return result if result is NotImplemented else not result

    __hash__ = None


def create_for_new_instance(context, instance_uuid, names):
    """Store the tags a server was created with (conductor side)."""
    db.tag_create_many(context, instance_uuid, names)
