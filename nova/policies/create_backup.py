"""Policy defaults of create_backup."""

rules = []


def list_rules():
    return rules
