"""Policy defaults of flavor_access."""

rules = []


def list_rules():
    return rules
