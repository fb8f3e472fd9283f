"""The network service as the rest of nova sees it.

API() gives the backend of [network] backend: NoNetworkAPI ("none":
servers get no ports and have no addresses, and nothing depends on a
network service being there) or the Neutron client
(nova.network.neutron). Both take and give the same shapes: requested
networks as dicts ({"uuid"}, {"port"}, {"fixed_ip"}, {"tag"}, or the
special [{"uuid": "auto"}] / [{"uuid": "none"}]) and network information
as nova.network.model's VIF dicts.
"""

import functools

from oslo_serialization import jsonutils

import nova.conf
from nova import exception
from nova.network import model

CONF = nova.conf.CONF

# Special values of the "networks" field of a boot request (2.37+).
NETWORKS_NONE = 'none'
NETWORKS_AUTO = 'auto'
# system_metadata key of the security groups asked for on create (names
# or ids, JSON); the computes create the server's ports with them.
SECURITY_GROUPS_KEY = 'network_security_groups'


def security_groups_asked_for(instance):
    """The security groups (names or ids, as given) asked for when the
    server was created; empty when none were or the record is unreadable."""
    try:
        metadata = instance.system_metadata or {}
    except Exception:   # not loaded on this object
        return []
    text = metadata.get(SECURITY_GROUPS_KEY)
    try:
        names = jsonutils.loads(text) if text else []
    except ValueError:
        return []
    return [str(n) for n in names] if isinstance(names, list) else []


class NoNetworkAPI:
    """No network service: nothing to allocate, nothing to free."""

    def validate_networks(self, context, requested_networks, max_count,
                          security_groups=None):
        """Return how many instances the networks allow; refuse requests
        for specific networks or ports, which cannot exist here."""
        for request in requested_networks or []:
            if request.get('uuid') in (NETWORKS_AUTO, NETWORKS_NONE):
                continue
            if request.get('uuid') or request.get('port') or \
                    request.get('fixed_ip'):
                raise exception.InvalidInput(
                    reason='No network service is configured ([network] '
                           'backend = none), so networks, ports and fixed '
                           'IPs cannot be requested; boot with networks '
                           '"none" or "auto".')
        return max_count

    def allocate_for_instance(self, context, instance, requested_networks,
                              host=None):
        return []

    def deallocate_for_instance(self, context, instance):
        return None

    def get_instance_nw_info(self, context, instance):
        return []

    def refresh_instance_nw_info(self, context, instance):
        return []

    def bind_ports_to_host(self, context, instance, host):
        return []

    def unbind_ports(self, context, instance):
        return None

    def has_port_binding_extension(self, context):
        return False

    def instance_uuids_by_ip(self, context, patterns):
        return []

    def instance_uuid_by_fixed_ip(self, context, address):
        raise exception.FixedIpNotFoundForAddress(address=address)

    # os-interface: there is nothing to attach from, and nothing attached.
    def validate_interface_attach(self, context, instance, network_id=None,
                                  port_id=None, fixed_ip=None):
        if port_id:
            raise exception.PortNotFound(port_id=port_id)
        if network_id:
            raise exception.NetworkNotFound(network_id=network_id)
        raise exception.InterfaceAttachFailedNoNetwork(
            project_id=instance.project_id)

    def allocate_port_for_instance(self, context, instance, network_id=None,
                                   port_id=None, fixed_ip=None, tag=None,
                                   host=None):
        self.validate_interface_attach(context, instance, network_id,
                                       port_id, fixed_ip)

    def deallocate_port_for_instance(self, context, instance, port_id):
        raise exception.PortNotFound(port_id=port_id)


@functools.lru_cache(maxsize=None)
def _neutron_api():
    from nova.network import neutron
    return neutron.NeutronAPI()


def API():
    backend = CONF.network.backend
    if backend == 'none':
        return NoNetworkAPI()
    if backend == 'neutron':
        return _neutron_api()
    raise exception.InvalidInput(reason='unknown network backend %s'
                                 % backend)


def is_neutron():
    return CONF.network.backend == 'neutron'


def addresses_from_nw_info(nw_info, extended=True):
    """The "addresses" field of a server view: {network label: [ips]}."""
    return model.addresses(nw_info, extended=extended)
