"""Policy defaults of simple_tenant_usage."""

rules = []


def list_rules():
    return rules
