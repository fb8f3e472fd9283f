"""Policy defaults of console_output."""

rules = []


def list_rules():
    return rules
