"""Server actions for consoles before remote-consoles (2.1 to 2.5):
os-getVNCConsole, os-getSerialConsole, os-getSPICEConsole,
os-getRDPConsole. Each answers {"console": {"type", "url"}}; the fake
driver has VNC and serial consoles only (501 for the others)."""

import webob.exc

from nova.api import common
from nova.api.controllers import server_actions
from nova.api.controllers import servers
from nova import exception
from nova.policies import remote_consoles as policies

_LAST = '2.5'

_TYPES = {
    'os-getVNCConsole': ('vnc', ['novnc', 'xvpvnc']),
    'os-getSerialConsole': ('serial', ['serial']),
    'os-getSPICEConsole': ('spice', ['spice-html5']),
    'os-getRDPConsole': ('rdp', ['rdp-html5']),
}


def _schema(name):
    return {
        'type': 'object',
        'properties': {name: {
            'type': 'object',
            'properties': {'type': {'type': 'string',
                                    'enum': _TYPES[name][1]}},
            'required': ['type'],
            'additionalProperties': False,
        }},
        'required': [name],
        'additionalProperties': False,
    }


def _get_console(name, req, server_id, value):
    protocol, _types = _TYPES[name]
    console_type = value['type']
    inst = servers.get_server(req, server_id, policies.REMOTE_CONSOLES)
    if console_type == 'xvpvnc':
        raise exception.ConsoleTypeInvalid(console_type=console_type)
    try:
        found = servers.compute_api().get_console(common.context(req), inst,
                                                  console_type)
    except (exception.ConsoleTypeInvalid, NotImplementedError):
        raise webob.exc.HTTPNotImplemented(
            explanation='Unable to get %s console, functionality not '
                        'implemented' % protocol)
    common.set_status(200)
    return {'console': {'type': console_type, 'url': found['url']}}


def _register(name):
    @server_actions.action(name, schema=_schema(name), max_version=_LAST)
    def handler(req, server_id, value):
        return _get_console(name, req, server_id, value)
    return handler


for _name in _TYPES:
    _register(_name)
