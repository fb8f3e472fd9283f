"""Policy defaults of keypairs."""

rules = []


def list_rules():
    return rules
