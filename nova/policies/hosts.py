"""Policy defaults of os-hosts (deprecated in favour of os-hypervisors
and os-services, gone at 2.43): administrators only."""

from nova.policies import base

ROOT = 'os_compute_api:os-hosts:%s'
LIST = ROOT % 'list'
SHOW = ROOT % 'show'
UPDATE = ROOT % 'update'
REBOOT = ROOT % 'reboot'
SHUTDOWN = ROOT % 'shutdown'
START = ROOT % 'start'

_ONE = '/os-hosts/{host_name}'

rules = [
    base.rule(LIST, base.ADMIN, 'List the hosts and their services.',
              [('GET', '/os-hosts')]),
    base.rule(SHOW, base.ADMIN, 'Show the resources of a compute host.',
              [('GET', _ONE)]),
    base.rule(UPDATE, base.ADMIN,
              'Enable or disable a host, or put it in maintenance mode.',
              [('PUT', _ONE)]),
    base.rule(REBOOT, base.ADMIN, 'Reboot a host.',
              [('GET', _ONE + '/reboot')]),
    base.rule(SHUTDOWN, base.ADMIN, 'Shut a host down.',
              [('GET', _ONE + '/shutdown')]),
    base.rule(START, base.ADMIN, 'Start a host.',
              [('GET', _ONE + '/startup')]),
]

# The action of /os-hosts/{host}/<action> to its rule.
ACTIONS = {'reboot': REBOOT, 'shutdown': SHUTDOWN, 'startup': START}


def list_rules():
    return rules
