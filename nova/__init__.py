"""A compute control plane in the shape of OpenStack Compute (Nova)."""

# Native threads only: pick oslo.service's threading backend before
# oslo.messaging (which imports oslo_service.service) can default to
# eventlet.
import warnings

from oslo_service import backend as _oslo_service_backend

# futurist imports eventlet (when installed) only to detect it; nothing
# here uses it, so its deprecation warning is noise.
warnings.filterwarnings('ignore', message=r'(?s).*Eventlet is deprecated')

# eventlet (imported as above) loads dnspython's DNSSEC algorithms, whose
# DSA class makes cryptography warn that DSA is deprecated: eight lines on
# stderr of every nova-* command, about code nova never calls. Only that
# warning is silenced, before the import that raises it.
try:
    from cryptography.utils import CryptographyDeprecationWarning
except ImportError:  # cryptography is optional for dnspython
    pass
else:
    warnings.filterwarnings('ignore', message=r'DSA is deprecated',
                            category=CryptographyDeprecationWarning)

try:
    _oslo_service_backend.init_backend(
        _oslo_service_backend.BackendType.THREADING)
except _oslo_service_backend.exceptions.BackendAlreadySelected:
    # A tool (e.g. oslo-config-generator listing oslo.messaging's options
    # first) imported oslo.service before nova; it never runs services.
    pass
