"""Policy defaults of hypervisors."""

rules = []


def list_rules():
    return rules
