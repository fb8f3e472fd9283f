"""network_data.json: a server's links, networks and DNS services, from
its network information (nova.network.model VIFs).

Each VIF with addresses is a link (named by its tap device); its first
IPv4 and first IPv6 subnet each become a network: ``ipv4_dhcp`` /
``ipv6_dhcp`` where the subnet has DHCP (the guest asks for its address),
otherwise a static entry with address, netmask, routes and DNS servers.
"""

import ipaddress


def _first_subnet(vif, version):
    for subnet in vif.get('network', {}).get('subnets') or ():
        if subnet.get('version') == version:
            return subnet
    return None


def _link(vif, index):
    network = vif.get('network') or {}
    return {
        'id': vif.get('devname') or 'interface%d' % index,
        'vif_id': vif['id'],
        # Guests configure OVS, bridge and tap ports alike: a physical NIC.
        'type': 'phy',
        'mtu': network.get('mtu'),
        'ethernet_mac_address': vif.get('address'),
    }


def _dns(subnet):
    return [{'type': 'dns', 'address': address}
            for address in subnet.get('dns') or ()]


def _default_route(subnet, version):
    gateway = subnet.get('gateway')
    if not gateway:
        return []
    anywhere = '0.0.0.0' if version == 4 else '::'
    return [{'network': anywhere, 'netmask': anywhere, 'gateway': gateway}]


def _network(vif, subnet, version, index, link_id):
    network_id = vif.get('network', {}).get('id')
    entry = {'id': 'network%d' % index, 'link': link_id,
             'network_id': network_id}
    if subnet.get('enable_dhcp') and version == 4:
        entry['type'] = 'ipv4_dhcp'
        return entry
    if subnet.get('ipv6_address_mode') and version == 6:
        entry['type'] = 'ipv6_%s' % subnet['ipv6_address_mode']
    elif subnet.get('enable_dhcp'):
        entry['type'] = 'ipv6_dhcp'
        return entry
    else:
        entry['type'] = 'ipv%d' % version
    cidr = ipaddress.ip_network(subnet['cidr'], strict=False)
    entry['ip_address'] = subnet['ips'][0]['address']
    entry['netmask'] = str(cidr.netmask)
    entry['routes'] = _default_route(subnet, version)
    for route in subnet.get('routes') or ():
        destination = ipaddress.ip_network(route['cidr'], strict=False)
        entry['routes'].append({'network': str(destination.network_address),
                                'netmask': str(destination.netmask),
                                'gateway': route['gateway']})
    entry['services'] = _dns(subnet)
    return entry


def build(network_info):
    """The network_data.json dict of ``network_info``; None without VIFs
    (the file is then "{}")."""
    if not network_info:
        return None
    links, networks, services = [], [], []
    for index, vif in enumerate(network_info):
        v4 = _first_subnet(vif, 4)
        v6 = _first_subnet(vif, 6)
        if not (v4 or v6):
            continue
        link = _link(vif, index)
        links.append(link)
        for version, subnet in ((4, v4), (6, v6)):
            if not subnet or not subnet.get('ips'):
                continue
            networks.append(_network(vif, subnet, version, len(networks),
                                     link['id']))
            for service in _dns(subnet):
                if service not in services:
                    services.append(service)
    return {'links': links, 'networks': networks, 'services': services}
