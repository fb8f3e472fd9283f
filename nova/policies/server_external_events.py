"""Policy defaults of server_external_events."""

rules = []


def list_rules():
    return rules
