"""Policy defaults of os-services: administrators only."""

from nova.policies import base

ROOT = 'os_compute_api:os-services:%s'
LIST = ROOT % 'list'
UPDATE = ROOT % 'update'
DELETE = ROOT % 'delete'

rules = [
    base.rule(LIST, base.ADMIN, 'List the nova services.',
              [('GET', '/os-services')]),
    base.rule(UPDATE, base.ADMIN,
              'Enable, disable or force down a compute service.',
              [('PUT', '/os-services/{service_id}'),
               ('PUT', '/os-services/enable'),
               ('PUT', '/os-services/disable'),
               ('PUT', '/os-services/disable-log-reason'),
               ('PUT', '/os-services/force-down')]),
    base.rule(DELETE, base.ADMIN, 'Delete a service.',
              [('DELETE', '/os-services/{service_id}')]),
]


def list_rules():
    return rules
