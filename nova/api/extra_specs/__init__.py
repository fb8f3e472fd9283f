"""Flavor extra specs checked against the table of the ones nova knows
(nova.api.extra_specs.table), as the API does from microversion 2.86.

A key of the table must have a value of its kind; a key in one of the
table's namespaces that the table does not list is refused, as a likely
misspelling; any other key (no namespace, or a namespace nova does not
know) is let through for other consumers of extra specs.
"""

import re

from nova.api.extra_specs import table
from nova import exception

_BY_KEY = {spec.key: spec for spec in table.SPECS if not spec.parts}
_FAMILIES = [(re.compile(spec.key_pattern()), spec)
             for spec in table.SPECS if spec.parts]
_NAMESPACES = [re.compile(pattern) for pattern in sorted(
    {spec.namespace_pattern() for spec in table.SPECS} - {None})]


def find(key):
    """The table's entry for ``key``, or None."""
    spec = _BY_KEY.get(key)
    if spec is not None:
        return spec
    for pattern, spec in _FAMILIES:
        if pattern.fullmatch(key):
            return spec
    return None


def known_namespace(key):
    """Whether ``key`` is in a namespace of the table."""
    if ':' not in key:
        return False
    namespace = key.split(':', 1)[0]
    return any(pattern.fullmatch(namespace) for pattern in _NAMESPACES)


def check(key, value):
    """Raise a 400 error unless ``key`` may have the string ``value``."""
    spec = find(key)
    if spec is None:
        if known_namespace(key):
            raise exception.FlavorExtraSpecUnknown(
                key=key, namespace=key.split(':', 1)[0])
        return
    if not spec.value.accepts(value):
        raise exception.FlavorExtraSpecValueInvalid(
            key=key, value=value, allowed=spec.value.allowed())


def check_all(specs):
    """check() each item of the dict ``specs``, in key order."""
    for key in sorted(specs):
        check(key, specs[key])
