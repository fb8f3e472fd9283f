"""Policy defaults of flavor management: creating, describing and
deleting flavors is for administrators."""

from nova.policies import base

ROOT = 'os_compute_api:os-flavor-manage:%s'
CREATE = ROOT % 'create'
UPDATE = ROOT % 'update'
DELETE = ROOT % 'delete'

rules = [
    base.rule(CREATE, base.ADMIN, 'Create a flavor.', [('POST', '/flavors')]),
    base.rule(UPDATE, base.ADMIN,
              'Update the description of a flavor (2.55).',
              [('PUT', '/flavors/{flavor_id}')]),
    base.rule(DELETE, base.ADMIN, 'Delete a flavor.',
              [('DELETE', '/flavors/{flavor_id}')]),
]


def list_rules():
    return rules
