"""Policy defaults of flavor extra specs: readable by every project
reader (they say what a flavor gives a server), written by
administrators."""

from nova.policies import base

ROOT = 'os_compute_api:os-flavor-extra-specs:%s'
INDEX = ROOT % 'index'
SHOW = ROOT % 'show'
CREATE = ROOT % 'create'
UPDATE = ROOT % 'update'
DELETE = ROOT % 'delete'

_SPECS = '/flavors/{flavor_id}/os-extra_specs'
_SPEC = _SPECS + '/{flavor_extra_spec_key}'

rules = [
    base.rule(INDEX, base.PROJECT_READER_OR_ADMIN,
              'List the extra specs of a flavor. From microversion 2.61 '
              'this rule also decides whether flavor bodies carry their '
              'extra_specs (and from 2.47 the flavor of a server).',
              [('GET', _SPECS), ('GET', '/flavors/detail'),
               ('GET', '/flavors/{flavor_id}'), ('POST', '/flavors'),
               ('PUT', '/flavors/{flavor_id}'),
               ('GET', '/servers/detail'), ('GET', '/servers/{server_id}'),
               ('PUT', '/servers/{server_id}'),
               ('POST', '/servers/{server_id}/action (rebuild)')]),
    base.rule(SHOW, base.PROJECT_READER_OR_ADMIN,
              'Show one extra spec of a flavor.', [('GET', _SPEC)]),
    base.rule(CREATE, base.ADMIN, 'Add or replace extra specs of a flavor.',
              [('POST', _SPECS)]),
    base.rule(UPDATE, base.ADMIN, 'Set one extra spec of a flavor.',
              [('PUT', _SPEC)]),
    base.rule(DELETE, base.ADMIN, 'Delete one extra spec of a flavor.',
              [('DELETE', _SPEC)]),
]


def list_rules():
    return rules
