"""Base classes of the versioned notifications.

A notification is a small envelope (priority, EventType, publisher) with
a payload object; what crosses the bus is::

    {"event_type": "instance.power_off.start", "priority": "INFO",
     "publisher_id": "nova-compute:compute1",
     "payload": {"nova_object.name": "InstanceActionPayload",
                 "nova_object.namespace": "nova",
                 "nova_object.version": "1.7",
                 "nova_object.data": {...}}}

Consumers read the payload by name and version, so a payload class gets
a new minor version with every field it gains.
"""

from oslo_utils import versionutils
from oslo_versionedobjects import base as ovo_base
from oslo_versionedobjects import fields

PRIORITY_INFO = 'INFO'
PRIORITY_ERROR = 'ERROR'
PRIORITIES = ('AUDIT', 'CRITICAL', 'DEBUG', 'INFO', 'ERROR', 'SAMPLE',
              'WARN')

PHASE_START = 'start'
PHASE_END = 'end'
PHASE_ERROR = 'error'
PHASES = (PHASE_START, PHASE_END, PHASE_ERROR)

# Binaries a notification may come from (NotificationPublisher.source).
SOURCES = ('nova-api', 'nova-compute', 'nova-conductor', 'nova-scheduler',
           'nova-manage', 'nova-novncproxy', 'nova-metadata', 'nova-status',
           'nova-placement-api')


class NotificationObjectRegistry(ovo_base.VersionedObjectRegistry):
    """Registers notification classes without exposing them in
    nova.objects (whose names are the persistent objects')."""

    def registration_hook(self, cls, index):
        from nova.notifications import objects
        current = getattr(objects, cls.obj_name(), None)
        if current is None or versionutils.convert_version_to_tuple(
                cls.VERSION) >= versionutils.convert_version_to_tuple(
                    current.VERSION):
            setattr(objects, cls.obj_name(), cls)


class NotificationObject(ovo_base.VersionedObject):
    """Every notification object: serialized as 'nova_object.*'."""
    OBJ_SERIAL_NAMESPACE = 'nova_object'
    OBJ_PROJECT_NAMESPACE = 'nova'
    VERSION = '1.0'

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        # Built on the fly for one message: "changed" means nothing here.
        self.obj_reset_changes(recursive=False)

    def to_primitive(self):
        """The payload as sent: the library's primitive without the
        'nova_object.changes' list."""
        self.obj_reset_changes(recursive=True)
        primitive = self.obj_to_primitive()
        _drop_changes(primitive)
        return primitive


def _drop_changes(value):
    if isinstance(value, dict):
        value.pop('nova_object.changes', None)
        for item in value.values():
            _drop_changes(item)
    elif isinstance(value, list):
        for item in value:
            _drop_changes(item)


@NotificationObjectRegistry.register
class EventType(NotificationObject):
    # Version 1.0: Initial version
    VERSION = '1.0'

    fields = {
        'object': fields.StringField(nullable=False),
        'action': fields.StringField(nullable=False),
        'phase': fields.EnumField(PHASES, nullable=True),
    }

    def __init__(self, object, action, phase=None):
        super().__init__()
        self.object = object
        self.action = action
        self.phase = phase

    def to_notification_event_type_field(self):
        """'<object>.<action>[.<phase>]', as the event_type on the wire."""
        parts = [self.object, self.action]
        if self.phase:
            parts.append(self.phase)
        return '.'.join(parts)


@NotificationObjectRegistry.register
class NotificationPublisher(NotificationObject):
    # Version 2.1: host and source (the binary), as upstream's 2.1
    VERSION = '2.1'

    fields = {
        'host': fields.StringField(nullable=False),
        'source': fields.EnumField(SOURCES, nullable=False),
    }

    def __init__(self, host, source):
        super().__init__()
        self.host = host
        self.source = source

    @property
    def publisher_id(self):
        return '%s:%s' % (self.source, self.host)


class NotificationPayloadBase(NotificationObject):
    """A payload. ``SCHEMA`` maps payload fields to (source name, source
    attribute); populate_schema(<source name>=obj, ...) copies them, a
    source attribute that is not set giving None."""
    SCHEMA = {}
    VERSION = '1.0'

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.populated = not self.SCHEMA

    def populate_schema(self, **sources):
        for name, (source_name, attr) in self.SCHEMA.items():
            source = sources[source_name]
            setattr(self, name, _read(source, attr))
        self.populated = True
        self.obj_reset_changes(recursive=True)


def _read(source, attr):
    if isinstance(source, ovo_base.VersionedObject):
        if attr in source.fields and not source.obj_attr_is_set(attr):
            # Not loaded: no lazy load (an RPC) for a notification.
            return None
    return getattr(source, attr, None)


class NotificationBase(NotificationObject):
    """The envelope; subclasses declare the 'payload' field."""
    VERSION = '1.0'

    fields = {
        'priority': fields.EnumField(PRIORITIES),
        'event_type': fields.ObjectField('EventType'),
        'publisher': fields.ObjectField('NotificationPublisher'),
    }

    def message(self):
        """(publisher_id, event_type, priority, payload primitive)."""
        assert self.payload.populated, 'payload schema not populated'
        return (self.publisher.publisher_id,
                self.event_type.to_notification_event_type_field(),
                self.priority, self.payload.to_primitive())

    def emit(self, context):
        """Send the notification (see nova.notifications.notifier)."""
        from nova.notifications import notifier
        publisher_id, event_type, priority, payload = self.message()
        notifier.send(context, publisher_id, event_type, priority, payload)
