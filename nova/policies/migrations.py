"""Policy defaults of os-migrations.

A project manager lists the migrations of their own project (naming it
with project_id, 2.80); listing every project's, or another one's, needs
index:all_projects, and the source and destination hosts are shown only
to callers passing index:host. Administrators pass all three.
"""

from nova.policies import base

ROOT = 'os_compute_api:os-migrations:%s'
INDEX = ROOT % 'index'
ALL_PROJECTS = ROOT % 'index:all_projects'
HOST = ROOT % 'index:host'

rules = [
    base.rule(INDEX, base.PROJECT_MANAGER_OR_ADMIN,
              'List migrations (without their hosts unless '
              'index:host allows them).',
              [('GET', '/os-migrations')]),
    base.rule(ALL_PROJECTS, base.ADMIN,
              'List the migrations of every project, or of a project '
              "other than the caller's.",
              [('GET', '/os-migrations')]),
    base.rule(HOST, base.ADMIN,
              'Show the source and destination hosts and nodes of the '
              'listed migrations.',
              [('GET', '/os-migrations')]),
]


def list_rules():
    return rules
