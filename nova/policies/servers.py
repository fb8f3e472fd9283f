"""Policy defaults of servers."""

rules = []


def list_rules():
    return rules
