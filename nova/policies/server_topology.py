"""Policy defaults of /servers/{server_id}/topology (2.78)."""

from nova.policies import base

INDEX = 'os_compute_api:server-topology:index'
HOST_INDEX = 'os_compute_api:server-topology:host:index'

_PATH = '/servers/{server_id}/topology'

rules = [
    base.rule(INDEX, base.PROJECT_READER_OR_ADMIN,
              'Show the NUMA topology of a server.', [('GET', _PATH)]),
    base.rule(HOST_INDEX, base.ADMIN,
              "Include the host side of the topology (the host NUMA node "
              "and CPU pinning of each guest node). Checked after %s "
              "passes." % INDEX,
              [('GET', _PATH)]),
]


def list_rules():
    return rules
