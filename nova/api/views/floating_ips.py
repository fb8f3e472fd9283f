"""Floating IPs and their pools as the Compute API shows them."""


def floating_ip(fip):
    port = fip.get('port_details') or {}
    network = fip.get('network_details') or {}
    return {
        'id': fip['id'],
        'ip': fip['floating_ip_address'],
        'fixed_ip': fip.get('fixed_ip_address'),
        'instance_id': port.get('device_id') if port else None,
        'pool': network.get('name') or network.get('id') or
        fip.get('floating_network_id'),
    }


def pool(network):
    return {'name': network.get('name') or network['id']}
