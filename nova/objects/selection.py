from oslo_serialization import jsonutils
from oslo_versionedobjects import fields

from nova.objects import base


@base.NovaObjectRegistry.register
class Selection(base.NovaObject):
    """One host the scheduler picked (or an alternate to it), with the
    placement allocation request that claims its resources."""
    # Version 1.0: Initial version
    # Version 1.1: Added allocation_request and allocation_request_version
    VERSION = '1.1'

    fields = {
        'service_host': fields.StringField(),
        'nodename': fields.StringField(),
        'compute_node_uuid': fields.UUIDField(),
        'cell_uuid': fields.UUIDField(),
        # JSON text of one entry of GET /allocation_candidates'
        # allocation_requests; None when the scheduler did not use
        # placement for this host.
        'allocation_request': fields.StringField(nullable=True),
        'allocation_request_version': fields.StringField(nullable=True),
    }

    @classmethod
    def from_host_state(cls, host_state, allocation_request=None,
                        allocation_request_version=None):
        return cls(service_host=host_state.host,
                   nodename=host_state.nodename,
                   compute_node_uuid=host_state.uuid,
                   cell_uuid=host_state.cell_uuid,
                   allocation_request=(
                       jsonutils.dumps(allocation_request)
                       if allocation_request is not None else None),
                   allocation_request_version=allocation_request_version)

    def get_allocation_request(self):
        if not self.obj_attr_is_set('allocation_request') or \
                self.allocation_request is None:
            return None
        return jsonutils.loads(self.allocation_request)
