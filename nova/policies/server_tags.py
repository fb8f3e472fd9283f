"""Policy defaults of server_tags."""

rules = []


def list_rules():
    return rules
