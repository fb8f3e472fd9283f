"""What an extra spec's value may be: the kinds of value the table of
known extra specs (nova.api.extra_specs.table) is written with.

Extra spec values are stored as strings, so each kind checks a string.
``allowed()`` says in words what the kind takes; it ends the message of a
refused value.
"""

import re

from oslo_utils import strutils


class Text:
    """Any string: the key is known, its value is for its consumer."""

    def accepts(self, value):
        return True

    def allowed(self):
        return 'any string'


class Integer:
    """A whole number, optionally bounded (bounds included)."""

    def __init__(self, minimum=None, maximum=None):
        self.minimum = minimum
        self.maximum = maximum

    def accepts(self, value):
        try:
            number = int(value.strip())
        except ValueError:
            return False
        if self.minimum is not None and number < self.minimum:
            return False
        return self.maximum is None or number <= self.maximum

    def allowed(self):
        if self.minimum is not None and self.maximum is not None:
            return 'an integer from %d to %d' % (self.minimum, self.maximum)
        if self.minimum is not None:
            return 'an integer of at least %d' % self.minimum
        if self.maximum is not None:
            return 'an integer of at most %d' % self.maximum
        return 'an integer'


class Boolean:
    """A boolean in any of the spellings oslo's strict parser knows."""

    def accepts(self, value):
        try:
            strutils.bool_from_string(value, strict=True)
        except ValueError:
            return False
        return True

    def allowed(self):
        return 'a boolean (true or false, yes or no, on or off, 1 or 0)'


class OneOf:
    """One of a fixed set of words (case matters)."""

    def __init__(self, *choices):
        self.choices = choices

    def accepts(self, value):
        return value in self.choices

    def allowed(self):
        return 'one of: %s' % ', '.join(self.choices)


class Matching:
    """A string of the whole of a regular expression; ``shown`` says the
    format in words (with an example) for the message."""

    def __init__(self, pattern, shown):
        self.pattern = re.compile(pattern)
        self.shown = shown

    def accepts(self, value):
        return self.pattern.fullmatch(value) is not None

    def allowed(self):
        return '%s (format %s)' % (self.shown, self.pattern.pattern)
