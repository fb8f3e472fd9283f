"""Policy defaults of security_groups."""

rules = []


def list_rules():
    return rules
