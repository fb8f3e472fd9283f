"""Policy defaults of a server's security groups: the list of
/servers/{server_id}/os-security-groups and the addSecurityGroup and
removeSecurityGroup actions (every microversion). The os-security-groups
proxy's own rules are in nova.policies.security_group_proxies."""

from nova.policies import base

LIST = 'os_compute_api:os-security-groups:list'
ADD = 'os_compute_api:os-security-groups:add'
REMOVE = 'os_compute_api:os-security-groups:remove'

rules = [
    base.rule(LIST, base.PROJECT_READER_OR_ADMIN,
              'List the security groups of a server.',
              [('GET', '/servers/{server_id}/os-security-groups')]),
    base.rule(ADD, base.PROJECT_MEMBER_OR_ADMIN,
              'Add a security group to every port of a server.',
              [('POST', '/servers/{server_id}/action (addSecurityGroup)')]),
    base.rule(REMOVE, base.PROJECT_MEMBER_OR_ADMIN,
              'Remove a security group from the ports of a server.',
              [('POST',
                '/servers/{server_id}/action (removeSecurityGroup)')]),
]


def list_rules():
    return rules
