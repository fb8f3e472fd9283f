"""Policy defaults of the read side of the os-networks proxy (up to
2.35)."""

from nova.policies import base

LIST = 'os_compute_api:os-networks:list'
SHOW = 'os_compute_api:os-networks:show'

rules = [
    base.rule(LIST, base.PROJECT_READER_OR_ADMIN,
              'List the networks the project can use.',
              [('GET', '/os-networks')]),
    base.rule(SHOW, base.PROJECT_READER_OR_ADMIN,
              'Show a network.',
              [('GET', '/os-networks/{network_id}')]),
]


def list_rules():
    return rules
