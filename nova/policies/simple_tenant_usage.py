"""Policy defaults of os-simple-tenant-usage: a project's readers see its
usage; every project's usage is for administrators."""

from nova.policies import base

ROOT = 'os_compute_api:os-simple-tenant-usage:%s'
SHOW = ROOT % 'show'
LIST = ROOT % 'list'

rules = [
    base.rule(SHOW, base.PROJECT_READER_OR_ADMIN,
              'Show the usage of one project.',
              [('GET', '/os-simple-tenant-usage/{tenant_id}')]),
    base.rule(LIST, base.ADMIN, 'List the usage of every project.',
              [('GET', '/os-simple-tenant-usage')]),
]


def list_rules():
    return rules
