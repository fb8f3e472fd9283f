"""Policy defaults of extended_server_attributes."""

rules = []


def list_rules():
    return rules
