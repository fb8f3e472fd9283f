"""Policy defaults of suspend and resume."""

from nova.policies import base

ROOT = 'os_compute_api:os-suspend-server:%s'
SUSPEND = ROOT % 'suspend'
RESUME = ROOT % 'resume'

rules = [
    base.rule(SUSPEND, base.PROJECT_MEMBER_OR_ADMIN, 'Suspend a server.',
              [('POST', '/servers/{server_id}/action (suspend)')]),
    base.rule(RESUME, base.PROJECT_MEMBER_OR_ADMIN,
              'Resume a suspended server.',
              [('POST', '/servers/{server_id}/action (resume)')]),
]


def list_rules():
    return rules
