"""Policy defaults of flavor_manage."""

rules = []


def list_rules():
    return rules
