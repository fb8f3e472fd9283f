"""Policy defaults of os-hypervisors: the compute nodes, their resources
and servers are for administrators."""

from nova.policies import base

ROOT = 'os_compute_api:os-hypervisors:%s'
LIST = ROOT % 'list'
LIST_DETAIL = ROOT % 'list-detail'
STATISTICS = ROOT % 'statistics'
SHOW = ROOT % 'show'
UPTIME = ROOT % 'uptime'
SEARCH = ROOT % 'search'
SERVERS = ROOT % 'servers'

rules = [
    base.rule(LIST, base.ADMIN, 'List the hypervisors.',
              [('GET', '/os-hypervisors')]),
    base.rule(LIST_DETAIL, base.ADMIN, 'List the hypervisors with details.',
              [('GET', '/os-hypervisors/details')]),
    base.rule(STATISTICS, base.ADMIN,
              'Summary statistics over every compute node (until 2.88).',
              [('GET', '/os-hypervisors/statistics')]),
    base.rule(SHOW, base.ADMIN, 'Show the details of a hypervisor.',
              [('GET', '/os-hypervisors/{hypervisor_id}')]),
    base.rule(UPTIME, base.ADMIN,
              'Show the uptime of a hypervisor (until 2.88).',
              [('GET', '/os-hypervisors/{hypervisor_id}/uptime')]),
    base.rule(SEARCH, base.ADMIN,
              'Search hypervisors by host name pattern (until 2.53).',
              [('GET', '/os-hypervisors/{hypervisor_hostname_pattern}'
                       '/search')]),
    base.rule(SERVERS, base.ADMIN,
              'List the servers of the hypervisors matching a host name '
              'pattern (until 2.53).',
              [('GET', '/os-hypervisors/{hypervisor_hostname_pattern}'
                       '/servers')]),
]


def list_rules():
    return rules
