"""Policy defaults of server_groups."""

rules = []


def list_rules():
    return rules
