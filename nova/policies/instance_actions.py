"""Policy defaults of instance_actions."""

rules = []


def list_rules():
    return rules
