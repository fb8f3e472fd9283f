"""Policy defaults of os-quota-sets.

The target is the project of the path: a project's readers see its
quotas; other projects' quotas, and every change, are for
administrators. The defaults are public.
"""

from nova.policies import base

ROOT = 'os_compute_api:os-quota-sets:%s'
SHOW = ROOT % 'show'
DETAIL = ROOT % 'detail'
DEFAULTS = ROOT % 'defaults'
UPDATE = ROOT % 'update'
DELETE = ROOT % 'delete'

_ONE = '/os-quota-sets/{tenant_id}'

rules = [
    base.rule(SHOW, base.PROJECT_READER_OR_ADMIN, 'Show the quotas of a '
              'project (or of a user in it).', [('GET', _ONE)]),
    base.rule(DETAIL, base.PROJECT_READER_OR_ADMIN,
              'Show the quotas of a project with their usage.',
              [('GET', _ONE + '/detail')]),
    base.rule(DEFAULTS, base.ANY, 'Show the default quotas.',
              [('GET', _ONE + '/defaults')]),
    base.rule(UPDATE, base.ADMIN, 'Update the quotas of a project.',
              [('PUT', _ONE)]),
    base.rule(DELETE, base.ADMIN,
              'Revert the quotas of a project to the defaults.',
              [('DELETE', _ONE)]),
]


def list_rules():
    return rules
