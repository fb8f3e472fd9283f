"""Policy defaults of evacuate."""

from nova.policies import base

EVACUATE = 'os_compute_api:os-evacuate'

rules = [
    base.rule(EVACUATE, base.ADMIN,
              'Rebuild a server of a failed host on another host.',
              [('POST', '/servers/{server_id}/action (evacuate)')]),
]


def list_rules():
    return rules
