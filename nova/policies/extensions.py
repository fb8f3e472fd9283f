"""Policy defaults of the (frozen) extensions list."""

from nova.policies import base

EXTENSIONS = 'os_compute_api:extensions'

rules = [
    base.rule(EXTENSIONS, base.ANY,
              'List the API extensions, or show one of them.',
              [('GET', '/extensions'), ('GET', '/extensions/{alias}')]),
]


def list_rules():
    return rules
