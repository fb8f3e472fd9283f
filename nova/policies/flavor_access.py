"""Policy defaults of flavor access: who may use a private flavor is
managed, and read, by administrators."""

from nova.policies import base

INDEX = 'os_compute_api:os-flavor-access'
ADD = 'os_compute_api:os-flavor-access:add_tenant_access'
REMOVE = 'os_compute_api:os-flavor-access:remove_tenant_access'

_ACTION = '/flavors/{flavor_id}/action (%s)'

rules = [
    base.rule(INDEX, base.ADMIN,
              'List the projects that may use a private flavor.',
              [('GET', '/flavors/{flavor_id}/os-flavor-access')]),
    base.rule(ADD, base.ADMIN, 'Let a project use a private flavor.',
              [('POST', _ACTION % 'addTenantAccess')]),
    base.rule(REMOVE, base.ADMIN,
              "Take a project's access to a private flavor away.",
              [('POST', _ACTION % 'removeTenantAccess')]),
]


def list_rules():
    return rules
