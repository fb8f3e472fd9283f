"""Policy defaults of /servers/{server_id}/os-interface."""

from nova.policies import base

ROOT = 'os_compute_api:os-attach-interfaces:%s'
LIST = ROOT % 'list'
SHOW = ROOT % 'show'
CREATE = ROOT % 'create'
DELETE = ROOT % 'delete'

_ALL = '/servers/{server_id}/os-interface'
_ONE = '/servers/{server_id}/os-interface/{port_id}'

rules = [
    base.rule(LIST, base.PROJECT_READER_OR_ADMIN,
              'List the ports attached to a server.', [('GET', _ALL)]),
    base.rule(SHOW, base.PROJECT_READER_OR_ADMIN,
              'Show a port attached to a server.', [('GET', _ONE)]),
    base.rule(CREATE, base.PROJECT_MEMBER_OR_ADMIN,
              'Attach a port or network to a server.', [('POST', _ALL)]),
    base.rule(DELETE, base.PROJECT_MEMBER_OR_ADMIN,
              'Detach a port from a server.', [('DELETE', _ONE)]),
]


def list_rules():
    return rules
