"""Policy defaults of the administrator's server actions."""

from nova.policies import base

RESET_STATE = 'os_compute_api:os-admin-actions:reset_state'

rules = [
    base.rule(RESET_STATE, base.ADMIN,
              "Reset a server's state to active or error.",
              [('POST', '/servers/{server_id}/action (os-resetState)')]),
]


def list_rules():
    return rules
