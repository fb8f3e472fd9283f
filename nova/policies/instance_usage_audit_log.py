"""Policy defaults of os-instance-usage-audit-log: administrators only."""

from nova.policies import base

ROOT = 'os_compute_api:os-instance-usage-audit-log:%s'
LIST = ROOT % 'list'
SHOW = ROOT % 'show'

rules = [
    base.rule(LIST, base.ADMIN,
              'The usage audit of the current audit period.',
              [('GET', '/os-instance-usage-audit-log')]),
    base.rule(SHOW, base.ADMIN,
              'The usage audit of the period before a given time.',
              [('GET', '/os-instance-usage-audit-log/{before_timestamp}')]),
]


def list_rules():
    return rules
