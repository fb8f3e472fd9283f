"""The network service as the rest of nova sees it.

Only the "none" backend exists so far: servers get no ports and have no
addresses, and nothing (listing, deleting) depends on a network service
being there. A Neutron client will implement the same interface.
"""

import nova.conf
from nova import exception

CONF = nova.conf.CONF

# Special values of the "networks" field of a boot request (2.37+).
NETWORKS_NONE = 'none'
NETWORKS_AUTO = 'auto'


class NoNetworkAPI:
    """No network service: nothing to allocate, nothing to free."""

    def validate_networks(self, context, requested_networks, max_count):
        """Return how many instances the networks allow; refuse requests
        for specific networks or ports, which cannot exist here."""
        for request in requested_networks or []:
            if request.get('uuid') or request.get('port') or \
                    request.get('fixed_ip'):
                raise exception.InvalidInput(
                    reason='No network service is configured ([network] '
                           'backend = none), so networks, ports and fixed '
                           'IPs cannot be requested; boot with networks '
                           '"none" or "auto".')
        return max_count

    def allocate_for_instance(self, context, instance, requested_networks):
        return []

    def deallocate_for_instance(self, context, instance):
        return None

    def get_instance_nw_info(self, context, instance):
        return []


def API():
    backend = CONF.network.backend
    if backend == 'none':
        return NoNetworkAPI()
    raise exception.InvalidInput(reason='unknown network backend %s'
                                 % backend)


def addresses_from_nw_info(nw_info):
    """The "addresses" field of a server view: {network label: [ips]}."""
    addresses = {}
    for vif in nw_info or []:
        label = vif.get('network', {}).get('label', 'private')
        for ip in vif.get('ips', []):
            addresses.setdefault(label, []).append(ip)
    return addresses
