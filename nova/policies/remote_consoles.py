"""Policy defaults of the remote consoles of a server."""

from nova.policies import base

REMOTE_CONSOLES = 'os_compute_api:os-remote-consoles'

rules = [
    base.rule(REMOTE_CONSOLES, base.PROJECT_MEMBER_OR_ADMIN,
              'Get a remote console URL of a server.',
              [('POST', '/servers/{server_id}/action (os-getVNCConsole)'),
               ('POST',
                '/servers/{server_id}/action (os-getSerialConsole)'),
               ('POST', '/servers/{server_id}/action (os-getSPICEConsole)'),
               ('POST', '/servers/{server_id}/action (os-getRDPConsole)'),
               ('POST', '/servers/{server_id}/remote-consoles')]),
]


def list_rules():
    return rules
