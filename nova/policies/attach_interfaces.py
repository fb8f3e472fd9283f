"""Policy defaults of attach_interfaces."""

rules = []


def list_rules():
    return rules
