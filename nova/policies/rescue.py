"""Policy defaults of rescue and unrescue."""

from nova.policies import base

RESCUE = 'os_compute_api:os-rescue'
UNRESCUE = 'os_compute_api:os-unrescue'

rules = [
    base.rule(RESCUE, base.PROJECT_MEMBER_OR_ADMIN,
              'Boot a server from a rescue image.',
              [('POST', '/servers/{server_id}/action (rescue)')]),
    base.rule(UNRESCUE, base.PROJECT_MEMBER_OR_ADMIN,
              'Leave rescue mode.',
              [('POST', '/servers/{server_id}/action (unrescue)')]),
]


def list_rules():
    return rules
