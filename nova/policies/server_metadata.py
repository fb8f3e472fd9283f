"""Policy defaults of server_metadata."""

rules = []


def list_rules():
    return rules
