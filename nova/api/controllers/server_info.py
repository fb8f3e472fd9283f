"""Read-mostly sub-resources of a server: diagnostics, ips, topology
(2.78), os-server-password, os-interface, os-volume_attachments and
os-security-groups.

os-interface lists the ports of the server's network info cache and
attaches or detaches them through the server's host; with no network
service ([network] backend = none) a server has none, and an attach
answers 404 for a port or network (none can exist) and 400 otherwise.
A server's security groups are those of its ports in the network
service. There is no block storage service: a server has no volumes, so
that list is empty and asking for one answers 404 as upstream does for
an unknown volume.
"""

import pecan
import webob.exc

from nova.api import common
from nova.api.controllers import servers
from nova.api import faults
from nova.api import microversions as mv
from nova.api.schemas import attach_interfaces as interface_schema
from nova.api.schemas import remote_consoles as console_schema
from nova.api.schemas import volumes_attachments as volume_schema
from nova.api import validation
from nova.api.views import interfaces as interfaces_view
from nova.api.views import security_groups as sg_view
from nova import exception
from nova.metadata import password
from nova.network import security_groups
from nova.policies import attach_interfaces as interface_policies
from nova.policies import ips as ips_policies
from nova.policies import remote_consoles as console_policies
from nova.policies import security_groups as sg_policies
from nova.policies import server_diagnostics as diagnostics_policies
from nova.policies import server_password as password_policies
from nova.policies import server_topology as topology_policies
from nova.policies import volumes_attachments as volume_policies

_ATTACHABLE = ('active', 'paused', 'stopped', 'soft-delete', 'shelved',
               'shelved_offloaded')


class _Leaf:
    """Base of these controllers: the server id, and the item of a
    collection when one is addressed. Each class exposes its own generic
    ``index`` (pecan keeps the verb handlers on the function)."""

    def __init__(self, server_id, item=None):
        self.server_id = server_id
        self.item = item


class DiagnosticsController(_Leaf):
    """GET /servers/{id}/diagnostics (admin)."""

    @pecan.expose(generic=True)
    def index(self):
        common.method_not_allowed()

    @index.when(method='GET', template='json')
    def show(self):
        req = pecan.request
        inst = servers.get_server(req, self.server_id,
                                  diagnostics_policies.DIAGNOSTICS)
        api = servers.compute_api()
        ctx = common.context(req)
        with faults.translate((NotImplementedError, 501,
                               'Unable to get diagnostics, functionality '
                               'not implemented')):
            if common.version(req) >= mv.MV_DIAGNOSTICS_STANDARD:
                return api.get_instance_diagnostics(ctx, inst)
            return api.get_diagnostics(ctx, inst)


class IPsController(_Leaf):
    """GET /servers/{id}/ips and /servers/{id}/ips/{network}."""

    @pecan.expose(generic=True)
    def index(self):
        common.method_not_allowed()

    @index.when(method='GET', template='json')
    def show(self):
        req = pecan.request
        inst = servers.get_server(
            req, self.server_id,
            ips_policies.INDEX if self.item is None else ips_policies.SHOW)
        addresses = servers.addresses(common.context(req), inst,
                                      extended=False)
        if self.item is None:
            return {'addresses': addresses}
        if self.item not in addresses:
            raise webob.exc.HTTPNotFound(
                explanation='Instance is not a member of specified network')
        return {self.item: addresses[self.item]}

    @pecan.expose()
    def _lookup(self, network, *remainder):
        if remainder or self.item is not None:
            raise webob.exc.HTTPNotFound()
        return IPsController(self.server_id, network), remainder


class TopologyController(_Leaf):
    """GET /servers/{id}/topology (2.78): the guest's NUMA layout; a
    server without NUMA placement has no nodes."""

    @pecan.expose(generic=True)
    def index(self):
        common.method_not_allowed()

    @index.when(method='GET', template='json')
    def show(self):
        req = pecan.request
        if common.version(req) < mv.MV_SERVER_TOPOLOGY:
            raise webob.exc.HTTPNotFound()
        servers.get_server(req, self.server_id, topology_policies.INDEX)
        # No guest has NUMA placement here, so there is no host side for
        # server-topology:host:index to reveal.
        return {'nodes': [], 'pagesize_kb': None}


class ServerPasswordController(_Leaf):
    """GET / DELETE /servers/{id}/os-server-password: the encrypted
    password the guest posted to the metadata service."""

    @pecan.expose(generic=True)
    def index(self):
        common.method_not_allowed()

    @index.when(method='GET', template='json')
    def show(self):
        req = pecan.request
        inst = servers.get_server(req, self.server_id, password_policies.SHOW)
        return {'password': password.extract(inst.system_metadata) or ''}

    @index.when(method='DELETE', template='json')
    def clear(self):
        req = pecan.request
        inst = servers.get_server(req, self.server_id,
                                  password_policies.CLEAR)
        servers.compute_api().update_instance(
            common.context(req), inst,
            {'system_metadata': password.clear(inst.system_metadata)})
        return common.empty_response(204)


def _check_attachable(inst, method):
    if inst.vm_state not in _ATTACHABLE or inst.task_state is not None:
        raise exception.InstanceInvalidState(
            attr='vm_state', instance_uuid=inst.uuid, state=inst.vm_state,
            method=method)


class InterfacesController(_Leaf):
    """/servers/{id}/os-interface: the server's ports, as its network
    info cache lists them; attach (a call to the server's host, 200 with
    the attachment) and detach (202)."""

    @pecan.expose(generic=True)
    def index(self):
        common.method_not_allowed()

    @index.when(method='GET', template='json')
    def show(self):
        req = pecan.request
        inst = servers.get_server(
            req, self.server_id, interface_policies.LIST
            if self.item is None else interface_policies.SHOW)
        api = servers.compute_api()
        ctx = common.context(req)
        if self.item is None:
            return {'interfaceAttachments': [
                interfaces_view.attachment(req, vif)
                for vif in api.list_interfaces(ctx, inst)]}
        with faults.translate((exception.PortNotFound, 404)):
            vif = api.get_interface(ctx, inst, self.item)
        return {'interfaceAttachment': interfaces_view.attachment(req, vif)}

    @index.when(method='POST', template='json')
    def create(self):
        req = pecan.request
        if self.item is not None:
            common.method_not_allowed()
        schema = (interface_schema.create_v249
                  if common.version(req) >= mv.MV_TAGGED_ATTACH
                  else interface_schema.create)
        body = validation.body(req, schema) or {}
        values = body.get('interfaceAttachment') or {}
        network_id = values.get('net_id')
        port_id = values.get('port_id')
        fixed_ips = values.get('fixed_ips') or [{}]
        requested_ip = fixed_ips[0].get('ip_address')
        if network_id and port_id:
            raise webob.exc.HTTPBadRequest(
                explanation='Must not input both network_id and port_id')
        if requested_ip and not network_id:
            raise webob.exc.HTTPBadRequest(
                explanation='Must input network_id when request IP address')
        inst = servers.get_server(req, self.server_id,
                                  interface_policies.CREATE)
        with faults.translate(
                ((exception.InterfaceAttachFailedNoNetwork,
                  exception.NetworkAmbiguous, exception.PortNotUsable,
                  exception.AttachInterfaceNotSupported,
                  exception.SecurityGroupCannotBeApplied), 400),
                ((exception.FixedIpAlreadyInUse, exception.PortInUse), 409),
                ((exception.PortNotFound, exception.NetworkNotFound), 404),
                (exception.PortLimitExceeded, 403),
                (exception.InterfaceAttachFailed, 500)):
            vif = servers.compute_api().attach_interface(
                common.context(req), inst, network_id=network_id,
                port_id=port_id, requested_ip=requested_ip,
                tag=values.get('tag'))
        return {'interfaceAttachment': interfaces_view.attachment(req, vif)}

    @index.when(method='DELETE', template='json')
    def delete(self):
        req = pecan.request
        if self.item is None:
            common.method_not_allowed()
        inst = servers.get_server(req, self.server_id,
                                  interface_policies.DELETE)
        with faults.translate((exception.PortNotFound, 404)):
            servers.compute_api().detach_interface(common.context(req), inst,
                                                   self.item)
        return common.empty_response(202)

    @pecan.expose()
    def _lookup(self, port_id, *remainder):
        if remainder or self.item is not None:
            raise webob.exc.HTTPNotFound()
        return InterfacesController(self.server_id, port_id), remainder


class VolumeAttachmentsController(_Leaf):
    """/servers/{id}/os-volume_attachments: attached volumes (none: there
    is no block storage service)."""

    @pecan.expose(generic=True)
    def index(self):
        common.method_not_allowed()

    def _not_attached(self):
        raise webob.exc.HTTPNotFound(
            explanation='No volume Block Device Mapping with id %s.'
                        % self.item)

    @index.when(method='GET', template='json')
    def show(self):
        req = pecan.request
        servers.get_server(
            req, self.server_id, volume_policies.INDEX
            if self.item is None else volume_policies.SHOW)
        if self.item is None:
            return {'volumeAttachments': []}
        self._not_attached()

    @index.when(method='POST', template='json')
    def create(self):
        req = pecan.request
        if self.item is not None:
            common.method_not_allowed()
        values = validation.body(
            req, volume_schema.create)['volumeAttachment']
        inst = servers.get_server(req, self.server_id,
                                  volume_policies.CREATE)
        _check_attachable(inst, 'attach_volume')
        raise webob.exc.HTTPNotFound(
            explanation='Volume %s could not be found.' % values['volumeId'])

    @index.when(method='PUT', template='json')
    def update(self):
        req = pecan.request
        if self.item is None:
            common.method_not_allowed()
        servers.get_server(req, self.server_id, volume_policies.UPDATE)
        self._not_attached()

    @index.when(method='DELETE', template='json')
    def delete(self):
        req = pecan.request
        if self.item is None:
            common.method_not_allowed()
        servers.get_server(req, self.server_id, volume_policies.DELETE)
        self._not_attached()

    @pecan.expose()
    def _lookup(self, volume_id, *remainder):
        if remainder or self.item is not None:
            raise webob.exc.HTTPNotFound()
        return VolumeAttachmentsController(self.server_id, volume_id), \
            remainder


class SecurityGroupsController(_Leaf):
    """GET /servers/{id}/os-security-groups: the groups of the server's
    ports, at every version (only the os-security-groups proxy is gone
    after 2.35)."""

    @pecan.expose(generic=True)
    def index(self):
        common.method_not_allowed()

    @index.when(method='GET', template='json')
    def show(self):
        req = pecan.request
        inst = servers.get_server(req, self.server_id, sg_policies.LIST)
        ctx = common.context(req)
        api = security_groups.API()
        groups = api.of_servers(ctx, [inst.uuid],
                                detailed=True).get(inst.uuid, [])
        return {'security_groups': sg_view.groups(
            groups, api.describe(ctx, groups))}


_PROTOCOL_TYPES = {
    'vnc': ['novnc', 'xvpvnc'],
    'spice': ['spice-html5'],
    'rdp': ['rdp-html5'],
    'serial': ['serial'],
}
MV_REMOTE_CONSOLES = '2.6'
MV_MKS = '2.8'


def _protocols(version):
    """{protocol: [console type, ...]} of the microversion."""
    protocols = dict(_PROTOCOL_TYPES)
    if version >= MV_MKS:
        protocols['mks'] = ['webmks']
    if version >= mv.MV_SPICE_DIRECT:
        protocols['spice'] = ['spice-html5', 'spice-direct']
    return protocols


class RemoteConsolesController(_Leaf):
    """POST /servers/{id}/remote-consoles (2.6): a console URL for the
    server; the fake driver offers VNC (noVNC) and serial consoles."""

    @pecan.expose(generic=True)
    def index(self):
        common.method_not_allowed()

    @index.when(method='POST', template='json')
    def create(self):
        req = pecan.request
        version = common.version(req)
        if version < MV_REMOTE_CONSOLES:
            raise webob.exc.HTTPNotFound()
        protocols = _protocols(version)
        values = validation.body(
            req, console_schema.create(protocols))['remote_console']
        protocol, console_type = values['protocol'], values['type']
        if console_type not in protocols[protocol]:
            raise webob.exc.HTTPBadRequest(
                explanation='Invalid console type %s' % console_type)
        inst = servers.get_server(req, self.server_id,
                                  console_policies.REMOTE_CONSOLES)
        if console_type == 'xvpvnc':
            raise exception.ConsoleTypeInvalid(console_type=console_type)
        # A console type the host's driver does not offer is one this
        # deployment does not implement.
        with faults.translate((
                (exception.ConsoleTypeInvalid, NotImplementedError), 501,
                'Unable to get %s console, functionality not implemented'
                % protocol)):
            found = servers.compute_api().get_console(
                common.context(req), inst, console_type)
        return {'remote_console': {'protocol': protocol,
                                   'type': console_type,
                                   'url': found['url']}}
