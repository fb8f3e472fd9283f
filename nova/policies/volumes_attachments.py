"""Policy defaults of volumes_attachments."""

rules = []


def list_rules():
    return rules
