"""Policy defaults of limits."""

rules = []


def list_rules():
    return rules
