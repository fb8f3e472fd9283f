"""Policy defaults of console_auth_tokens."""

rules = []


def list_rules():
    return rules
