"""The network API over Neutron: ports for servers, their bindings, and
the network information cache.

Who calls what:
- nova-api validates a boot request (networks, ports, fixed IPs, port
  quota) with the user's token, so the user sees only what Neutron lets
  the user see;
- the compute host that builds a server creates its ports (or takes over
  the ports the user passed), binds them to itself and stores the VIFs in
  the instance's info cache; on delete it deletes the ports it created
  and unbinds the user's, which stay;
- moves rebind the ports to the destination host (live migration uses
  Neutron's port bindings: an inactive binding on the destination,
  activated at the switch-over);
- os-interface: nova-api validates an attach with the user's token, the
  server's host makes (or takes over) the one port, binds it to itself
  and adds it to the cache; a detach deletes nova's port or unbinds the
  user's.

Requested networks are dicts from the API ({"uuid"}, {"port"},
{"uuid", "fixed_ip"}, each with an optional "tag"); [{"uuid": "auto"}]
and [{"uuid": "none"}] are the special values of 2.37; None means the
request named none (before 2.37): the project's only network is used
then, none at all when it has none.
"""

import re

from oslo_log import log as logging
from oslo_utils import excutils

import nova.conf
from nova import exception
from nova.network import api as network_api
from nova.network import model
from nova.network import neutron_client

CONF = nova.conf.CONF
LOG = logging.getLogger(__name__)

AUTO = 'auto'
NONE = 'none'
DEFAULT_SECURITY_GROUP = 'default'


def special(requested_networks):
    """'auto' or 'none' when that is what was asked for, else None."""
    if requested_networks and len(requested_networks) == 1:
        value = requested_networks[0].get('uuid')
        if value in (AUTO, NONE) and not requested_networks[0].get('port'):
            return value
    return None


def requested_security_groups(instance):
    """The security groups asked for on create; empty when none were (or
    only "default"): Neutron then gives a port the project's default
    group, which it makes on first use."""
    names = network_api.security_groups_asked_for(instance)
    if names == [DEFAULT_SECURITY_GROUP]:
        return []
    return names


def _send_port(send, body):
    """The port Neutron answers to ``send({port attributes})``; sent once
    more without ``dns_name`` when that Neutron has no DNS integration
    (it refuses the attribute with a 400)."""
    try:
        return send(body)['port']
    except neutron_client.NeutronBadRequest as exc:
        if 'dns_name' not in body or 'dns' not in exc.message.lower():
            raise
    body = {k: v for k, v in body.items() if k != 'dns_name'}
    return send(body)['port']


def _port_ids(client, instance):
    """The ids of the ports bound to ``instance`` (its device id)."""
    return [port['id'] for port in client.list(
        'ports', device_id=instance.uuid, fields=['id'])]


def _translate_conflict(exc, port_id=None, network_id=None,
                        instance=None):
    """The nova exception of a Neutron 409 met while making a port."""
    kind = exc.type or ''
    if kind == 'OverQuota':
        return exception.PortLimitExceeded()
    if kind == 'IpAddressAlreadyAllocated' or 'already allocated' in \
            exc.message:
        return exception.FixedIpAlreadyInUse(address=exc.message,
                                             instance_uuid=instance)
    if kind in ('IpAddressGenerationFailure',):
        return exception.NoMoreFixedIps(net=network_id)
    if kind == 'PortInUse':
        return exception.PortInUse(port_id=port_id)
    return exception.NetworkServiceError(reason=exc.message)


class NeutronAPI:
    """The network API of [network] backend = neutron."""

    def client(self, context, admin=False):
        return neutron_client.Client(context, admin=admin)

    # ------------------------------------------------------------------
    # Looking things up
    # ------------------------------------------------------------------
    def _networks(self, context, ids=None, admin=False, **filters):
        client = self.client(context, admin=admin)
        if ids is not None:
            if not ids:
                return []
            filters['id'] = sorted(set(ids))
        return client.list('networks', **filters)

    def _available_networks(self, context, project_id):
        """The networks a server of ``project_id`` may be put on without
        naming one: the project's own, else the shared ones; never an
        external network."""
        client = self.client(context)
        own = client.list('networks', project_id=project_id, shared=False)
        nets = own or client.list('networks', shared=True)
        return [n for n in nets if not n.get('router:external')]

    def _show_port(self, context, port_id, admin=False):
        try:
            return self.client(context, admin=admin).show('port', port_id)
        except neutron_client.NeutronNotFound:
            raise exception.PortNotFound(port_id=port_id)

    def security_group_ids(self, context, project_id, names):
        """The ids of security groups named (or given by id) in ``names``
        as ``project_id`` sees them; SecurityGroupNotFound otherwise."""
        if not names:
            return []
        client = self.client(context, admin=True)
        groups = client.list('security-groups', project_id=project_id,
                             fields=['id', 'name'])
        by_name, ids = {}, set()
        for group in groups:
            by_name.setdefault(group['name'], []).append(group['id'])
            ids.add(group['id'])
        result = []
        for name in names:
            if name in ids:
                result.append(name)
            elif len(by_name.get(name, ())) == 1:
                result.append(by_name[name][0])
            elif name in by_name:
                raise exception.NoUniqueMatch(
                    'Multiple security groups found matching %s. Use an '
                    'ID to be more specific.' % name)
            else:
                # Another project's group given by id (shared through
                # RBAC) is still usable.
                try:
                    result.append(client.show('security_group', name)['id'])
                except neutron_client.NeutronNotFound:
                    raise exception.SecurityGroupNotFound(
                        security_group_id=name)
        return list(dict.fromkeys(result))

    # ------------------------------------------------------------------
    # API side: is the request possible?
    # ------------------------------------------------------------------
    def validate_networks(self, context, requested_networks, max_count,
                          security_groups=None):
        """How many servers (up to ``max_count``) the requested networks
        and the project's port quota allow; raises what upstream raises
        for a request that cannot be served."""
        if security_groups and \
                security_groups != [DEFAULT_SECURITY_GROUP]:
            self.security_group_ids(context, context.project_id,
                                    security_groups)
        kind = special(requested_networks)
        if kind == NONE:
            return max_count
        if kind == AUTO:
            nets = self._auto_networks(context, dry_run=True)
            ports_per_server = 1 if nets else 0
            return self._ports_allow(context, ports_per_server, max_count)
        if not requested_networks:
            nets = self._available_networks(context, context.project_id)
            if len(nets) > 1:
                raise exception.NetworkAmbiguous()
            return self._ports_allow(context, len(nets), max_count)
        network_ids, new_ports = [], 0
        for request in requested_networks:
            port_id = request.get('port')
            if port_id:
                if max_count > 1:
                    raise exception.InvalidInput(
                        reason='Unable to launch multiple instances with a '
                               'single configured port ID. Please launch '
                               'your instance one by one with different '
                               'ports.')
                port = self._show_port(context, port_id)
                if port.get('device_id'):
                    raise exception.PortInUse(port_id=port_id)
                if port.get('binding:host_id') and \
                        port.get('binding:vif_type') not in (None, 'unbound'):
                    raise exception.PortInUse(port_id=port_id)
                if not port.get('fixed_ips'):
                    raise exception.PortRequiresFixedIP(port_id=port_id)
                continue
            if request.get('fixed_ip') and max_count > 1:
                raise exception.InvalidInput(
                    reason='max_count cannot be greater than 1 if an '
                           'fixed_ip is specified.')
            network_ids.append(request['uuid'])
            new_ports += 1
        if network_ids:
            found = {n['id']: n for n in self._networks(context,
                                                        network_ids)}
            for net_id in network_ids:
                net = found.get(net_id)
                if net is None:
                    raise exception.NetworkNotFound(network_id=net_id)
                if not net.get('subnets'):
                    raise exception.NetworkRequiresSubnet(
                        network_uuid=net_id)
                if net.get('router:external') and not net.get('shared'):
                    raise exception.ExternalNetworkAttachForbidden(
                        network_uuid=net_id)
            for request in requested_networks:
                if request.get('fixed_ip') and not request.get('port'):
                    self._check_fixed_ip_free(context, request['uuid'],
                                              request['fixed_ip'])
        return self._ports_allow(context, new_ports, max_count)

    def _check_fixed_ip_free(self, context, network_id, address):
        ports = self.client(context, admin=True).list(
            'ports', network_id=network_id,
            fixed_ips='ip_address=%s' % address, fields=['id', 'device_id'])
        if ports:
            raise exception.FixedIpAlreadyInUse(
                address=address, instance_uuid=ports[0].get('device_id'))

    def _ports_allow(self, context, ports_per_server, max_count):
        """max_count, or fewer servers when the project's port quota does
        not hold max_count servers' new ports (PortLimitExceeded when not
        even one fits)."""
        if not ports_per_server:
            return max_count
        # Neutron's policy may not let a member read the project's quota:
        # nova reads it as the service user, for the asking project only.
        client = self.client(context, admin=True)
        try:
            port = client.get('/quotas/%s/details'
                              % context.project_id)['quota']['port']
        except neutron_client.NeutronError as exc:
            LOG.warning('Port quota of project %s not read: %s',
                        context.project_id, exc)
            return max_count
        limit = port.get('limit', -1)
        if limit is None or limit < 0:
            return max_count
        used = port.get('used', 0) + port.get('reserved', 0)
        free = limit - used
        if free >= ports_per_server * max_count:
            return max_count
        if free < ports_per_server:
            raise exception.PortLimitExceeded()
        return free // ports_per_server

    def _auto_networks(self, context, dry_run=False, project_id=None):
        """The networks "auto" puts a server on: the project's only
        available network, else the one Neutron's auto-allocated-topology
        gives it (UnableToAutoAllocateNetwork when it cannot)."""
        project_id = project_id or context.project_id
        nets = self._available_networks(context, project_id)
        if len(nets) > 1:
            raise exception.NetworkAmbiguous()
        if nets:
            return nets
        client = self.client(context)
        path = '/auto-allocated-topology/%s' % project_id
        try:
            if dry_run:
                client.get(path, fields='dry-run')
                return [{'id': AUTO}]
            topology = client.get(path)['auto_allocated_topology']
        except (neutron_client.NeutronError,
                exception.NetworkServiceUnavailable) as exc:
            LOG.info('Neutron cannot auto-allocate a network for project '
                     '%s: %s', project_id, exc)
            raise exception.UnableToAutoAllocateNetwork(
                project_id=project_id)
        return self._networks(context, [topology['id']])

    # ------------------------------------------------------------------
    # Compute side: ports for a server being built
    # ------------------------------------------------------------------
    def _requests_for_build(self, context, instance, requested_networks):
        """[(network id or None, port id or None, fixed ip, tag)] for a
        build on this host."""
        kind = special(requested_networks)
        if kind == NONE:
            return []
        if kind == AUTO:
            nets = self._auto_networks(context,
                                       project_id=instance.project_id)
            return [(nets[0]['id'], None, None, None)] if nets else []
        if not requested_networks:
            nets = self._available_networks(context, instance.project_id)
            if len(nets) > 1:
                raise exception.NetworkAmbiguous()
            return [(n['id'], None, None, None) for n in nets]
        return [(r.get('uuid'), r.get('port'), r.get('fixed_ip'),
                 r.get('tag')) for r in requested_networks]

    def _port_binding(self, instance, host):
        values = {
            'device_id': instance.uuid,
            'device_owner': 'compute:%s' % (instance.availability_zone or
                                            CONF.default_availability_zone),
            'binding:host_id': host,
        }
        if instance.hostname:
            values['dns_name'] = instance.hostname
        return values

    def allocate_for_instance(self, context, instance, requested_networks,
                              host=None):
        """Create (or take over) the server's ports, bound to ``host``;
        stores and returns the network info. On failure, whatever was
        done is undone."""
        host = host or instance.host
        requests = self._requests_for_build(context, instance,
                                            requested_networks)
        if not requests:
            self._save_cache(instance, [])
            return []
        client = self.client(context, admin=True)
        groups = None
        done = []       # (port, preserve_on_delete, tag)
        try:
            for network_id, port_id, fixed_ip, tag in requests:
                binding = self._port_binding(instance, host)
                if port_id:
                    port = self._take_port(client, instance, port_id,
                                           binding)
                    done.append((port, True, tag))
                    continue
                if groups is None:
                    groups = self.security_group_ids(
                        context, instance.project_id,
                        requested_security_groups(instance))
                port = self._create_port(client, instance, network_id,
                                         fixed_ip, groups, binding)
                done.append((port, False, tag))
        except Exception:
            with excutils.save_and_reraise_exception():
                self._release_ports(client, instance, done)
        network_info = self._build_info(context, instance, done)
        self._save_cache(instance, network_info)
        return network_info

    def _take_port(self, client, instance, port_id, binding):
        port = client.show('port', port_id)
        if port.get('device_id') and port['device_id'] != instance.uuid:
            raise exception.PortInUse(port_id=port_id)
        try:
            return _send_port(lambda body: client.put(
                '/ports/%s' % port_id, {'port': body}), binding)
        except neutron_client.NeutronConflict as exc:
            raise _translate_conflict(exc, port_id=port_id,
                                      instance=instance.uuid)

    def _create_port(self, client, instance, network_id, fixed_ip, groups,
                     binding):
        body = dict(binding, network_id=network_id,
                    project_id=instance.project_id, admin_state_up=True)
        if fixed_ip:
            body['fixed_ips'] = [{'ip_address': fixed_ip}]
        if groups:
            network = client.show('network', network_id)
            if not network.get('port_security_enabled', True):
                raise exception.SecurityGroupCannotBeApplied()
            body['security_groups'] = groups
        try:
            return _send_port(lambda body: client.post(
                '/ports', {'port': body}), body)
        except neutron_client.NeutronConflict as exc:
            raise _translate_conflict(exc, network_id=network_id,
                                      instance=instance.uuid)
        except neutron_client.NeutronBadRequest:
            if fixed_ip:
                raise exception.FixedIpInvalidOnHost(address=fixed_ip)
            raise

    def _release_ports(self, client, instance, done):
        for port, preserve, _tag in done:
            try:
                if preserve:
                    self._unbind_port(client, port['id'])
                else:
                    client.delete('/ports/%s' % port['id'])
            except Exception:
                LOG.exception('Could not release port %s', port['id'],
                              instance_uuid=instance.uuid)

    @staticmethod
    def _unbind_port(client, port_id):
        body = {'device_id': '', 'device_owner': '',
                'binding:host_id': None, 'binding:profile': {}}
        try:
            client.put('/ports/%s' % port_id, {'port': body})
        except neutron_client.NeutronNotFound:
            pass

    def _build_info(self, context, instance, ports_flags):
        """The VIFs of [(port, preserve_on_delete, tag)], in that order."""
        if not ports_flags:
            return []
        client = self.client(context, admin=True)
        ports = [p for p, _f, _t in ports_flags]
        net_ids = {p['network_id'] for p in ports}
        networks = {n['id']: n for n in client.list('networks',
                                                    id=sorted(net_ids))}
        subnet_ids = {f['subnet_id'] for p in ports
                      for f in p.get('fixed_ips') or []}
        subnets = {s['id']: s for s in (client.list(
            'subnets', id=sorted(subnet_ids)) if subnet_ids else [])}
        fips = client.list('floatingips', port_id=[p['id'] for p in ports])
        info = []
        for port, preserve, tag in ports_flags:
            info.append(model.build_vif(
                port, networks.get(port['network_id'], {}), subnets,
                [f for f in fips if f.get('port_id') == port['id']],
                ovs_bridge=CONF.neutron.ovs_bridge,
                preserve_on_delete=preserve, tag=tag))
        return info

    @staticmethod
    def _save_cache(instance, network_info):
        instance.network_info = model.dump(network_info)
        try:
            instance.save()
        except exception.InstanceNotFound:
            pass

    def get_instance_nw_info(self, context, instance):
        """The server's VIFs as last cached (no call to Neutron)."""
        return model.load(getattr(instance, 'network_info', None)
                          if instance.obj_attr_is_set('network_info')
                          else None)

    def refresh_instance_nw_info(self, context, instance):
        """Read the server's ports from Neutron again and store them;
        keeps what only nova knows (which ports the user passed, device
        tags) from the previous cache."""
        cached = {vif['id']: vif for vif in
                  self.get_instance_nw_info(context, instance)}
        client = self.client(context, admin=True)
        ports = client.list('ports', device_id=instance.uuid)
        # The cached order first (it is the guest's NIC order), then new.
        order = {port_id: i for i, port_id in enumerate(cached)}
        ports.sort(key=lambda p: (order.get(p['id'], len(order)),
                                  p.get('created_at') or ''))
        flags = [(p, cached.get(p['id'], {}).get('preserve_on_delete',
                                                 False),
                  cached.get(p['id'], {}).get('tag')) for p in ports]
        network_info = self._build_info(context, instance, flags)
        self._save_cache(instance, network_info)
        return network_info

    def instance_uuids_by_ip(self, context, patterns):
        """The servers (device ids) with a fixed IP that every one of
        ``patterns`` (regular expressions, as the API's ip and ip6 filters
        take them) matches, among the ports the context may see."""
        regexes = []
        for pattern in patterns:
            try:
                regexes.append(re.compile(pattern))
            except re.error:
                regexes.append(re.compile(re.escape(pattern)))
        # Neutron narrows by substring; the literal part of the first
        # pattern is one.
        literal = re.sub(r'[\^$*+?()\[\]{}|\\]', '', patterns[0])
        filters = {'fields': ['device_id', 'device_owner', 'fixed_ips']}
        if literal:
            filters['fixed_ips'] = 'ip_address_substr=%s' % literal
        client = self.client(context)
        uuids = set()
        for port in client.list('ports', **filters):
            if not (port.get('device_owner') or '').startswith('compute:'):
                continue
            addresses = [f['ip_address'] for f in port.get('fixed_ips', ())]
            if all(any(r.match(a) for a in addresses) for r in regexes):
                uuids.add(port['device_id'])
        return uuids

    def instance_uuid_by_fixed_ip(self, context, address):
        """The server (device id) whose port holds the fixed IP
        ``address``, among every project's ports (as nova's service user).
        Raises FixedIpNotFoundForAddress without one and
        FixedIpAssociatedWithMultipleInstances when overlapping networks
        give several servers that address."""
        ports = self.client(context, admin=True).list(
            'ports', fixed_ips='ip_address=%s' % address,
            fields=['device_id', 'device_owner'])
        uuids = {p['device_id'] for p in ports
                 if (p.get('device_owner') or '').startswith('compute:') and
                 p.get('device_id')}
        if not uuids:
            raise exception.FixedIpNotFoundForAddress(address=address)
        if len(uuids) > 1:
            raise exception.FixedIpAssociatedWithMultipleInstances(
                address=address)
        return uuids.pop()

    def deallocate_for_instance(self, context, instance):
        """Delete the ports nova made for the server; unbind the user's
        ports (they stay, for another server)."""
        cached = {vif['id']: vif for vif in
                  self.get_instance_nw_info(context, instance)}
        client = self.client(context, admin=True)
        try:
            ports = client.list('ports', device_id=instance.uuid,
                                fields=['id'])
        except exception.NetworkServiceUnavailable:
            LOG.warning('Neutron unreachable: the ports of the server are '
                        'released from the cache only',
                        instance_uuid=instance.uuid)
            ports = [{'id': port_id} for port_id in cached]
        for port in ports:
            preserve = cached.get(port['id'], {}).get('preserve_on_delete')
            if preserve:
                self._unbind_port(client, port['id'])
            else:
                client.delete('/ports/%s' % port['id'])
        if cached:
            self._save_cache(instance, [])

    # ------------------------------------------------------------------
    # Moves
    # ------------------------------------------------------------------
    def bind_ports_to_host(self, context, instance, host):
        """Point the active binding of every port of the server at
        ``host`` (cold moves, evacuate, unshelve) and refresh the cache."""
        client = self.client(context, admin=True)
        for port in client.list('ports', device_id=instance.uuid,
                                fields=['id', 'binding:host_id']):
            if port.get('binding:host_id') == host:
                continue
            client.put('/ports/%s' % port['id'],
                       {'port': {'binding:host_id': host}})
        return self.refresh_instance_nw_info(context, instance)

    def unbind_ports(self, context, instance):
        """Unbind the server's ports from any host (shelve offload)."""
        client = self.client(context, admin=True)
        for port_id in _port_ids(client, instance):
            client.put('/ports/%s' % port_id,
                       {'port': {'binding:host_id': None}})

    def has_port_binding_extension(self, context):
        try:
            return 'binding-extended' in self.client(
                context, admin=True).extensions()
        except Exception:
            return False

    def create_inactive_bindings(self, context, instance, host):
        """An inactive binding on ``host`` for each port (live migration
        destination); returns {port id: binding}."""
        client = self.client(context, admin=True)
        made = {}
        try:
            for port_id in _port_ids(client, instance):
                body = {'binding': {'host': host}}
                try:
                    made[port_id] = client.post(
                        '/ports/%s/bindings' % port_id, body)['binding']
                except neutron_client.NeutronConflict:
                    # Left by an earlier attempt: replace it.
                    client.delete('/ports/%s/bindings/%s' % (port_id, host))
                    made[port_id] = client.post(
                        '/ports/%s/bindings' % port_id, body)['binding']
                if made[port_id].get('vif_type') == 'binding_failed':
                    raise exception.PortBindingFailed(port_id=port_id)
        except Exception:
            with excutils.save_and_reraise_exception():
                self.delete_bindings(context, instance, host,
                                     port_ids=list(made))
        return made

    def activate_bindings(self, context, instance, host, source=None):
        """Make ``host``'s bindings active (the switch-over of a live
        migration) and drop the source's."""
        client = self.client(context, admin=True)
        for port_id in _port_ids(client, instance):
            try:
                client.put('/ports/%s/bindings/%s/activate'
                           % (port_id, host), None)
            except neutron_client.NeutronConflict:
                pass        # already active there
            except neutron_client.NeutronNotFound:
                client.put('/ports/%s' % port_id,
                           {'port': {'binding:host_id': host}})
            if source and source != host:
                client.delete('/ports/%s/bindings/%s' % (port_id, source))
        return self.refresh_instance_nw_info(context, instance)

    def delete_bindings(self, context, instance, host, port_ids=None):
        """Drop the (inactive) bindings on ``host`` (live migration
        rollback)."""
        client = self.client(context, admin=True)
        if port_ids is None:
            port_ids = _port_ids(client, instance)
        for port_id in port_ids:
            try:
                client.delete('/ports/%s/bindings/%s' % (port_id, host))
            except neutron_client.NeutronError as exc:
                LOG.info('Binding of port %s on %s not deleted: %s',
                         port_id, host, exc, instance_uuid=instance.uuid)

    # ------------------------------------------------------------------
    # os-interface: one port attached to or detached from a running
    # server. The API validates with the user's token; the server's host
    # makes or takes over the port, binds it to itself and caches its VIF.
    # ------------------------------------------------------------------
    def validate_interface_attach(self, context, instance, network_id=None,
                                  port_id=None, fixed_ip=None):
        """Raise what the user should hear before anything is sent to the
        server's host: a port or network the user cannot see, a port in
        use, a network that cannot take the port."""
        if port_id:
            port = self._show_port(context, port_id)
            if port.get('device_id'):
                raise exception.PortInUse(port_id=port_id)
            if not port.get('fixed_ips'):
                raise exception.PortRequiresFixedIP(port_id=port_id)
            return
        if not network_id:
            self._only_network(context, instance)
            return
        nets = self._networks(context, [network_id])
        if not nets:
            raise exception.NetworkNotFound(network_id=network_id)
        net = nets[0]
        if not net.get('subnets'):
            raise exception.NetworkRequiresSubnet(network_uuid=network_id)
        if net.get('router:external') and not net.get('shared'):
            raise exception.ExternalNetworkAttachForbidden(
                network_uuid=network_id)
        if fixed_ip:
            self._check_fixed_ip_free(context, network_id, fixed_ip)

    def _only_network(self, context, instance):
        """The network an attach that names none uses: the project's only
        available one."""
        nets = self._available_networks(context, instance.project_id)
        if not nets:
            raise exception.InterfaceAttachFailedNoNetwork(
                project_id=instance.project_id)
        if len(nets) > 1:
            raise exception.NetworkAmbiguous()
        return nets[0]['id']

    def allocate_port_for_instance(self, context, instance, network_id=None,
                                   port_id=None, fixed_ip=None, tag=None,
                                   host=None):
        """Take over ``port_id`` or create a port on ``network_id`` (the
        project's only network when neither is given), bound to ``host``;
        adds its VIF to the info cache and returns it. A port made here
        is deleted again, a taken one released, when that fails."""
        host = host or instance.host
        client = self.client(context, admin=True)
        binding = self._port_binding(instance, host)
        if port_id:
            try:
                port = self._take_port(client, instance, port_id, binding)
            except neutron_client.NeutronNotFound:
                raise exception.PortNotFound(port_id=port_id)
            preserve = True
        else:
            network_id = network_id or self._only_network(context, instance)
            groups = self.security_group_ids(
                context, instance.project_id,
                requested_security_groups(instance))
            try:
                port = self._create_port(client, instance, network_id,
                                         fixed_ip, groups, binding)
            except neutron_client.NeutronNotFound:
                raise exception.NetworkNotFound(network_id=network_id)
            preserve = False
        done = [(port, preserve, tag)]
        try:
            if port.get('binding:vif_type') == 'binding_failed':
                raise exception.PortBindingFailed(port_id=port['id'])
            vif = self._build_info(context, instance, done)[0]
            cached = [v for v in self.get_instance_nw_info(context, instance)
                      if v['id'] != vif['id']]
            self._save_cache(instance, cached + [vif])
        except Exception:
            with excutils.save_and_reraise_exception():
                self._release_ports(client, instance, done)
        return vif

    def deallocate_port_for_instance(self, context, instance, port_id):
        """Delete the port if nova made it, else unbind it (the user's
        port stays); drops its VIF from the cache and returns the VIFs
        left."""
        cached = self.get_instance_nw_info(context, instance)
        vif = next((v for v in cached if v['id'] == port_id), None)
        client = self.client(context, admin=True)
        if vif is not None and not vif.get('preserve_on_delete'):
            client.delete('/ports/%s' % port_id)
        else:
            # Unknown to the cache: not known to be nova's to delete.
            self._unbind_port(client, port_id)
        left = [v for v in cached if v['id'] != port_id]
        self._save_cache(instance, left)
        return left
