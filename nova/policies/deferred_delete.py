"""Policy defaults of deferred_delete."""

rules = []


def list_rules():
    return rules
