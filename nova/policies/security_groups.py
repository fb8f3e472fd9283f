"""Policy defaults of /servers/{server_id}/os-security-groups (up to
2.35)."""

from nova.policies import base

LIST = 'os_compute_api:os-security-groups:list'

rules = [
    base.rule(LIST, base.PROJECT_READER_OR_ADMIN,
              'List the security groups of a server.',
              [('GET', '/servers/{server_id}/os-security-groups')]),
]


def list_rules():
    return rules
