"""Policy defaults of extensions."""

rules = []


def list_rules():
    return rules
