"""Policy defaults of os-console-auth-tokens: what a console token
connects to (host, port) is for administrators only."""

from nova.policies import base

SHOW = 'os_compute_api:os-console-auth-tokens'

rules = [
    base.rule(SHOW, base.ADMIN,
              'Show the connection details behind a console '
              'authentication token.',
              [('GET', '/os-console-auth-tokens/{console_token}')]),
]


def list_rules():
    return rules
