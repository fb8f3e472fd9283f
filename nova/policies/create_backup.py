"""Policy defaults of createBackup."""

from nova.policies import base

CREATE_BACKUP = 'os_compute_api:os-create-backup'

rules = [
    base.rule(CREATE_BACKUP, base.PROJECT_MEMBER_OR_ADMIN,
              'Back a server up to an image, keeping a rotation of them.',
              [('POST', '/servers/{server_id}/action (createBackup)')]),
]


def list_rules():
    return rules
