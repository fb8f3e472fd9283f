"""Policy defaults of suspend_server."""

rules = []


def list_rules():
    return rules
