"""Server actions on the network side: addSecurityGroup and
removeSecurityGroup (every version), addFloatingIp and removeFloatingIp
(up to 2.43, like upstream), and the administrator's injectNetworkInfo.

Security groups apply to every port of the server; floating IPs are
associated with the port holding the chosen fixed IP, after which the
server's network information is read again so that its addresses show
the change.
"""

import ipaddress

import webob.exc

from nova.api import common
from nova.api.controllers import floating_ips as fip_controller
from nova.api.controllers import server_actions
from nova.api.controllers import servers
from nova.api import faults
from nova.api.schemas.actions import any_value
from nova.api.schemas.actions import network as schema
from nova import exception
from nova.network import floating_ips
from nova.network import model
from nova.network import security_groups
from nova.policies import admin_actions as admin_actions_policies
from nova.policies import floating_ips as fip_policies
from nova.policies import security_groups as sg_policies

action = server_actions.action

# The last version with the floating IP actions.
MAX_FLOATING_IP_ACTIONS = '2.43'


def _group_name(value):
    name = value['name']
    if not name.strip():
        raise webob.exc.HTTPBadRequest(
            explanation='Security group name cannot be empty')
    return name


@action('addSecurityGroup', schema=schema.add_security_group)
def add_security_group(req, server_id, value):
    inst = servers.get_server(req, server_id, sg_policies.ADD)
    security_groups.API().add_to_instance(common.context(req), inst,
                                          _group_name(value))


@action('removeSecurityGroup', schema=schema.remove_security_group)
def remove_security_group(req, server_id, value):
    inst = servers.get_server(req, server_id, sg_policies.REMOVE)
    security_groups.API().remove_from_instance(common.context(req), inst,
                                               _group_name(value))


def _fixed_address(inst, nw_info, address, wanted):
    """The fixed IP of the server to put floating IP ``address`` on."""
    if not nw_info:
        raise webob.exc.HTTPBadRequest(
            explanation='Instance network is not ready yet')
    fixed = model.fixed_ips(nw_info)
    if not fixed:
        raise webob.exc.HTTPBadRequest(
            explanation='No fixed IPs associated to instance')
    if wanted:
        if wanted not in fixed:
            raise webob.exc.HTTPBadRequest(
                explanation='Specified fixed address not assigned to '
                            'instance')
        return wanted
    for candidate in fixed:
        if ipaddress.ip_address(candidate).version == 4:
            return candidate
    raise webob.exc.HTTPBadRequest(
        explanation='Unable to associate floating IP %s to any fixed IPs '
                    'for instance %s. Instance has no fixed IPv4 addresses '
                    'to associate.' % (address, inst.uuid))


@action('addFloatingIp', schema=schema.add_floating_ip,
        max_version=MAX_FLOATING_IP_ACTIONS)
def add_floating_ip(req, server_id, value):
    ctx = common.context(req)
    inst = servers.get_server(req, server_id, fip_policies.ADD)
    address = value['address']
    nw_info = servers.network_api().get_instance_nw_info(ctx, inst)
    fixed_address = _fixed_address(inst, nw_info, address,
                                   value.get('fixed_address'))
    api = floating_ips.API()
    with faults.translate(
            (exception.FloatingIpNotFoundForAddress, 404,
             'floating IP not found'),
            (exception.FixedIpNotFoundForAddress, 400,
             lambda exc: 'Unable to associate floating IP %s to fixed IP '
                         '%s for instance %s. Error: %s'
                         % (address, fixed_address, inst.uuid,
                            exc.format_message()))):
        fip = api.get_by_address(ctx, address)
        previous = fip_controller.server_of(ctx, fip)
        api.associate(ctx, inst, fip, fixed_address)
    fip_controller.refresh_network_info(ctx, inst)
    if previous is not None and previous.uuid != inst.uuid:
        # Taken from another server: that one no longer has it.
        fip_controller.refresh_network_info(ctx, previous)


@action('removeFloatingIp', schema=schema.remove_floating_ip,
        max_version=MAX_FLOATING_IP_ACTIONS)
def remove_floating_ip(req, server_id, value):
    ctx = common.context(req)
    address = value['address']
    api = floating_ips.API()
    with faults.translate((exception.FloatingIpNotFoundForAddress, 404,
                           'floating IP not found')):
        fip = api.get_by_address(ctx, address)
    inst = fip_controller.server_of(ctx, fip)
    if inst is not None:
        common.authorize(req, fip_policies.REMOVE, servers.target(inst))
    else:
        # On no server the caller can see: the floating IP's owner
        # decides.
        common.authorize(req, fip_policies.REMOVE, {
            'project_id': fip.get('project_id') or fip.get('tenant_id')})
    if inst is None or not fip.get('port_id') or inst.uuid != server_id:
        raise webob.exc.HTTPConflict(
            explanation='Floating IP %s is not associated with instance %s.'
                        % (address, server_id))
    api.disassociate(ctx, fip)
    fip_controller.refresh_network_info(ctx, inst)


@action('injectNetworkInfo', schema=any_value('injectNetworkInfo'))
def inject_network_info(req, server_id, value):
    inst = servers.get_server(req, server_id,
                              admin_actions_policies.INJECT_NETWORK_INFO)
    # No guest agent takes network information here: reading the ports
    # into the server's info cache again is what is left to do.
    servers.network_api().refresh_instance_nw_info(common.context(req),
                                                   inst)
