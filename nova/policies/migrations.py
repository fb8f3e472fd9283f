"""Policy defaults of migrations."""

rules = []


def list_rules():
    return rules
