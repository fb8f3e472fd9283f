"""Policy defaults of /servers/{server_id}/migrations: a server's live
migrations in progress.

A project manager may follow, finish or abort the live migrations of the
project's servers, without seeing which hosts they run between.
"""

from nova.policies import base

ROOT = 'os_compute_api:servers:migrations:%s'
INDEX = ROOT % 'index'
INDEX_HOST = ROOT % 'index:host'
SHOW = ROOT % 'show'
FORCE_COMPLETE = ROOT % 'force_complete'
DELETE = ROOT % 'delete'

_ONE = '/servers/{server_id}/migrations/{migration_id}'

rules = [
    base.rule(INDEX, base.PROJECT_MANAGER_OR_ADMIN,
              'List the live migrations in progress of a server (2.23), '
              'without their hosts.',
              [('GET', '/servers/{server_id}/migrations')]),
    base.rule(INDEX_HOST, base.ADMIN,
              'Include the source and destination hosts and nodes in the '
              'list of live migrations of a server. Checked after %s '
              'passes.' % INDEX,
              [('GET', '/servers/{server_id}/migrations')]),
    base.rule(SHOW, base.ADMIN,
              'Show a live migration in progress of a server (2.23).',
              [('GET', _ONE)]),
    base.rule(FORCE_COMPLETE, base.PROJECT_MANAGER_OR_ADMIN,
              'Force a live migration in progress to complete (2.22).',
              [('POST', _ONE + '/action (force_complete)')]),
    base.rule(DELETE, base.PROJECT_MANAGER_OR_ADMIN,
              'Abort a live migration in progress (2.24).',
              [('DELETE', _ONE)]),
]


def list_rules():
    return rules
