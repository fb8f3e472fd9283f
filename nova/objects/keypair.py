from oslo_versionedobjects import fields

from nova.db.api import api as api_db
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
    VERSION = '1.0'
    fields = {'objects': fields.ListOfObjectsField('KeyPair')}

    @base.remotable_classmethod
    def get_by_user(cls, context, user_id):
        return base.obj_make_list(context, cls(), KeyPair,
                                  api_db.key_pair_get_all_by_user(user_id))
