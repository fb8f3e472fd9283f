"""Policy defaults of shelve."""

rules = []


def list_rules():
    return rules
