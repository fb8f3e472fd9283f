"""Policy defaults of the soft-deleted servers' actions."""

from nova.policies import base

ROOT = 'os_compute_api:os-deferred-delete:%s'
RESTORE = ROOT % 'restore'
FORCE = ROOT % 'force'

rules = [
    base.rule(RESTORE, base.PROJECT_MEMBER_OR_ADMIN,
              'Restore a soft-deleted server.',
              [('POST', '/servers/{server_id}/action (restore)')]),
    base.rule(FORCE, base.PROJECT_MEMBER_OR_ADMIN,
              'Delete a soft-deleted server at once.',
              [('POST', '/servers/{server_id}/action (forceDelete)')]),
]


def list_rules():
    return rules
