"""Policy defaults of lock and unlock."""

from nova.policies import base

ROOT = 'os_compute_api:os-lock-server:%s'
LOCK = ROOT % 'lock'
UNLOCK = ROOT % 'unlock'
UNLOCK_OVERRIDE = ROOT % 'unlock:unlock_override'

rules = [
    base.rule(LOCK, base.PROJECT_MEMBER_OR_ADMIN, 'Lock a server.',
              [('POST', '/servers/{server_id}/action (lock)')]),
    base.rule(UNLOCK, base.PROJECT_MEMBER_OR_ADMIN, 'Unlock a server.',
              [('POST', '/servers/{server_id}/action (unlock)')]),
    base.rule(UNLOCK_OVERRIDE, base.ADMIN,
              'Unlock a server whoever locked it (the owner cannot lift '
              'a lock an administrator set). Checked after %s passes.'
              % UNLOCK,
              [('POST', '/servers/{server_id}/action (unlock)')]),
]


def list_rules():
    return rules
