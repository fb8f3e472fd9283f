"""Security groups as the Compute API shows them, kept in Neutron.

The os-security-groups and os-security-group-rules proxies, a server's
os-security-groups, the addSecurityGroup / removeSecurityGroup actions and
the "security_groups" of server views all come here. Every call carries
the caller's own token, so Neutron's policy decides what a project sees:
one project never reads or changes another's groups through these APIs
(an administrator's token sees them all).

Groups come back in nova's shape, the one the views render::

    {"id", "name", "description", "project_id",
     "rules": [{"id", "parent_group_id", "protocol", "from_port",
                "to_port", "cidr", "group_id"}]}

Only ingress rules exist for nova; Neutron's egress rules are left out.
"""

import ipaddress
import urllib.parse

from oslo_log import log as logging
from oslo_utils import uuidutils

from nova import exception
from nova.network import api as network_api
from nova.network import neutron_client

LOG = logging.getLogger(__name__)

# Ids per Neutron query: they travel in the URL, whose length is bounded.
CHUNK = 50


def chunks(items, size=CHUNK):
    items = list(items)
    for start in range(0, len(items), size):
        yield items[start:start + size]


def validate_id(group_id):
    if not uuidutils.is_uuid_like(group_id):
        raise exception.Invalid('Security group id should be uuid')
    return group_id


def parse_cidr(cidr):
    """The CIDR of a rule (everything when none is given)."""
    if not cidr:
        return '0.0.0.0/0'
    try:
        text = urllib.parse.unquote(str(cidr))
        ipaddress.ip_network(text, strict=False)
    except ValueError:
        raise exception.InvalidCidr(cidr=cidr)
    if '/' not in text:
        raise exception.InvalidCidr(cidr=cidr)
    return text


def _ports(protocol, from_port, to_port, group_id):
    """(protocol, from_port, to_port) of a new rule, checked as nova's
    API always has; None ports when the rule names no protocol."""
    upper = str(protocol).upper() if protocol else ''
    if group_id and from_port is None and to_port is None:
        # A rule granting a group opens the whole protocol by default.
        if upper == 'ICMP':
            from_port = to_port = -1
        elif upper in ('TCP', 'UDP'):
            from_port, to_port = 1, 65535
    if not (protocol and from_port is not None and to_port is not None):
        return None
    try:
        from_port, to_port = int(from_port), int(to_port)
    except (TypeError, ValueError):
        if upper == 'ICMP':
            raise exception.InvalidInput(
                reason='Type and Code must be integers for ICMP protocol '
                       'type')
        raise exception.InvalidInput(
            reason='To and From ports must be integers')
    if upper not in ('TCP', 'UDP', 'ICMP'):
        raise exception.InvalidIpProtocol(protocol=protocol)
    if upper in ('TCP', 'UDP'):
        if from_port > to_port:
            raise exception.InvalidPortRange(
                from_port=from_port, to_port=to_port,
                msg='Former value cannot be greater than the later')
        if from_port < 1 or to_port > 65535:
            raise exception.InvalidPortRange(
                from_port=from_port, to_port=to_port,
                msg='Valid %s ports should be between 1-65535' % upper)
    elif not (-1 <= from_port <= 255 and -1 <= to_port <= 255):
        raise exception.InvalidPortRange(
            from_port=from_port, to_port=to_port,
            msg='For ICMP, the type:code must be valid')
    return str(protocol).lower(), from_port, to_port


def new_rule(parent_group_id, protocol=None, from_port=None, to_port=None,
             cidr=None, group_id=None):
    """A new ingress rule in nova's shape, or None when a CIDR rule lacks
    its protocol and ports (not enough to build a rule)."""
    rule = {'parent_group_id': parent_group_id, 'group_id': group_id,
            'cidr': None, 'protocol': None, 'from_port': None,
            'to_port': None}
    if group_id is None:
        rule['cidr'] = parse_cidr(cidr)
        address, _sep, prefix = rule['cidr'].partition('/')
        if prefix == '0' and address not in ('0.0.0.0', '::'):
            raise exception.Invalid('Bad prefix for network in cidr %s'
                                    % rule['cidr'])
    ports = _ports(protocol, from_port, to_port, group_id)
    if ports is None:
        if group_id is None:
            return None
    else:
        rule['protocol'], rule['from_port'], rule['to_port'] = ports
    return rule


def from_neutron_rule(rule):
    protocol = rule.get('protocol')
    low, high = rule.get('port_range_min'), rule.get('port_range_max')
    if protocol and low is None and high is None:
        if str(protocol).upper() in ('TCP', 'UDP'):
            low, high = 1, 65535
        else:
            low = high = -1
    return {
        'id': rule['id'],
        'parent_group_id': rule['security_group_id'],
        'protocol': protocol,
        'from_port': low,
        'to_port': high,
        'group_id': rule.get('remote_group_id'),
        'cidr': parse_cidr(rule.get('remote_ip_prefix')),
    }


def from_neutron(group):
    return {
        'id': group['id'],
        'name': group.get('name'),
        'description': group.get('description'),
        'project_id': group.get('project_id') or group.get('tenant_id'),
        'rules': [from_neutron_rule(rule)
                  for rule in group.get('security_group_rules') or []
                  if rule.get('direction') == 'ingress'],
    }


def _to_neutron_rule(rule):
    cidr = rule.get('cidr')
    version = ipaddress.ip_network(cidr, strict=False).version \
        if cidr else 4
    body = {
        'direction': 'ingress',
        'ethertype': 'IPv6' if version == 6 else 'IPv4',
        'protocol': rule.get('protocol'),
        'remote_ip_prefix': cidr,
        'remote_group_id': rule.get('group_id'),
        'security_group_id': rule['parent_group_id'],
    }
    if rule.get('from_port') not in (None, -1):
        body['port_range_min'] = rule['from_port']
    if rule.get('to_port') not in (None, -1):
        body['port_range_max'] = rule['to_port']
    return body


def _rule_exists(group, rule):
    keys = ('group_id', 'cidr', 'from_port', 'to_port', 'protocol')
    return any(all(old.get(k) == rule.get(k) for k in keys)
               for old in group['rules'])


def _has_security_requirements(port):
    """Whether security groups can apply to ``port``: port security on,
    and an address (or one deferred)."""
    addressed = port.get('fixed_ips') or \
        port.get('ip_allocation') == 'deferred'
    return bool(addressed) and port.get('port_security_enabled', True)


class SecurityGroupAPI:
    """Security groups of Neutron, for the caller of the request."""

    def client(self, context):
        return neutron_client.Client(context)

    # -- groups -------------------------------------------------------
    def list(self, context, project_id, all_tenants=False):
        """The project's groups; every group the caller may see with
        ``all_tenants`` (the callers decide who may ask for that)."""
        filters = {} if all_tenants else {'project_id': project_id}
        groups = self.client(context).list('security-groups', **filters)
        return [from_neutron(g) for g in groups]

    def get(self, context, group_id):
        try:
            group = self.client(context).get(
                '/security-groups/%s' % group_id)['security_group']
        except neutron_client.NeutronNotFound:
            raise exception.SecurityGroupNotFound(
                security_group_id=group_id)
        return from_neutron(group)

    def create(self, context, name, description):
        body = {'security_group': {'name': name,
                                   'description': description}}
        try:
            group = self.client(context).post('/security-groups', body)
        except neutron_client.NeutronConflict as exc:
            raise exception.SecurityGroupLimitExceeded(exc.message)
        except neutron_client.NeutronBadRequest as exc:
            raise exception.Invalid(exc.message)
        return from_neutron(group['security_group'])

    def update(self, context, group, name, description):
        body = {'security_group': {'name': name,
                                   'description': description}}
        try:
            updated = self.client(context).put(
                '/security-groups/%s' % group['id'], body)
        except neutron_client.NeutronNotFound:
            raise exception.SecurityGroupNotFound(
                security_group_id=group['id'])
        except neutron_client.NeutronBadRequest as exc:
            raise exception.Invalid(exc.message)
        return from_neutron(updated['security_group'])

    def destroy(self, context, group):
        try:
            self.client(context).delete(
                '/security-groups/%s' % group['id'], missing_ok=False)
        except neutron_client.NeutronNotFound:
            raise exception.SecurityGroupNotFound(
                security_group_id=group['id'])
        except neutron_client.NeutronConflict as exc:
            # In use by a port, or the project's default group.
            raise exception.Invalid(exc.message)

    def describe(self, context, groups):
        """{group id: {"name", "tenant_id"}} of the groups ``groups``'
        rules grant access to; a group the caller cannot see is left
        out (its rules are not shown)."""
        known = {g['id']: {'name': g['name'], 'tenant_id': g['project_id']}
                 for g in groups}
        wanted = {r['group_id'] for g in groups for r in g['rules']
                  if r['group_id'] and r['group_id'] not in known}
        client = self.client(context)
        for ids in chunks(sorted(wanted)):
            for found in client.list('security-groups', id=ids,
                                     fields=['id', 'name', 'project_id']):
                known[found['id']] = {'name': found.get('name'),
                                      'tenant_id': found.get('project_id')}
        return known

    # -- rules --------------------------------------------------------
    def create_rule(self, context, group, rule):
        if _rule_exists(group, rule):
            raise exception.Invalid('This rule already exists in group %s'
                                    % rule['parent_group_id'])
        body = {'security_group_rule': _to_neutron_rule(rule)}
        try:
            made = self.client(context).post('/security-group-rules', body)
        except neutron_client.NeutronNotFound as exc:
            raise exception.SecurityGroupNotFound(exc.message)
        except neutron_client.NeutronConflict as exc:
            raise exception.SecurityGroupLimitExceeded(exc.message)
        except neutron_client.NeutronBadRequest as exc:
            raise exception.Invalid(exc.message)
        return from_neutron_rule(made['security_group_rule'])

    def get_rule(self, context, rule_id):
        try:
            rule = self.client(context).get(
                '/security-group-rules/%s' % rule_id)['security_group_rule']
        except neutron_client.NeutronNotFound:
            raise exception.SecurityGroupNotFound(
                'Security group rule %s not found.' % rule_id)
        return from_neutron_rule(rule)

    def delete_rule(self, context, rule_id):
        try:
            self.client(context).delete('/security-group-rules/%s' % rule_id,
                                        missing_ok=False)
        except neutron_client.NeutronNotFound:
            raise exception.SecurityGroupNotFound(
                'Security group rule %s not found.' % rule_id)

    # -- servers ------------------------------------------------------
    def of_servers(self, context, server_ids, detailed=False):
        """{server id: [group]} of the groups on the servers' ports, one
        entry per port and group (as upstream shows them). Without
        ``detailed`` a group is only {"name"} (its id when unnamed)."""
        client = self.client(context)
        ports = []
        for ids in chunks(server_ids):
            ports.extend(client.list('ports', device_id=ids,
                                     fields=['device_id',
                                             'security_groups']))
        group_ids = sorted({g for p in ports
                            for g in p.get('security_groups') or []})
        groups = {}
        for ids in chunks(group_ids):
            kwargs = {} if detailed else {'fields': ['id', 'name']}
            for group in client.list('security-groups', id=ids, **kwargs):
                groups[group['id']] = group
        found = {}
        for port in ports:
            for group_id in port.get('security_groups') or []:
                group = groups.get(group_id)
                if group is None:
                    continue        # not the caller's to see
                entry = from_neutron(group) if detailed else \
                    {'name': group.get('name') or group['id']}
                found.setdefault(port['device_id'], []).append(entry)
        return found

    def _resolve(self, client, context, name):
        """The id of the group ``name`` (a name or an id) of the
        caller's project."""
        if uuidutils.is_uuid_like(name):
            found = client.list('security-groups', id=name, fields=['id'])
            if found:
                return found[0]['id']
        found = client.list('security-groups', name=name,
                            project_id=context.project_id, fields=['id'])
        if len(found) > 1:
            raise exception.NoUniqueMatch(
                "Multiple security_group matches found for name '%s', use "
                "an ID to be more specific." % name)
        if not found:
            raise exception.SecurityGroupNotFound(
                'Security group %s is not found for project %s'
                % (name, context.project_id))
        return found[0]['id']

    def _server_ports(self, client, instance):
        ports = client.list('ports', device_id=instance.uuid)
        if not ports:
            raise exception.SecurityGroupNotFound(
                'instance_id %s could not be found as device id on any '
                'ports' % instance.uuid)
        return ports

    def add_to_instance(self, context, instance, name):
        """Put group ``name`` on every port of the server."""
        client = self.client(context)
        group_id = self._resolve(client, context, name)
        ports = self._server_ports(client, instance)
        for port in ports:
            if not _has_security_requirements(port):
                LOG.warning('Security group %s cannot be added: port %s '
                            'lacks port security or an address', name,
                            port['id'], instance_uuid=instance.uuid)
                raise exception.SecurityGroupCannotBeApplied()
        for port in ports:
            groups = list(port.get('security_groups') or [])
            if group_id in groups:
                continue
            groups.append(group_id)
            LOG.info('Adding security group %s to port %s', group_id,
                     port['id'], instance_uuid=instance.uuid)
            try:
                client.put('/ports/%s' % port['id'],
                           {'port': {'security_groups': groups}})
            except neutron_client.NeutronConflict as exc:
                raise exception.SecurityGroupConnectionStateConflict(
                    exc.message)
            except neutron_client.NeutronBadRequest as exc:
                raise exception.SecurityGroupCannotBeApplied(exc.message)

    def remove_from_instance(self, context, instance, name):
        """Take group ``name`` off every port of the server that has it."""
        client = self.client(context)
        group_id = self._resolve(client, context, name)
        removed = False
        for port in self._server_ports(client, instance):
            groups = list(port.get('security_groups') or [])
            if group_id not in groups:
                continue
            groups.remove(group_id)
            LOG.info('Removing security group %s from port %s', group_id,
                     port['id'], instance_uuid=instance.uuid)
            client.put('/ports/%s' % port['id'],
                       {'port': {'security_groups': groups}})
            removed = True
        if not removed:
            raise exception.SecurityGroupNotFound(
                'Security group %s not associated with the instance %s'
                % (name, instance.uuid))


class NoSecurityGroupAPI:
    """[network] backend none: there are no security groups, and none
    can be made."""

    def list(self, context, project_id, all_tenants=False):
        return []

    def get(self, context, group_id):
        raise exception.SecurityGroupNotFound(security_group_id=group_id)

    def create(self, context, name, description):
        raise exception.Invalid('No network service is configured '
                                '([network] backend = none): security '
                                'groups cannot be created.')

    def describe(self, context, groups):
        return {}

    def get_rule(self, context, rule_id):
        raise exception.SecurityGroupNotFound(
            'Security group rule %s not found.' % rule_id)

    def of_servers(self, context, server_ids, detailed=False):
        return {}

    def add_to_instance(self, context, instance, name):
        raise exception.SecurityGroupNotFound(
            'Security group %s is not found for project %s'
            % (name, context.project_id))

    remove_from_instance = add_to_instance


def API():
    if network_api.is_neutron():
        return SecurityGroupAPI()
    return NoSecurityGroupAPI()
