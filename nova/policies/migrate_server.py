"""Policy defaults of cold and live migration.

A project manager may move the project's servers and let the scheduler
pick the destination; naming the destination host is for administrators.
"""

from nova.policies import base

ROOT = 'os_compute_api:os-migrate-server:%s'
MIGRATE = ROOT % 'migrate'
MIGRATE_HOST = ROOT % 'migrate:host'
MIGRATE_LIVE = ROOT % 'migrate_live'
MIGRATE_LIVE_HOST = ROOT % 'migrate_live:host'

rules = [
    base.rule(MIGRATE, base.PROJECT_MANAGER_OR_ADMIN,
              'Cold migrate a server to a host the scheduler picks.',
              [('POST', '/servers/{server_id}/action (migrate)')]),
    base.rule(MIGRATE_HOST, base.ADMIN,
              'Cold migrate a server to a given host (2.56).',
              [('POST', '/servers/{server_id}/action (migrate)')]),
    base.rule(MIGRATE_LIVE, base.PROJECT_MANAGER_OR_ADMIN,
              'Live migrate a server to a host the scheduler picks.',
              [('POST', '/servers/{server_id}/action (os-migrateLive)')]),
    base.rule(MIGRATE_LIVE_HOST, base.ADMIN,
              'Live migrate a server to a given host.',
              [('POST', '/servers/{server_id}/action (os-migrateLive)')]),
]


def list_rules():
    return rules
