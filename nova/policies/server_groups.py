"""Policy defaults of os-server-groups. The target is the project that
owns the group; listing every project's groups is for administrators."""

from nova.policies import base

ROOT = 'os_compute_api:os-server-groups:%s'
CREATE = ROOT % 'create'
DELETE = ROOT % 'delete'
INDEX = ROOT % 'index'
ALL_PROJECTS = ROOT % 'index:all_projects'
SHOW = ROOT % 'show'

_ONE = '/os-server-groups/{server_group_id}'

rules = [
    base.rule(CREATE, base.PROJECT_MEMBER_OR_ADMIN,
              'Create a server group in the caller\'s project.',
              [('POST', '/os-server-groups')]),
    base.rule(DELETE, base.PROJECT_MEMBER_OR_ADMIN,
              'Delete a server group.', [('DELETE', _ONE)]),
    base.rule(INDEX, base.PROJECT_READER_OR_ADMIN,
              "List the server groups of the caller's project.",
              [('GET', '/os-server-groups')]),
    base.rule(ALL_PROJECTS, base.ADMIN,
              'List the server groups of every project (all_projects).',
              [('GET', '/os-server-groups')]),
    base.rule(SHOW, base.PROJECT_READER_OR_ADMIN,
              'Show a server group.', [('GET', _ONE)]),
]


def list_rules():
    return rules
