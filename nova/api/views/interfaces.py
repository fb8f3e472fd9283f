"""Bodies of the os-interface resource: one attachment per VIF of the
server's network info cache."""

from nova.api import common
from nova.api import microversions as mv


def attachment(req, vif):
    network = vif.get('network') or {}
    body = {
        'port_state': 'ACTIVE' if vif.get('active') else 'DOWN',
        'fixed_ips': [{'subnet_id': subnet.get('id'),
                       'ip_address': ip['address']}
                      for subnet in network.get('subnets') or []
                      for ip in subnet.get('ips') or []],
        'port_id': vif['id'],
        'net_id': network.get('id'),
        'mac_addr': vif.get('address'),
    }
    if common.version(req) >= mv.MV_ATTACHMENT_TAGS:
        body['tag'] = vif.get('tag')
    return body
