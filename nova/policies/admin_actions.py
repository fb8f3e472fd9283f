"""Policy defaults of the administrator's server actions."""

from nova.policies import base

RESET_STATE = 'os_compute_api:os-admin-actions:reset_state'
INJECT_NETWORK_INFO = 'os_compute_api:os-admin-actions:inject_network_info'

rules = [
    base.rule(RESET_STATE, base.ADMIN,
              "Reset a server's state to active or error.",
              [('POST', '/servers/{server_id}/action (os-resetState)')]),
    base.rule(INJECT_NETWORK_INFO, base.ADMIN,
              "Refresh a server's network information.",
              [('POST',
                '/servers/{server_id}/action (injectNetworkInfo)')]),
]


def list_rules():
    return rules
