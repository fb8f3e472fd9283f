"""Policy defaults of the OS-EXT-SRV-ATTR attributes of server bodies."""

from nova.policies import base

EXTENDED_ATTRIBUTES = 'os_compute_api:os-extended-server-attributes'

rules = [
    base.rule(EXTENDED_ATTRIBUTES, base.ADMIN,
              'Include the OS-EXT-SRV-ATTR attributes (host, hypervisor '
              'hostname, instance name; from 2.3 reservation id, launch '
              'index, kernel and ramdisk ids, root device name and user '
              'data) in server bodies. The hostname attribute is shown to '
              'everybody from 2.90.',
              [('GET', '/servers/{server_id}'),
               ('GET', '/servers/detail'),
               ('PUT', '/servers/{server_id}'),
               ('POST', '/servers/{server_id}/action (rebuild)')]),
]


def list_rules():
    return rules
