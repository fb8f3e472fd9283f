"""Base classes of nova's versioned objects.

Outside nova-conductor every object class has ``indirection_api`` set to
the conductor's RPC API (see nova.service), so each ``@remotable`` and
``@remotable_classmethod`` runs in the conductor, the only process with a
database connection. Inside the conductor ``indirection_api`` is None and
the method body runs against the database.
"""

import contextlib
import datetime
import functools
import inspect
import threading

from oslo_utils import timeutils
from oslo_utils import versionutils
from oslo_versionedobjects import base as ovo_base
from oslo_versionedobjects import fields as ovo_fields

remotable = ovo_base.remotable
remotable_classmethod = ovo_base.remotable_classmethod


def utc_datetime(value):
    """``value`` as a timezone-aware UTC datetime (None stays None).

    A datetime that is a plain argument of an RPC, not a field of an
    object, crosses the wire as the ISO 8601 string oslo.serialization
    writes (``2026-12-07T17:13:11.000000``, UTC, no zone): the drivers
    encode messages as JSON and nothing on the receiving side knows the
    string was a datetime. The in-process transport leaves it a datetime,
    naive or not. Naive values and strings without a zone are UTC.
    """
    if value is None:
        return None
    if isinstance(value, str):
        value = timeutils.parse_isotime(value)
    elif not isinstance(value, datetime.datetime):
        raise TypeError('not a datetime: %r' % (value,))
    return timeutils.normalize_time(value).replace(
        tzinfo=datetime.timezone.utc)


def datetime_args(*names, **keys):
    """Declare the arguments of a remotable method that carry datetimes;
    the method body gets them as timezone-aware UTC datetimes, however
    the call reached it (see utc_datetime).

    ``names`` are arguments that are datetimes; each keyword names a dict
    argument (filters) and the tuple of its keys that hold datetimes::

        @base.remotable_classmethod
        @base.datetime_args('since')
        def get_changed_since(cls, context, since): ...

        @base.remotable_classmethod
        @base.datetime_args(filters=('changes-since', 'changes-before'))
        def get_by_filters(cls, context, filters, ...): ...

    Put it under ``@remotable``/``@remotable_classmethod``: the caller's
    side then sends the arguments as they are, and the side that runs the
    body (the conductor) converts them before the query sees them.
    """
    def decorator(fn):
        signature = inspect.signature(fn)
        unknown = (set(names) | set(keys)) - set(signature.parameters)
        if unknown:
            raise TypeError('%s has no argument %s' % (
                fn.__qualname__, ', '.join(sorted(unknown))))

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            bound = signature.bind(*args, **kwargs)
            values = bound.arguments
            for name in names:
                if name in values:
                    values[name] = utc_datetime(values[name])
            for name, dict_keys in keys.items():
                given = values.get(name)
                if isinstance(given, dict) and any(
                        given.get(key) is not None for key in dict_keys):
                    given = dict(given)
                    for key in dict_keys:
                        if given.get(key) is not None:
                            given[key] = utc_datetime(given[key])
                    values[name] = given
            return fn(*bound.args, **bound.kwargs)

        wrapper.datetime_args = (names, keys)
        # What inspect.getfullargspec (object fingerprints) reports.
        wrapper.__signature__ = signature
        return wrapper
    return decorator


class NovaObjectRegistry(ovo_base.VersionedObjectRegistry):
    notification_classes = []

    def registration_hook(self, cls, index):
        # Expose the newest version of each class as nova.objects.<Name>.
        from nova import objects
        version = versionutils.convert_version_to_tuple(cls.VERSION)
        current = getattr(objects, cls.obj_name(), None)
        if current is None or version >= versionutils.convert_version_to_tuple(
                current.VERSION):
            setattr(objects, cls.obj_name(), cls)


_UNSET = object()


class _IndirectionSwitch:
    """Class attribute that yields the indirection API, except in threads
    serving conductor requests: those must reach the database themselves,
    also when every service shares one process."""

    def __init__(self):
        self.api = None
        self._local = threading.local()

    def __get__(self, obj, cls):
        if getattr(self._local, 'direct', False):
            return None
        return self.api

    @contextlib.contextmanager
    def direct(self):
        previous = getattr(self._local, 'direct', False)
        self._local.direct = True
        try:
            yield
        finally:
            self._local.direct = previous


_INDIRECTION = _IndirectionSwitch()


class NovaObject(ovo_base.VersionedObject):
    OBJ_SERIAL_NAMESPACE = 'nova_object'
    OBJ_PROJECT_NAMESPACE = 'nova'
    indirection_api = _INDIRECTION

    # The two methods below answer as the library's do, without building
    # a list of every field name per call or inspecting every field for
    # nested objects: serializing a page of instances calls them tens of
    # thousands of times.

    def obj_attr_is_set(self, attrname):
        if attrname not in self.fields and \
                attrname not in self.obj_extra_fields:
            raise AttributeError("%s object has no attribute '%s'"
                                 % (self.obj_name(), attrname))
        return hasattr(self, '_obj_' + attrname)

    def obj_what_changed(self):
        changes = {f for f in self._changed_fields if f in self.fields}
        for field in self._object_fields():
            value = getattr(self, '_obj_' + field, None)
            if isinstance(value, ovo_base.VersionedObject) and \
                    value.obj_what_changed():
                changes.add(field)
        return changes

    @classmethod
    def _obj_from_primitive(cls, context, objver, primitive):
        # As the library does, but storing what each field's from_primitive
        # returns (already of the field's type) without a second coercion
        # through the attribute setter: a page of instances deserializes in
        # half the time.
        self = cls()
        self._context = context
        self.VERSION = objver
        data = cls._obj_primitive_field(primitive, 'data')
        changes = cls._obj_primitive_field(primitive, 'changes', [])
        for name, field in self.fields.items():
            if name in data:
                setattr(self, '_obj_' + name,
                        field.from_primitive(self, name, data[name]))
        self._changed_fields = {name for name in changes
                                if name in self.fields}
        self._loaded_from_primitive()
        return self

    def _loaded_from_primitive(self):
        """Hook for state that is not carried in the primitive."""

    def obj_to_primitive(self, target_version=None, version_manifest=None):
        if (target_version not in (None, self.VERSION) or version_manifest):
            # A peer of another version: the library's path backports.
            return super().obj_to_primitive(target_version, version_manifest)
        # The library's output, with values of plain fields (returned
        # unchanged by their to_primitive) copied without the call.
        data = {}
        for name, field in self.fields.items():
            value = getattr(self, '_obj_' + name, _UNSET)
            if value is _UNSET:
                continue
            if value is None or isinstance(field, _PLAIN_FIELD_TYPES):
                data[name] = value
            else:
                data[name] = field.to_primitive(self, name, value)
        obj = {
            self._obj_primitive_key('name'): self.obj_name(),
            self._obj_primitive_key('namespace'): self.OBJ_PROJECT_NAMESPACE,
            self._obj_primitive_key('version'): self.VERSION,
            self._obj_primitive_key('data'): data,
        }
        changes = [name for name in self.obj_what_changed() if name in data]
        if changes:
            obj[self._obj_primitive_key('changes')] = changes
        return obj

    @classmethod
    def _object_fields(cls):
        """Names of the fields that hold a single nested object."""
        names = cls.__dict__.get('_nova_object_fields')
        if names is None:
            names = tuple(name for name, field in cls.fields.items()
                          if isinstance(field, ovo_fields.ObjectField))
            cls._nova_object_fields = names
        return names


class NovaTimestampObject:
    fields = {
        'created_at': ovo_fields.DateTimeField(nullable=True),
        'updated_at': ovo_fields.DateTimeField(nullable=True),
    }


class NovaPersistentObject:
    """Fields of rows that are soft-deleted."""
    fields = {
        'created_at': ovo_fields.DateTimeField(nullable=True),
        'updated_at': ovo_fields.DateTimeField(nullable=True),
        'deleted_at': ovo_fields.DateTimeField(nullable=True),
        'deleted': ovo_fields.BooleanField(default=False),
    }


class ObjectListBase(ovo_base.ObjectListBase):
    pass


class NovaObjectSerializer(ovo_base.VersionedObjectSerializer):
    OBJ_BASE_CLASS = NovaObject

    def serialize_entity(self, context, entity):
        if isinstance(entity, datetime.datetime) and \
                entity.tzinfo is not None:
            # The drivers' JSON encoding writes the wall time and drops
            # the zone, so a datetime argument goes out in UTC; the
            # receiver reads the string back as UTC (utc_datetime).
            entity = entity.astimezone(datetime.timezone.utc)
        return super().serialize_entity(context, entity)

    @property
    def conductor(self):
        if not hasattr(self, '_conductor'):
            from nova.conductor import rpcapi
            self._conductor = rpcapi.ConductorAPI()
        return self._conductor

    def _process_object(self, context, objprim):
        try:
            return self.OBJ_BASE_CLASS.obj_from_primitive(
                objprim, context=context)
        except ovo_base.exception.IncompatibleObjectVersion:
            # An older peer: ask the conductor to backport the object.
            objver = objprim['nova_object.version']
            if objver.count('.') == 2:
                objprim['nova_object.version'] = '.'.join(
                    objver.split('.')[:2])
            return self.conductor.object_backport_versions(
                context, objprim, ovo_base.obj_tree_get_versions(
                    objprim['nova_object.name']))


# Field types whose database values need no coercion.
_PLAIN_FIELD_TYPES = (ovo_fields.StringField, ovo_fields.IntegerField,
                      ovo_fields.FloatField, ovo_fields.BooleanField,
                      ovo_fields.UUIDField)


def fill_from_row(obj, row, names):
    """Copy columns ``names`` of a database row into ``obj``.

    Values of plain types are stored as they are and naive datetimes get
    their UTC zone, which is what the fields' coercion would do at a
    fraction of the cost when thousands of rows are loaded; every other
    field goes through the usual setter.
    """
    fields = obj.fields
    for name in names:
        value = getattr(row, name)
        field = fields[name]
        if value is None and field.nullable:
            setattr(obj, '_obj_' + name, None)
        elif isinstance(field, _PLAIN_FIELD_TYPES):
            setattr(obj, '_obj_' + name, value)
        elif isinstance(field, ovo_fields.DateTimeField) and \
                isinstance(value, datetime.datetime) and \
                value.tzinfo is None:
            setattr(obj, '_obj_' + name,
                    value.replace(tzinfo=datetime.timezone.utc))
        else:
            setattr(obj, name, value)


def set_indirection_api(api):
    """Route remotable methods of every object through ``api``."""
    _INDIRECTION.api = api


def direct_db_access():
    """Context manager: run remotable methods in this thread locally."""
    return _INDIRECTION.direct()


def obj_make_list(context, list_obj, item_cls, rows):
    """Fill ``list_obj`` with ``item_cls`` objects made from database rows.

    The library's helper of this name deprecates the item class argument
    in recent releases but needs it in the older ones we support.
    """
    list_obj.objects = [item_cls._from_db_object(context, item_cls(context),
                                                 row) for row in rows]
    list_obj._context = context
    list_obj.obj_reset_changes()
    return list_obj
