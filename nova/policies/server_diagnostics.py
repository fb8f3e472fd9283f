"""Policy defaults of server diagnostics."""

from nova.policies import base

DIAGNOSTICS = 'os_compute_api:os-server-diagnostics'

rules = [
    base.rule(DIAGNOSTICS, base.ADMIN,
              "Show the hypervisor's diagnostics of a server.",
              [('GET', '/servers/{server_id}/diagnostics')]),
]


def list_rules():
    return rules
