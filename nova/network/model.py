"""A server's network information: its VIFs, as plain JSON-able dicts.

The network API builds it from Neutron's ports, networks, subnets and
floating IPs and stores it with the instance (the info cache); the API's
views, os-interface, the metadata service and the virt drivers read it
from there. One VIF::

    {"id": port id, "address": MAC, "type": binding:vif_type,
     "details": binding:vif_details, "devname": "tap" + port id[:11],
     "ovs_interfaceid": port id, "vnic_type": "normal", "active": bool,
     "profile": binding:profile, "preserve_on_delete": bool,
     "tag": device tag or None,
     "network": {"id", "label", "bridge", "mtu", "tunneled",
                 "physical_network", "tenant_id",
                 "subnets": [{"cidr", "version", "gateway", "dns": [...],
                              "routes": [...], "dhcp_server",
                              "ips": [{"address", "type": "fixed",
                                       "version",
                                       "floating_ips": [address, ...]}]}]}}
"""

import ipaddress

from oslo_serialization import jsonutils

# Linux limits interface names to 15 characters.
NIC_NAME_LEN = 14


def load(text):
    """The VIF list of an info cache's text (empty for none)."""
    if not text:
        return []
    try:
        value = jsonutils.loads(text)
    except ValueError:
        return []
    return value if isinstance(value, list) else []


def dump(network_info):
    return jsonutils.dumps(list(network_info or []))


def _version(address):
    return ipaddress.ip_address(address).version


def build_vif(port, network, subnets, floating_ips, ovs_bridge='br-int',
              preserve_on_delete=False, tag=None):
    """The VIF of a Neutron ``port`` on ``network``.

    ``subnets`` maps subnet ids to Neutron subnets; ``floating_ips`` lists
    the floating IPs whose port is this one.
    """
    details = port.get('binding:vif_details') or {}
    by_fixed = {}
    for fip in floating_ips:
        by_fixed.setdefault(fip.get('fixed_ip_address'), []).append(
            fip['floating_ip_address'])
    vif_subnets = {}
    for fixed in port.get('fixed_ips') or []:
        subnet = subnets.get(fixed['subnet_id'], {})
        entry = vif_subnets.get(fixed['subnet_id'])
        if entry is None:
            entry = _subnet(subnet, fixed['ip_address'])
            vif_subnets[fixed['subnet_id']] = entry
        entry['ips'].append({
            'address': fixed['ip_address'],
            'type': 'fixed',
            'version': _version(fixed['ip_address']),
            'floating_ips': by_fixed.get(fixed['ip_address'], []),
        })
    network_type = network.get('provider:network_type')
    return {
        'id': port['id'],
        'address': port.get('mac_address'),
        'type': port.get('binding:vif_type') or 'unbound',
        'details': details,
        'devname': ('tap' + port['id'])[:NIC_NAME_LEN],
        'ovs_interfaceid': port['id'],
        'vnic_type': port.get('binding:vnic_type') or 'normal',
        'profile': port.get('binding:profile') or {},
        'active': port.get('status') == 'ACTIVE',
        'preserve_on_delete': bool(preserve_on_delete),
        'tag': tag,
        'network': {
            'id': network.get('id') or port.get('network_id'),
            'label': network.get('name') or port.get('network_id'),
            'bridge': details.get('bridge_name') or ovs_bridge,
            'mtu': network.get('mtu'),
            'tenant_id': network.get('project_id') or
            network.get('tenant_id'),
            'physical_network': network.get('provider:physical_network'),
            'tunneled': network_type in ('vxlan', 'gre', 'geneve'),
            'subnets': list(vif_subnets.values()),
        },
    }


def _subnet(subnet, address):
    cidr = subnet.get('cidr')
    return {
        'id': subnet.get('id'),
        'cidr': cidr,
        'version': subnet.get('ip_version') or _version(address),
        'gateway': subnet.get('gateway_ip'),
        'dns': list(subnet.get('dns_nameservers') or []),
        'routes': [{'cidr': r.get('destination'), 'gateway': r.get('nexthop')}
                   for r in subnet.get('host_routes') or []],
        'dhcp_server': None,
        'enable_dhcp': subnet.get('enable_dhcp', True),
        'ipv6_address_mode': subnet.get('ipv6_address_mode'),
        'ips': [],
    }


def fixed_ips(network_info):
    """Every fixed IP address of the VIFs."""
    return [ip['address']
            for vif in network_info or []
            for subnet in vif.get('network', {}).get('subnets', [])
            for ip in subnet.get('ips', [])]


def floating_ips(network_info):
    return [fip
            for vif in network_info or []
            for subnet in vif.get('network', {}).get('subnets', [])
            for ip in subnet.get('ips', [])
            for fip in ip.get('floating_ips', [])]


def addresses(network_info, extended=True):
    """The "addresses" of a server view, {network label: [address]}: its
    fixed IPs and then its floating IPs, each with its version, and with
    ``extended`` its type and MAC (OS-EXT-IPS, OS-EXT-IPS-MAC)."""
    result = {}
    for vif in network_info or []:
        network = vif.get('network') or {}
        label = network.get('label') or network.get('id') or 'private'
        entries = result.setdefault(label, [])
        ips = [ip for subnet in network.get('subnets', [])
               for ip in subnet.get('ips', [])]
        found = [(ip['address'], 'fixed') for ip in ips]
        found += [(fip, 'floating') for ip in ips
                  for fip in ip.get('floating_ips', [])]
        for address, kind in found:
            entry = {'version': _version(address), 'addr': address}
            if extended:
                entry['OS-EXT-IPS:type'] = kind
                entry['OS-EXT-IPS-MAC:mac_addr'] = vif.get('address')
            entries.append(entry)
    return result
