"""Policy defaults of os-quota-class-sets: administrators only."""

from nova.policies import base

ROOT = 'os_compute_api:os-quota-class-sets:%s'
SHOW = ROOT % 'show'
UPDATE = ROOT % 'update'

_ONE = '/os-quota-class-sets/{quota_class}'

rules = [
    base.rule(SHOW, base.ADMIN, 'Show the quotas of a quota class.',
              [('GET', _ONE)]),
    base.rule(UPDATE, base.ADMIN, 'Update the quotas of a quota class.',
              [('PUT', _ONE)]),
]


def list_rules():
    return rules
