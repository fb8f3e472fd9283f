"""Policy defaults of the os-floating-ip-pools proxy (up to 2.35)."""

from nova.policies import base

LIST = 'os_compute_api:os-floating-ip-pools'

rules = [
    base.rule(LIST, base.ANY,
              'List the floating IP pools (external networks).',
              [('GET', '/os-floating-ip-pools')]),
]


def list_rules():
    return rules
