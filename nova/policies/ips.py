"""Policy defaults of ips."""

rules = []


def list_rules():
    return rules
