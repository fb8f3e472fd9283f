"""Policy defaults of server_topology."""

rules = []


def list_rules():
    return rules
