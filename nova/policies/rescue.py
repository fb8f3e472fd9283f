"""Policy defaults of rescue."""

rules = []


def list_rules():
    return rules
