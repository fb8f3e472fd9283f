"""Policy defaults of pause and unpause."""

from nova.policies import base

ROOT = 'os_compute_api:os-pause-server:%s'
PAUSE = ROOT % 'pause'
UNPAUSE = ROOT % 'unpause'

rules = [
    base.rule(PAUSE, base.PROJECT_MEMBER_OR_ADMIN, 'Pause a server.',
              [('POST', '/servers/{server_id}/action (pause)')]),
    base.rule(UNPAUSE, base.PROJECT_MEMBER_OR_ADMIN,
              'Unpause a paused server.',
              [('POST', '/servers/{server_id}/action (unpause)')]),
]


def list_rules():
    return rules
