"""A compute control plane in the shape of OpenStack Compute (Nova)."""

# Native threads only: pick oslo.service's threading backend before
# oslo.messaging (which imports oslo_service.service) can default to
# eventlet.
import warnings

from oslo_service import backend as _oslo_service_backend

# futurist imports eventlet (when installed) only to detect it; nothing
# here uses it, so its deprecation warning is noise.
warnings.filterwarnings('ignore', message=r'(?s).*Eventlet is deprecated')

try:
    _oslo_service_backend.init_backend(
        _oslo_service_backend.BackendType.THREADING)
except _oslo_service_backend.exceptions.BackendAlreadySelected:
    # A tool (e.g. oslo-config-generator listing oslo.messaging's options
    # first) imported oslo.service before nova; it never runs services.
    pass
