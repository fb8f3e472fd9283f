"""Policy defaults of os-availability-zone: the zone names are for
everyone (they are what a boot request names); the hosts and services
behind them for administrators."""

from nova.policies import base

ROOT = 'os_compute_api:os-availability-zone:%s'
LIST = ROOT % 'list'
DETAIL = ROOT % 'detail'

rules = [
    base.rule(LIST, base.ANY,
              'List the availability zones and whether they are '
              'available.',
              [('GET', '/os-availability-zone')]),
    base.rule(DETAIL, base.ADMIN,
              'List the availability zones with their hosts and the '
              'services on them.',
              [('GET', '/os-availability-zone/detail')]),
]


def list_rules():
    return rules
