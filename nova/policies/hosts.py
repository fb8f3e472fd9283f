"""Policy defaults of hosts."""

rules = []


def list_rules():
    return rules
