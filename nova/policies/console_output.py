"""Policy defaults of os-getConsoleOutput."""

from nova.policies import base

CONSOLE_OUTPUT = 'os_compute_api:os-console-output'

rules = [
    base.rule(CONSOLE_OUTPUT, base.PROJECT_MEMBER_OR_ADMIN,
              'Read the console output of a server.',
              [('POST',
                '/servers/{server_id}/action (os-getConsoleOutput)')]),
]


def list_rules():
    return rules
