"""Policy defaults of aggregates."""

rules = []


def list_rules():
    return rules
