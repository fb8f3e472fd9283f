"""Policy defaults of /servers/{server_id}/ips."""

from nova.policies import base

ROOT = 'os_compute_api:ips:%s'
INDEX = ROOT % 'index'
SHOW = ROOT % 'show'

rules = [
    base.rule(INDEX, base.PROJECT_READER_OR_ADMIN,
              'List the addresses of a server, by network.',
              [('GET', '/servers/{server_id}/ips')]),
    base.rule(SHOW, base.PROJECT_READER_OR_ADMIN,
              'Show the addresses of a server on one network.',
              [('GET', '/servers/{server_id}/ips/{network_label}')]),
]


def list_rules():
    return rules
