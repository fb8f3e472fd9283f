"""Policy defaults of /servers/{server_id}/os-instance-actions."""

from nova.policies import base

ROOT = 'os_compute_api:os-instance-actions:%s'
LIST = ROOT % 'list'
SHOW = ROOT % 'show'
EVENTS = ROOT % 'events'
EVENTS_DETAILS = ROOT % 'events:details'

_ONE = '/servers/{server_id}/os-instance-actions/{request_id}'

rules = [
    base.rule(LIST, base.PROJECT_READER_OR_ADMIN,
              'List the actions done on a server.',
              [('GET', '/servers/{server_id}/os-instance-actions')]),
    base.rule(SHOW, base.PROJECT_READER_OR_ADMIN,
              'Show one action done on a server.', [('GET', _ONE)]),
    base.rule(EVENTS, base.ADMIN,
              "Include an action's events with their tracebacks (and, "
              "from 2.62, the host of each event). Without it, events are "
              "shown from 2.51 with neither. Checked after %s passes."
              % SHOW,
              [('GET', _ONE)]),
    base.rule(EVENTS_DETAILS, base.ADMIN,
              "Include the details of each event (2.84), which tell why "
              "it failed but may reveal how the cloud is built (the "
              "hypervisor, for one). Checked after %s passes." % SHOW,
              [('GET', _ONE)]),
]


def list_rules():
    return rules
