"""Policy defaults of instance_usage_audit_log."""

rules = []


def list_rules():
    return rules
