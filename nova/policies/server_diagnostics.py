"""Policy defaults of server_diagnostics."""

rules = []


def list_rules():
    return rules
