"""Policy defaults of quota_class_sets."""

rules = []


def list_rules():
    return rules
