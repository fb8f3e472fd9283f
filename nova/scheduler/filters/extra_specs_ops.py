"""Matching a host value against a flavor extra spec requirement.

A requirement is either a plain string (equality) or starts with an
operator word:

- ``= N``: numeric, the value is at least N
- ``== N``, ``!= N``, ``>= N``, ``<= N``: numeric comparisons
- ``s== S``, ``s!= S``, ``s< S``, ``s<= S``, ``s> S``, ``s>= S``: string
  comparisons
- ``<in> S``: S is a substring of the value
- ``<all-in> A B ...``: every word is in the value
- ``<or> A <or> B ...``: the value equals one of the words
"""

import operator


def _num(fn):
    def compare(value, wanted):
        return fn(float(value), float(wanted))
    return compare


_OPERATORS = {
    '=': _num(operator.ge),
    '==': _num(operator.eq),
    '!=': _num(operator.ne),
    '>=': _num(operator.ge),
    '<=': _num(operator.le),
    's==': operator.eq,
    's!=': operator.ne,
    's<': operator.lt,
    's<=': operator.le,
    's>': operator.gt,
    's>=': operator.ge,
    '<in>': lambda value, wanted: wanted in value,
}


def match(value, req):
    """Whether ``value`` (a string) satisfies requirement ``req``."""
    words = req.split()
    op = words[0] if words else None
    if op == '<or>':
        if value is None:
            return False
        # '<or> a <or> b <or> c': every other word is a choice.
        return value in words[1::2]
    if op == '<all-in>':
        if value is None or len(words) < 2:
            return False
        return all(word in value for word in words[1:])
    method = _OPERATORS.get(op)
    if method is None:
        return value == req
    if value is None or len(words) < 2:
        return False
    try:
        return bool(method(value, words[1]))
    except (ValueError, TypeError):
        return False
