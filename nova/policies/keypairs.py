"""Policy defaults of os-keypairs: key pairs belong to a user, not to a
project. The target is the user whose key pairs are meant (the caller's,
or the one an administrator names with user_id from 2.10)."""

from nova.policies import base

ROOT = 'os_compute_api:os-keypairs:%s'
INDEX = ROOT % 'index'
CREATE = ROOT % 'create'
SHOW = ROOT % 'show'
DELETE = ROOT % 'delete'

OWNER_OR_ADMIN = '(' + base.ADMIN + ') or user_id:%(user_id)s'

_ONE = '/os-keypairs/{keypair_name}'

rules = [
    base.rule(INDEX, OWNER_OR_ADMIN, "List a user's key pairs.",
              [('GET', '/os-keypairs')]),
    base.rule(CREATE, OWNER_OR_ADMIN,
              'Create or import a key pair for a user.',
              [('POST', '/os-keypairs')]),
    base.rule(SHOW, OWNER_OR_ADMIN, "Show one of a user's key pairs.",
              [('GET', _ONE)]),
    base.rule(DELETE, OWNER_OR_ADMIN, "Delete one of a user's key pairs.",
              [('DELETE', _ONE)]),
]


def list_rules():
    return rules
