"""A compute control plane in the shape of OpenStack Compute (Nova)."""

# Native threads only: pick oslo.service's threading backend before
# oslo.messaging (which imports oslo_service.service) can default to
# eventlet.
from oslo_service import backend as _oslo_service_backend

_oslo_service_backend.init_backend(_oslo_service_backend.BackendType.THREADING)
