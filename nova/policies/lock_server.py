"""Policy defaults of lock_server."""

rules = []


def list_rules():
    return rules
