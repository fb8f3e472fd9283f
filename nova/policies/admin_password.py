"""Policy defaults of admin_password."""

rules = []


def list_rules():
    return rules
