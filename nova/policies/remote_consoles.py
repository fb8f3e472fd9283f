"""Policy defaults of remote_consoles."""

rules = []


def list_rules():
    return rules
