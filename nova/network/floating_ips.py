"""Floating IPs and their pools (Neutron's external networks) for the
os-floating-ips and os-floating-ip-pools proxies and the addFloatingIp /
removeFloatingIp server actions.

Every call carries the caller's token: a project lists, takes, frees and
associates only the floating IPs Neutron lets it see. Floating IPs are
Neutron's dicts, completed with ``network_details`` (their pool) and
``port_details`` (the port they are associated with, or None) when
Neutron's fip-port-details extension did not already give it.
"""

from oslo_log import log as logging
from oslo_utils import uuidutils

import nova.conf
from nova import exception
from nova.network import api as network_api
from nova.network import neutron_client

CONF = nova.conf.CONF
LOG = logging.getLogger(__name__)

EXTERNAL = 'router:external'


class FloatingIPAPI:
    """Floating IPs of Neutron, for the caller of the request."""

    def client(self, context):
        return neutron_client.Client(context)

    # -- reading --------------------------------------------------------
    def _complete(self, client, fips):
        """Add network_details and port_details to each of ``fips``."""
        if not fips:
            return fips
        net_ids = sorted({f['floating_network_id'] for f in fips})
        networks = {n['id']: n for n in client.list('networks', id=net_ids)}
        missing = sorted({f['port_id'] for f in fips
                          if f.get('port_id') and 'port_details' not in f})
        ports = {}
        if missing:
            ports = {p['id']: p for p in client.list(
                'ports', id=missing, fields=['id', 'device_id'])}
        for fip in fips:
            fip['network_details'] = networks.get(
                fip['floating_network_id'],
                {'id': fip['floating_network_id'], 'name': None})
            if 'port_details' not in fip or not fip.get('port_id'):
                fip['port_details'] = ports.get(fip.get('port_id'))
        return fips

    def list(self, context):
        """The floating IPs of the caller's project."""
        client = self.client(context)
        try:
            fips = client.list('floatingips', project_id=context.project_id)
        except neutron_client.NeutronNotFound:
            return []       # no L3 service in this Neutron
        return self._complete(client, fips)

    def get(self, context, fip_id):
        client = self.client(context)
        try:
            fip = client.show('floatingip', fip_id)
        except neutron_client.NeutronNotFound:
            raise exception.FloatingIpNotFound(id=fip_id)
        return self._complete(client, [fip])[0]

    def get_by_address(self, context, address):
        client = self.client(context)
        try:
            fips = client.list('floatingips', floating_ip_address=address)
        except neutron_client.NeutronNotFound:
            fips = []
        if not fips:
            raise exception.FloatingIpNotFoundForAddress(address=address)
        if len(fips) > 1:
            raise exception.FloatingIpMultipleFoundForAddress(
                address=address)
        return self._complete(client, fips)[0]

    @staticmethod
    def server_id(fip):
        """The id of the device (server) ``fip`` is associated with."""
        port = fip.get('port_details') or {}
        return port.get('device_id') or None

    def pools(self, context):
        """The floating IP pools: external networks."""
        return self.client(context).list('networks', **{EXTERNAL: True})

    # -- changing -------------------------------------------------------
    def _pool_id(self, client, pool):
        filters = {EXTERNAL: True, 'fields': ['id']}
        if uuidutils.is_uuid_like(pool):
            filters['id'] = pool
        else:
            filters['name'] = pool
        nets = client.list('networks', **filters)
        if not nets:
            raise exception.FloatingIpPoolNotFound()
        if len(nets) > 1:
            raise exception.NoUniqueMatch(
                "Multiple floating IP pools matches found for name '%s'"
                % pool)
        return nets[0]['id']

    def allocate(self, context, pool=None):
        """A new floating IP of the caller's project from ``pool`` (name
        or id; [neutron] default_floating_pool when None)."""
        client = self.client(context)
        pool_id = self._pool_id(client,
                                pool or CONF.neutron.default_floating_pool)
        body = {'floatingip': {'floating_network_id': pool_id}}
        try:
            fip = client.post('/floatingips', body)['floatingip']
        except neutron_client.NeutronError as exc:
            if exc.type in ('IpAddressGenerationFailure',
                            'ExternalIpAddressExhausted'):
                raise exception.NoMoreFloatingIps(exc.message)
            if exc.type == 'OverQuota':
                raise exception.FloatingIpLimitExceeded(exc.message)
            if isinstance(exc, neutron_client.NeutronBadRequest):
                raise exception.FloatingIpBadRequest(exc.message)
            raise
        return self._complete(client, [fip])[0]

    def release(self, context, fip):
        """Free ``fip`` (Neutron disassociates it on the way)."""
        try:
            self.client(context).delete('/floatingips/%s' % fip['id'],
                                        missing_ok=False)
        except neutron_client.NeutronNotFound:
            raise exception.FloatingIpNotFoundForAddress(
                address=fip['floating_ip_address'])

    def associate(self, context, instance, fip, fixed_address):
        """Point ``fip`` at the port of the server that holds
        ``fixed_address``."""
        client = self.client(context)
        port_id = None
        for port in client.list('ports', device_id=instance.uuid,
                                fields=['id', 'fixed_ips']):
            if any(ip.get('ip_address') == fixed_address
                   for ip in port.get('fixed_ips') or []):
                port_id = port['id']
                break
        if port_id is None:
            raise exception.FixedIpNotFoundForAddress(address=fixed_address)
        body = {'floatingip': {'port_id': port_id,
                               'fixed_ip_address': fixed_address}}
        try:
            client.put('/floatingips/%s' % fip['id'], body)
        except neutron_client.NeutronConflict as exc:
            LOG.info('Neutron refused to associate %s: %s',
                     fip['floating_ip_address'], exc.message,
                     instance_uuid=instance.uuid)
            raise exception.FloatingIpAssociateFailed(
                address=fip['floating_ip_address'])

    def disassociate(self, context, fip):
        self.client(context).put('/floatingips/%s' % fip['id'],
                                 {'floatingip': {'port_id': None}})


class NoFloatingIPAPI:
    """[network] backend none: no pools, no floating IPs."""

    def list(self, context):
        return []

    def get(self, context, fip_id):
        raise exception.FloatingIpNotFound(id=fip_id)

    def get_by_address(self, context, address):
        raise exception.FloatingIpNotFoundForAddress(address=address)

    server_id = staticmethod(FloatingIPAPI.server_id)

    def pools(self, context):
        return []

    def allocate(self, context, pool=None):
        raise exception.FloatingIpPoolNotFound()


def API():
    if network_api.is_neutron():
        return FloatingIPAPI()
    return NoFloatingIPAPI()
