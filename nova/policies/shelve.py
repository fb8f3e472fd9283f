"""Policy defaults of shelve, shelveOffload and unshelve."""

from nova.policies import base

ROOT = 'os_compute_api:os-shelve:%s'
SHELVE = ROOT % 'shelve'
SHELVE_OFFLOAD = ROOT % 'shelve_offload'
UNSHELVE = ROOT % 'unshelve'
UNSHELVE_TO_HOST = ROOT % 'unshelve_to_host'

rules = [
    base.rule(SHELVE, base.PROJECT_MEMBER_OR_ADMIN, 'Shelve a server.',
              [('POST', '/servers/{server_id}/action (shelve)')]),
    base.rule(SHELVE_OFFLOAD, base.ADMIN,
              'Offload a shelved server from its host at once.',
              [('POST', '/servers/{server_id}/action (shelveOffload)')]),
    base.rule(UNSHELVE, base.PROJECT_MEMBER_OR_ADMIN,
              'Unshelve a shelved server.',
              [('POST', '/servers/{server_id}/action (unshelve)')]),
    base.rule(UNSHELVE_TO_HOST, base.ADMIN,
              'Unshelve an offloaded server onto a given host (2.91).',
              [('POST', '/servers/{server_id}/action (unshelve)')]),
]


def list_rules():
    return rules
