"""Policy defaults of the read side of the os-tenant-networks proxy (up
to 2.35)."""

from nova.policies import base

LIST = 'os_compute_api:os-tenant-networks:list'
SHOW = 'os_compute_api:os-tenant-networks:show'

rules = [
    base.rule(LIST, base.PROJECT_READER_OR_ADMIN,
              "List the project's networks.",
              [('GET', '/os-tenant-networks')]),
    base.rule(SHOW, base.PROJECT_READER_OR_ADMIN,
              'Show a network of the project.',
              [('GET', '/os-tenant-networks/{network_id}')]),
]


def list_rules():
    return rules
