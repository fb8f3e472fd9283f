from oslo_versionedobjects import fields

from nova.objects import base


@base.NovaObjectRegistry.register
class Selection(base.NovaObject):
    """One host the scheduler picked (or an alternate to it)."""
    # Version 1.0: Initial version
    VERSION = '1.0'

    fields = {
        'service_host': fields.StringField(),
        'nodename': fields.StringField(),
        'compute_node_uuid': fields.UUIDField(),
        'cell_uuid': fields.UUIDField(),
    }
