"""The oslo.messaging notifier that carries versioned notifications.

Each process makes one on first use: transport from
[oslo_messaging_notifications] transport_url (else the RPC transport_url),
topics from [notifications] versioned_notifications_topics, driver from
[oslo_messaging_notifications] driver, or ``messagingv2`` when that is
unset and [notifications] notification_format asks for versioned
notifications. ``driver = noop`` (or the format ``unversioned``, nova
having no legacy notifications) turns them off.
"""

import os
import sys
import threading

import oslo_messaging as messaging
from oslo_log import log as logging
from oslo_messaging import opts as messaging_opts

import nova.conf
from nova import context as nova_context
from nova import rpc

CONF = nova.conf.CONF
LOG = logging.getLogger(__name__)

_LOCK = threading.Lock()
_NOTIFIER = None
_TRANSPORT = None
_SOURCE = None


def register_opts(conf=CONF):
    """Register oslo.messaging's transport_url and
    [oslo_messaging_notifications] options (it does so itself only when
    a transport or a notifier is made)."""
    for group, opts in messaging_opts.list_opts():
        if group in (None, 'oslo_messaging_notifications'):
            conf.register_opts(opts, group=group)


register_opts()


def _binary():
    name = os.path.basename(sys.argv[0] or '')
    return name if name.startswith('nova-') else None


def set_source(binary):
    """Name the binary notifications of this process come from."""
    global _SOURCE
    _SOURCE = binary


def source(default='nova-compute'):
    """The binary this process runs as ('nova-compute', 'nova-api'...);
    ``default`` when it is none of nova's services (all services in one
    process, tests)."""
    from nova.notifications.objects import base as notif_base
    binary = _SOURCE or _binary() or default
    if binary == 'nova-osapi_compute':
        binary = 'nova-api'
    return binary if binary in notif_base.SOURCES else default


def versioned_enabled():
    return CONF.notifications.notification_format in ('both', 'versioned')


def _driver():
    """The driver to name when making the notifier: None to use the
    configured [oslo_messaging_notifications] driver list, else
    messagingv2 while versioned notifications are wanted."""
    if not versioned_enabled():
        return 'noop'
    if CONF.oslo_messaging_notifications.driver:
        return None
    return 'messagingv2'


# Connection attempts per notification when [oslo_messaging_notifications]
# retry is -1 (for ever): a broker that is down must not hang the action.
DEFAULT_RETRY = 2


def _url():
    """The URL of the notification transport: [oslo_messaging_notifications]
    transport_url when set, else the one this process's RPC transport was
    made with ('fake:/' in one process or in tests), else the configured
    transport_url (None lets oslo.messaging read the two options)."""
    if CONF.oslo_messaging_notifications.transport_url:
        return None
    return rpc.TRANSPORT_URL


def _retry():
    retry = CONF.oslo_messaging_notifications.retry
    return DEFAULT_RETRY if retry is None or retry < 0 else retry


def get_versioned_notifier(publisher_id):
    """A notifier for ``publisher_id`` ('nova-compute:compute1')."""
    global _NOTIFIER, _TRANSPORT
    with _LOCK:
        if _NOTIFIER is None:
            # Registers the [oslo_messaging_notifications] options.
            transport = messaging.get_notification_transport(
                CONF, url=_url(), allowed_remote_exmods=rpc.ALLOWED_EXMODS)
            _NOTIFIER = messaging.Notifier(
                transport, publisher_id='nova', driver=_driver(),
                topics=list(CONF.notifications.versioned_notifications_topics),
                serializer=rpc.RequestContextSerializer(
                    messaging.JsonPayloadSerializer()),
                retry=_retry())
            _TRANSPORT = transport
        return _NOTIFIER.prepare(publisher_id=publisher_id)


def transport():
    """The notification transport of this process (made on first use)."""
    get_versioned_notifier('nova')
    return _TRANSPORT


def enabled():
    """False when nothing would be sent (noop driver, format)."""
    if not versioned_enabled():
        return False
    return list(CONF.oslo_messaging_notifications.driver or []) != ['noop']


def send(context, publisher_id, event_type, priority, payload):
    """Send one notification; raises what the notifier raises."""
    if context is None:
        context = nova_context.get_admin_context()
    notifier = get_versioned_notifier(publisher_id)
    getattr(notifier, priority.lower())(context, event_type, payload)


def reset():
    """Forget the notifier (tests, or after the options changed)."""
    global _NOTIFIER, _TRANSPORT
    with _LOCK:
        transport, _NOTIFIER, _TRANSPORT = _TRANSPORT, None, None
    if transport is not None:
        transport.cleanup()
