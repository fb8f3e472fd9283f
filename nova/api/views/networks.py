"""Neutron networks in the shapes of the os-networks and
os-tenant-networks proxies.

Those shapes are nova-network's; Neutron fills only the id and the label
(its name), the rest stays null, as upstream has shown them since
nova-network went away.
"""

_FIELDS = ('id', 'cidr', 'netmask', 'gateway', 'broadcast', 'dns1', 'dns2',
           'cidr_v6', 'gateway_v6', 'label', 'netmask_v6')
_ADMIN_FIELDS = ('created_at', 'updated_at', 'deleted_at', 'deleted',
                 'injected', 'bridge', 'vlan', 'vpn_public_address',
                 'vpn_public_port', 'vpn_private_address', 'dhcp_start',
                 'project_id', 'host', 'bridge_interface', 'multi_host',
                 'priority', 'rxtx_base', 'mtu', 'dhcp_server',
                 'enable_dhcp', 'share_address')


def network(net, admin=False):
    """An os-networks network; administrators see more (null) fields."""
    fields = _FIELDS + (_ADMIN_FIELDS if admin else ())
    body = dict.fromkeys(fields)
    body['id'] = net['id']
    body['label'] = net.get('name')
    return body


def tenant_network(net):
    """An os-tenant-networks network. Its cidr is the string "None":
    what upstream answers with Neutron, kept for its clients."""
    return {'id': net.get('id'), 'cidr': str(None), 'label': net.get('name')}
