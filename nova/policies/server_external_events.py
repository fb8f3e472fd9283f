"""Policy defaults of os-server-external-events: sent by the other
services (network, volume, bare metal, accelerators) with their service
role; administrators may send them too."""

from nova.policies import base

CREATE = 'os_compute_api:os-server-external-events:create'

rules = [
    base.rule(CREATE, base.SERVICE_OR_ADMIN,
              'Tell nova about events of its servers.',
              [('POST', '/os-server-external-events')]),
]


def list_rules():
    return rules
