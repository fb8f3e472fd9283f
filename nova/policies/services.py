"""Policy defaults of services."""

rules = []


def list_rules():
    return rules
