from oslo_versionedobjects import fields

from nova.db.api import api as api_db
from nova import exception
from nova.objects import base

KEYPAIR_TYPE_SSH = 'ssh'
KEYPAIR_TYPE_X509 = 'x509'


def _from_db(context, obj, row):
    for field in obj.fields:
        setattr(obj, field, getattr(row, field))
    obj._context = context
    obj.obj_reset_changes()
    return obj


@base.NovaObjectRegistry.register
class KeyPair(base.NovaTimestampObject, base.NovaObject):
    # Version 1.0: Initial version
    VERSION = '1.0'

    _from_db_object = staticmethod(_from_db)

    fields = {
        'id': fields.IntegerField(read_only=True),
        'name': fields.StringField(),
        'user_id': fields.StringField(),
        'fingerprint': fields.StringField(nullable=True),
        'public_key': fields.StringField(nullable=True),
        'type': fields.StringField(default=KEYPAIR_TYPE_SSH),
    }

    @base.remotable_classmethod
    def get_by_name(cls, context, user_id, name):
        return _from_db(context, cls(), api_db.key_pair_get(user_id, name))

    @base.remotable
    def create(self):
        _from_db(self._context, self,
                 api_db.key_pair_create(self.obj_get_changes()))

    @base.remotable
    def destroy(self):
        api_db.key_pair_destroy(self.user_id, self.name)


@base.NovaObjectRegistry.register
class KeyPairList(base.ObjectListBase, base.NovaObject):
    # Version 1.0: Initial version
    # Version 1.1: get_by_user paging, get_count_by_user
    VERSION = '1.1'
    fields = {'objects': fields.ListOfObjectsField('KeyPair')}

    @base.remotable_classmethod
    def get_by_user(cls, context, user_id, limit=None, marker=None):
        """The user's key pairs by name; a page after ``marker`` (a
        name; MarkerNotFound if there is no such key pair)."""
        rows = api_db.key_pair_get_all_by_user(user_id)
        if marker is not None:
            names = [r.name for r in rows]
            if marker not in names:
                raise exception.MarkerNotFound(marker=marker)
            rows = rows[names.index(marker) + 1:]
        if limit is not None:
            rows = rows[:limit]
        return base.obj_make_list(context, cls(), KeyPair, rows)

    @base.remotable_classmethod
    def get_count_by_user(cls, context, user_id):
        return len(api_db.key_pair_get_all_by_user(user_id))
