"""Policy defaults of quota_sets."""

rules = []


def list_rules():
    return rules
