"""Policy defaults of availability_zone."""

rules = []


def list_rules():
    return rules
