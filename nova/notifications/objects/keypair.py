"""Key pairs in instance.create notifications."""

from oslo_versionedobjects import fields

from nova.notifications.objects import base


@base.NotificationObjectRegistry.register
class KeypairPayload(base.NotificationPayloadBase):
    # Version 1.0: Initial version
    VERSION = '1.0'

    SCHEMA = {name: ('keypair', name) for name in (
        'user_id', 'name', 'public_key', 'fingerprint', 'type')}

    fields = {
        'user_id': fields.StringField(nullable=True),
        'name': fields.StringField(nullable=False),
        'fingerprint': fields.StringField(nullable=True),
        'public_key': fields.StringField(nullable=True),
        'type': fields.StringField(nullable=True),
    }

    def __init__(self, keypair):
        super().__init__()
        self.populate_schema(keypair=keypair)
