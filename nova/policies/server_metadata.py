"""Policy defaults of /servers/{server_id}/metadata."""

from nova.policies import base

ROOT = 'os_compute_api:server-metadata:%s'
INDEX = ROOT % 'index'
SHOW = ROOT % 'show'
CREATE = ROOT % 'create'
UPDATE_ALL = ROOT % 'update_all'
UPDATE = ROOT % 'update'
DELETE = ROOT % 'delete'

_ALL = '/servers/{server_id}/metadata'
_ONE = '/servers/{server_id}/metadata/{key}'

rules = [
    base.rule(INDEX, base.PROJECT_READER_OR_ADMIN,
              'List the metadata of a server.', [('GET', _ALL)]),
    base.rule(SHOW, base.PROJECT_READER_OR_ADMIN,
              'Show one metadata item of a server.', [('GET', _ONE)]),
    base.rule(CREATE, base.PROJECT_MEMBER_OR_ADMIN,
              'Add or change metadata items of a server.',
              [('POST', _ALL)]),
    base.rule(UPDATE_ALL, base.PROJECT_MEMBER_OR_ADMIN,
              'Replace all the metadata of a server.', [('PUT', _ALL)]),
    base.rule(UPDATE, base.PROJECT_MEMBER_OR_ADMIN,
              'Set one metadata item of a server.', [('PUT', _ONE)]),
    base.rule(DELETE, base.PROJECT_MEMBER_OR_ADMIN,
              'Delete one metadata item of a server.', [('DELETE', _ONE)]),
]


def list_rules():
    return rules
