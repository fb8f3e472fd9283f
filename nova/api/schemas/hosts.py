"""Request bodies of os-hosts (until 2.43)."""

_switch = {'type': 'string',
           'enum': ['enable', 'disable', 'Enable', 'Disable', 'ENABLE',
                    'DISABLE']}

# PUT /os-hosts/{host}.
update = {
    'type': 'object',
    'properties': {'status': _switch, 'maintenance_mode': _switch},
    'minProperties': 1,
    'additionalProperties': False,
}
