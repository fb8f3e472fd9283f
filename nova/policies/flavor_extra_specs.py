"""Policy defaults of flavor_extra_specs."""

rules = []


def list_rules():
    return rules
