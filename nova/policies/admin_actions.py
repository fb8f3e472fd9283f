"""Policy defaults of admin_actions."""

rules = []


def list_rules():
    return rules
