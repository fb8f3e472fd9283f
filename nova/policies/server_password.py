"""Policy defaults of server_password."""

rules = []


def list_rules():
    return rules
