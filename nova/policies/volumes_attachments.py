"""Policy defaults of /servers/{server_id}/os-volume_attachments."""

from nova.policies import base

ROOT = 'os_compute_api:os-volumes-attachments:%s'
INDEX = ROOT % 'index'
SHOW = ROOT % 'show'
CREATE = ROOT % 'create'
UPDATE = ROOT % 'update'
DELETE = ROOT % 'delete'

_ALL = '/servers/{server_id}/os-volume_attachments'
_ONE = '/servers/{server_id}/os-volume_attachments/{volume_id}'

rules = [
    base.rule(INDEX, base.PROJECT_READER_OR_ADMIN,
              'List the volumes attached to a server.', [('GET', _ALL)]),
    base.rule(SHOW, base.PROJECT_READER_OR_ADMIN,
              'Show a volume attachment of a server.', [('GET', _ONE)]),
    base.rule(CREATE, base.PROJECT_MEMBER_OR_ADMIN,
              'Attach a volume to a server.', [('POST', _ALL)]),
    base.rule(UPDATE, base.PROJECT_MEMBER_OR_ADMIN,
              'Update a volume attachment of a server.', [('PUT', _ONE)]),
    base.rule(DELETE, base.PROJECT_MEMBER_OR_ADMIN,
              'Detach a volume from a server.', [('DELETE', _ONE)]),
]


def list_rules():
    return rules
