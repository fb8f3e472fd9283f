"""Server actions for consoles before remote-consoles (2.1 to 2.5):
os-getVNCConsole, os-getSerialConsole, os-getSPICEConsole,
os-getRDPConsole. Each answers {"console": {"type", "url"}}; the fake
driver has VNC and serial consoles only (501 for the others)."""

from nova.api import common
from nova.api.controllers import server_actions
from nova.api.controllers import servers
from nova.api import faults
from nova.api.schemas.actions import consoles as schema
from nova import exception
from nova.policies import remote_consoles as policies

_LAST = '2.5'

# Action name -> console protocol.
_PROTOCOLS = {
    'os-getVNCConsole': 'vnc',
    'os-getSerialConsole': 'serial',
    'os-getSPICEConsole': 'spice',
    'os-getRDPConsole': 'rdp',
}


def _get_console(name, req, server_id, value):
    protocol = _PROTOCOLS[name]
    console_type = value['type']
    inst = servers.get_server(req, server_id, policies.REMOTE_CONSOLES)
    if console_type == 'xvpvnc':
        raise exception.ConsoleTypeInvalid(console_type=console_type)
    # A console type the host's driver does not offer is one this
    # deployment does not implement.
    with faults.translate((
            (exception.ConsoleTypeInvalid, NotImplementedError), 501,
            'Unable to get %s console, functionality not implemented'
            % protocol)):
        found = servers.compute_api().get_console(common.context(req), inst,
                                                  console_type)
    common.set_status(200)
    return {'console': {'type': console_type, 'url': found['url']}}


def _register(name):
    @server_actions.action(name, schema=schema.get_console(name),
                           max_version=_LAST)
    def handler(req, server_id, value):
        return _get_console(name, req, server_id, value)
    return handler


for _name in _PROTOCOLS:
    _register(_name)
