"""Policy defaults of /servers/{server_id}/os-server-password."""

from nova.policies import base

ROOT = 'os_compute_api:os-server-password:%s'
SHOW = ROOT % 'show'
CLEAR = ROOT % 'clear'

_PATH = '/servers/{server_id}/os-server-password'

rules = [
    base.rule(SHOW, base.PROJECT_READER_OR_ADMIN,
              'Show the encrypted password a server posted.',
              [('GET', _PATH)]),
    base.rule(CLEAR, base.PROJECT_MEMBER_OR_ADMIN,
              'Clear the encrypted password of a server.',
              [('DELETE', _PATH)]),
]


def list_rules():
    return rules
