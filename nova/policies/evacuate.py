"""Policy defaults of evacuate."""

rules = []


def list_rules():
    return rules
