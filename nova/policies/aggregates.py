"""Policy defaults of os-aggregates: host aggregates are the operator's
business, every operation is for administrators."""

from nova.policies import base

ROOT = 'os_compute_api:os-aggregates:%s'
INDEX = ROOT % 'index'
CREATE = ROOT % 'create'
SHOW = ROOT % 'show'
UPDATE = ROOT % 'update'
DELETE = ROOT % 'delete'
ADD_HOST = ROOT % 'add_host'
REMOVE_HOST = ROOT % 'remove_host'
SET_METADATA = ROOT % 'set_metadata'

_ONE = '/os-aggregates/{aggregate_id}'
_ACTION = _ONE + '/action (%s)'

rules = [
    base.rule(INDEX, base.ADMIN, 'List all aggregates.',
              [('GET', '/os-aggregates')]),
    base.rule(CREATE, base.ADMIN, 'Create an aggregate.',
              [('POST', '/os-aggregates')]),
    base.rule(SHOW, base.ADMIN, 'Show the details of an aggregate.',
              [('GET', _ONE)]),
    base.rule(UPDATE, base.ADMIN,
              'Update the name or availability zone of an aggregate.',
              [('PUT', _ONE)]),
    base.rule(DELETE, base.ADMIN, 'Delete an empty aggregate.',
              [('DELETE', _ONE)]),
    base.rule(ADD_HOST, base.ADMIN, 'Add a compute host to an aggregate.',
              [('POST', _ACTION % 'add_host')]),
    base.rule(REMOVE_HOST, base.ADMIN,
              'Remove a host from an aggregate.',
              [('POST', _ACTION % 'remove_host')]),
    base.rule(SET_METADATA, base.ADMIN,
              'Create, replace or delete metadata of an aggregate.',
              [('POST', _ACTION % 'set_metadata')]),
]


def list_rules():
    return rules
