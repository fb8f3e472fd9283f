"""JsonFilter: hosts matching a query given in the ``query`` hint.

The hint is a JSON list in prefix form: ``[op, arg, arg...]`` where an arg
is a literal, a nested query, or a ``$name`` (a host state attribute,
dotted for nested dicts, e.g. ``$stats.cpu_arch``). Operators:
``=``, ``<``, ``>``, ``<=``, ``>=`` (the first arg compared with every other
one), ``in`` (the first arg is one of the others), ``not`` (each arg
negated), ``or`` and ``and``. Example::

    ["and", [">=", "$free_ram_mb", 1024], [">=", "$free_disk_mb", 20480]]

Arguments that resolve to nothing (an unknown ``$name``) are dropped.
"""

import operator

from oslo_log import log as logging
from oslo_serialization import jsonutils

from nova.scheduler import filters

LOG = logging.getLogger(__name__)


def _compare(fn):
    def command(args):
        if len(args) < 2:
            return False
        first = args[0]
        try:
            return all(fn(first, other) for other in args[1:])
        except TypeError:
            return False
    return command


def _in(args):
    return len(args) >= 2 and args[0] in args[1:]


COMMANDS = {
    '=': _compare(operator.eq),
    '<': _compare(operator.lt),
    '>': _compare(operator.gt),
    '<=': _compare(operator.le),
    '>=': _compare(operator.ge),
    'in': _in,
    'not': lambda args: [not arg for arg in args],
    'or': any,
    'and': all,
}


def _resolve(text, host_state):
    if not text:
        return None
    if not text.startswith('$'):
        return text
    names = text[1:].split('.')
    value = getattr(host_state, names[0], None)
    for name in names[1:]:
        if value is None:
            return None
        value = value.get(name) if isinstance(value, dict) else getattr(
            value, name, None)
    return value


def evaluate(query, host_state):
    """The value of ``query`` for one host. Raises KeyError on an unknown
    operator."""
    if not query:
        return True
    command = COMMANDS[query[0]]
    args = []
    for arg in query[1:]:
        if isinstance(arg, list):
            arg = evaluate(arg, host_state)
        elif isinstance(arg, str):
            arg = _resolve(arg, host_state)
        if arg is not None:
            args.append(arg)
    return command(args)


class JsonFilter(filters.BaseHostFilter):
    """Drops hosts for which the ``query`` hint is false."""

    RUN_ON_REBUILD = False

    @staticmethod
    def _query(spec_obj):
        text = spec_obj.get_scheduler_hint('query')
        if not text:
            return None
        if isinstance(text, list):
            text = text[0]
        return jsonutils.loads(text)

    @staticmethod
    def _passes(query, host_state):
        result = evaluate(query, host_state)
        if isinstance(result, list):
            # A list ('not' at the top) passes when any item is true.
            result = any(result)
        return bool(result)

    def host_passes(self, host_state, spec_obj):
        query = self._query(spec_obj)
        return not query or self._passes(query, host_state)

    def filter_all(self, host_states, spec_obj):
        query = self._query(spec_obj)
        if not query:
            return list(host_states)
        return [hs for hs in host_states if self._passes(query, hs)]
