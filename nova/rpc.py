"""oslo.messaging set-up shared by every service: transport, clients,
servers, and the serializer that carries contexts and versioned objects.
"""

import re

from oslo_log import log as logging
import oslo_messaging as messaging

import nova.conf
import nova.context
from nova import exception
from nova.objects import base as obj_base

CONF = nova.conf.CONF
LOG = logging.getLogger(__name__)

# Used when no RabbitMQ answers and every service runs in one process.
IN_PROCESS_TRANSPORT_URL = 'fake:/'

TRANSPORT = None
# The URL init() was given (None: the configured transport_url).
TRANSPORT_URL = None

# Exceptions of these modules raised by a remote endpoint are re-raised as
# themselves on the calling side.
ALLOWED_EXMODS = ['nova.exception']


def init(conf=CONF, url=None):
    global TRANSPORT, TRANSPORT_URL
    if TRANSPORT is None:
        TRANSPORT_URL = url
        TRANSPORT = messaging.get_rpc_transport(
            conf, url=url, allowed_remote_exmods=ALLOWED_EXMODS)
    return TRANSPORT


def cleanup():
    global TRANSPORT
    if TRANSPORT is not None:
        TRANSPORT.cleanup()
        TRANSPORT = None


def set_defaults():
    messaging.set_transport_defaults(control_exchange='nova')


class RequestContextSerializer(messaging.Serializer):
    """Serializes the context around an inner (object) serializer."""

    def __init__(self, base):
        self._base = base

    def serialize_entity(self, context, entity):
        return self._base.serialize_entity(context, entity)

    def deserialize_entity(self, context, entity):
        return self._base.deserialize_entity(context, entity)

    def serialize_context(self, context):
        return context.to_dict()

    def deserialize_context(self, context):
        return nova.context.RequestContext.from_dict(context)


def _serializer():
    return RequestContextSerializer(obj_base.NovaObjectSerializer())


# What oslo.messaging compares against a cap: "major.minor[.patch]".
_VERSION = re.compile(r'^\d+\.\d+(\.\d+)?$')


def upgrade_cap(topic):
    """The version cap [upgrade_levels] <topic> sets, None for no cap.

    'auto' and release names are accepted but leave the client uncapped:
    the services table records no RPC versions to resolve them from. That
    is logged, since whoever set them meant to cap something.
    """
    value = (CONF.upgrade_levels[topic] or '').strip()
    if not value:
        return None
    if _VERSION.match(value):
        return value
    if value == 'auto':
        LOG.warning('[upgrade_levels] %s = auto is not supported; RPC to '
                    '%s is not capped', topic, topic)
    else:
        LOG.warning('[upgrade_levels] %s = %s is not a version such as '
                    '"1.0" (release names are not supported); RPC to %s is '
                    'not capped', topic, value, topic)
    return None


def prepare(client, method, version, **kwargs):
    """client.prepare() for ``method``, which the server side has since
    API ``version``.

    A client capped below that version raises RPCVersionPinned here, naming
    the method and the pin, instead of oslo.messaging's RPCVersionCapError
    at send time, which names neither.
    """
    if not client.can_send_version(version):
        raise exception.RPCVersionPinned(
            method=method, version=version, topic=client.target.topic,
            cap=client.version_cap)
    return client.prepare(version=version, **kwargs)


def get_client(target, version_cap=None, timeout=None):
    assert TRANSPORT is not None, 'nova.rpc.init() was not called'
    return messaging.get_rpc_client(TRANSPORT, target,
                                    version_cap=version_cap,
                                    serializer=_serializer(),
                                    timeout=timeout)


def get_server(target, endpoints):
    assert TRANSPORT is not None, 'nova.rpc.init() was not called'
    access_policy = messaging.DefaultRPCAccessPolicy
    return messaging.get_rpc_server(TRANSPORT, target, endpoints,
                                    executor='threading',
                                    serializer=_serializer(),
                                    access_policy=access_policy)
