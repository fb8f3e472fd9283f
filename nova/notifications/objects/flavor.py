"""The flavor as instance notifications carry it."""

from oslo_versionedobjects import fields

from nova.notifications.objects import base


@base.NotificationObjectRegistry.register
class FlavorPayload(base.NotificationPayloadBase):
    # Version 1.4: upstream's field set of 1.4 (name, swap, rxtx_factor,
    #              vcpu_weight, disabled, is_public, extra_specs, projects,
    #              description besides the sizes)
    VERSION = '1.4'

    SCHEMA = {
        name: ('flavor', name) for name in (
            'flavorid', 'memory_mb', 'vcpus', 'root_gb', 'ephemeral_gb',
            'name', 'swap', 'rxtx_factor', 'vcpu_weight', 'disabled',
            'is_public', 'extra_specs', 'description')}

    fields = {
        'flavorid': fields.StringField(nullable=True),
        'memory_mb': fields.IntegerField(nullable=True),
        'vcpus': fields.IntegerField(nullable=True),
        'root_gb': fields.IntegerField(nullable=True),
        'ephemeral_gb': fields.IntegerField(nullable=True),
        'name': fields.StringField(nullable=True),
        'swap': fields.IntegerField(nullable=True),
        'rxtx_factor': fields.FloatField(nullable=True),
        'vcpu_weight': fields.IntegerField(nullable=True),
        'disabled': fields.BooleanField(nullable=True),
        'is_public': fields.BooleanField(nullable=True),
        'extra_specs': fields.DictOfStringsField(nullable=True),
        'projects': fields.ListOfStringsField(nullable=True),
        'description': fields.StringField(nullable=True),
    }

    def __init__(self, flavor):
        super().__init__()
        self.populate_schema(flavor=flavor)
        # As upstream: the access list is not loaded for notifications.
        self.projects = None
        if self.vcpu_weight is None:
            self.vcpu_weight = 0
        self.obj_reset_changes()
