"""Small helpers shared by the libvirt XML config classes."""

import xml.etree.ElementTree as ET

# Multipliers to KiB of the memory units libvirt writes and accepts.
_KIB_PER_UNIT = {
    'b': 1 / 1024, 'bytes': 1 / 1024,
    'k': 1, 'kib': 1, 'kb': 1000 / 1024,
    'm': 1024, 'mib': 1024, 'mb': 1000 ** 2 / 1024,
    'g': 1024 ** 2, 'gib': 1024 ** 2, 'gb': 1000 ** 3 / 1024,
    't': 1024 ** 3, 'tib': 1024 ** 3, 'tb': 1000 ** 4 / 1024,
}


class ConfigObject(object):
    """One libvirt XML element.

    Subclasses build their element in ``format_dom()``; any of them can be
    serialized on its own (a device for attachDeviceFlags, the domain for
    defineXML).
    """

    def format_dom(self):
        raise NotImplementedError()

    def to_xml_string(self, pretty=False):
        el = self.format_dom()
        if pretty:
            ET.indent(el)
        return ET.tostring(el, encoding='unicode')


def element(tag, text=None, **attrs):
    """A new element ``tag``; None attributes are left out and values are
    written with str()."""
    el = ET.Element(tag, {k: str(v) for k, v in attrs.items()
                          if v is not None})
    if text is not None:
        el.text = str(text)
    return el


def sub(parent, tag, text=None, **attrs):
    """Append a new element (as element() makes it) to ``parent``."""
    el = element(tag, text, **attrs)
    parent.append(el)
    return el


def yes_no(flag):
    return 'yes' if flag else 'no'


def is_yes(value, default=False):
    """libvirt's yes/no (or on/off) attribute as a bool."""
    if value is None:
        return default
    return value.lower() in ('yes', 'on', 'true', '1')


def check_choice(what, value, allowed, optional=False):
    """Raise ValueError unless ``value`` is one of ``allowed`` (or None
    when ``optional``)."""
    if value is None and optional:
        return
    if value not in allowed:
        raise ValueError('unsupported %s %r (expected one of: %s)'
                         % (what, value, ', '.join(allowed)))


def int_or_none(text):
    """An int from an attribute or element text; None if absent or not a
    number."""
    if text is None:
        return None
    try:
        return int(text.strip())
    except ValueError:
        return None


def parse_memory_kib(text, unit=None):
    """A libvirt memory amount (default unit KiB) in KiB, or None."""
    value = int_or_none(text)
    if value is None:
        return None
    factor = _KIB_PER_UNIT.get((unit or 'KiB').lower())
    if factor is None:
        raise ValueError('unknown memory unit %r' % unit)
    return int(value * factor)


def child_attr(el, path, attr):
    """Attribute ``attr`` of the first element at ``path`` under ``el``,
    or None when there is no such element."""
    found = el.find(path)
    return found.get(attr) if found is not None else None
