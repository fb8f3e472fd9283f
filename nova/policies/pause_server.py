"""Policy defaults of pause_server."""

rules = []


def list_rules():
    return rules
