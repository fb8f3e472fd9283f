"""Networks for the read side of the os-networks and os-tenant-networks
proxies: what the caller's token lets it see in Neutron."""

from nova import exception
from nova.network import api as network_api
from nova.network import neutron_client


class NetworkProxyAPI:

    def get_all(self, context):
        return neutron_client.Client(context).list('networks')

    def get(self, context, network_id):
        try:
            return neutron_client.Client(context).show('network',
                                                       network_id)
        except neutron_client.NeutronNotFound:
            raise exception.NetworkNotFound(network_id=network_id)


class NoNetworkProxyAPI:
    """[network] backend none: there are no networks."""

    def get_all(self, context):
        return []

    def get(self, context, network_id):
        raise exception.NetworkNotFound(network_id=network_id)


def API():
    if network_api.is_neutron():
        return NetworkProxyAPI()
    return NoNetworkProxyAPI()
