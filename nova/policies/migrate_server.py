"""Policy defaults of migrate_server."""

rules = []


def list_rules():
    return rules
