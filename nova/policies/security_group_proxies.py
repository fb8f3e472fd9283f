"""Policy defaults of the os-security-groups and os-security-group-rules
proxies of the network service (up to 2.35)."""

from nova.policies import base

GET = 'os_compute_api:os-security-groups:get'
SHOW = 'os_compute_api:os-security-groups:show'
CREATE = 'os_compute_api:os-security-groups:create'
UPDATE = 'os_compute_api:os-security-groups:update'
DELETE = 'os_compute_api:os-security-groups:delete'
RULE_CREATE = 'os_compute_api:os-security-groups:rule:create'
RULE_DELETE = 'os_compute_api:os-security-groups:rule:delete'

rules = [
    base.rule(GET, base.PROJECT_READER_OR_ADMIN,
              'List security groups (all_tenants: any project, for '
              'administrators).',
              [('GET', '/os-security-groups')]),
    base.rule(SHOW, base.PROJECT_READER_OR_ADMIN,
              'Show a security group.',
              [('GET', '/os-security-groups/{security_group_id}')]),
    base.rule(CREATE, base.PROJECT_MEMBER_OR_ADMIN,
              'Create a security group.',
              [('POST', '/os-security-groups')]),
    base.rule(UPDATE, base.PROJECT_MEMBER_OR_ADMIN,
              'Update a security group.',
              [('PUT', '/os-security-groups/{security_group_id}')]),
    base.rule(DELETE, base.PROJECT_MEMBER_OR_ADMIN,
              'Delete a security group.',
              [('DELETE', '/os-security-groups/{security_group_id}')]),
    base.rule(RULE_CREATE, base.PROJECT_MEMBER_OR_ADMIN,
              'Create a security group rule.',
              [('POST', '/os-security-group-rules')]),
    base.rule(RULE_DELETE, base.PROJECT_MEMBER_OR_ADMIN,
              'Delete a security group rule.',
              [('DELETE', '/os-security-group-rules/{security_group_id}')]),
]


def list_rules():
    return rules
