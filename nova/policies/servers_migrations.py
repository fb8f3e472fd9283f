"""Policy defaults of servers_migrations."""

rules = []


def list_rules():
    return rules
