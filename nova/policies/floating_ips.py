"""Policy defaults of the os-floating-ips proxy (up to 2.35) and the
addFloatingIp / removeFloatingIp server actions (up to 2.43)."""

from nova.policies import base

ADD = 'os_compute_api:os-floating-ips:add'
REMOVE = 'os_compute_api:os-floating-ips:remove'
LIST = 'os_compute_api:os-floating-ips:list'
CREATE = 'os_compute_api:os-floating-ips:create'
SHOW = 'os_compute_api:os-floating-ips:show'
DELETE = 'os_compute_api:os-floating-ips:delete'

rules = [
    base.rule(ADD, base.PROJECT_MEMBER_OR_ADMIN,
              'Associate a floating IP with a server.',
              [('POST', '/servers/{server_id}/action (addFloatingIp)')]),
    base.rule(REMOVE, base.PROJECT_MEMBER_OR_ADMIN,
              'Disassociate a floating IP from a server.',
              [('POST', '/servers/{server_id}/action (removeFloatingIp)')]),
    base.rule(LIST, base.PROJECT_READER_OR_ADMIN,
              "List the project's floating IPs.",
              [('GET', '/os-floating-ips')]),
    base.rule(CREATE, base.PROJECT_MEMBER_OR_ADMIN,
              'Allocate a floating IP to the project.',
              [('POST', '/os-floating-ips')]),
    base.rule(SHOW, base.PROJECT_READER_OR_ADMIN,
              'Show a floating IP.',
              [('GET', '/os-floating-ips/{floating_ip_id}')]),
    base.rule(DELETE, base.PROJECT_MEMBER_OR_ADMIN,
              'Release a floating IP.',
              [('DELETE', '/os-floating-ips/{floating_ip_id}')]),
]


def list_rules():
    return rules
