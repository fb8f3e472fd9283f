"""Policy defaults of /servers/{server_id}/tags (2.26)."""

from nova.policies import base

ROOT = 'os_compute_api:os-server-tags:%s'
INDEX = ROOT % 'index'
SHOW = ROOT % 'show'
UPDATE = ROOT % 'update'
UPDATE_ALL = ROOT % 'update_all'
DELETE = ROOT % 'delete'
DELETE_ALL = ROOT % 'delete_all'

_ALL = '/servers/{server_id}/tags'
_ONE = '/servers/{server_id}/tags/{tag}'

rules = [
    base.rule(INDEX, base.PROJECT_READER_OR_ADMIN,
              'List the tags of a server.', [('GET', _ALL)]),
    base.rule(SHOW, base.PROJECT_READER_OR_ADMIN,
              'Check whether a server has a tag.', [('GET', _ONE)]),
    base.rule(UPDATE, base.PROJECT_MEMBER_OR_ADMIN,
              'Add a tag to a server.', [('PUT', _ONE)]),
    base.rule(UPDATE_ALL, base.PROJECT_MEMBER_OR_ADMIN,
              'Replace all the tags of a server.', [('PUT', _ALL)]),
    base.rule(DELETE, base.PROJECT_MEMBER_OR_ADMIN,
              'Remove a tag from a server.', [('DELETE', _ONE)]),
    base.rule(DELETE_ALL, base.PROJECT_MEMBER_OR_ADMIN,
              'Remove every tag of a server.', [('DELETE', _ALL)]),
]


def list_rules():
    return rules
