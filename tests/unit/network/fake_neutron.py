"""An in-memory Neutron behind nova.network.neutron_client.Client.

It answers Client.request (the one method every call goes through) from
dicts, applying the part of Neutron's behaviour the proxies depend on:
a caller sees its own project's resources (plus shared and external
networks), the service user and administrators see everything; 404,
409 and 400 come back typed as the real client raises them.
"""

import itertools
import uuid

import pytest

from nova.network import neutron_client

SINGULAR = {
    'networks': 'network', 'subnets': 'subnet', 'ports': 'port',
    'security-groups': 'security_group',
    'security-group-rules': 'security_group_rule',
    'floatingips': 'floatingip',
}
BODY_KEY = {name: name.replace('-', '_') for name in SINGULAR}


def _text(value):
    if isinstance(value, bool):
        return 'true' if value else 'false'
    return '' if value is None else str(value)


class FakeNeutron:

    def __init__(self):
        self.data = {name: {} for name in SINGULAR}
        self.calls = []             # (method, path, project, admin)
        self.port_details = True    # the fip-port-details extension
        self.exhausted = set()      # external networks with no more IPs
        self.fip_quota = None
        self._addresses = itertools.count(10)

    # -- making things --------------------------------------------------
    def _add(self, collection, **values):
        values.setdefault('id', str(uuid.uuid4()))
        self.data[collection][values['id']] = values
        return values

    def network(self, name, project='demo', shared=False, external=False,
                **kw):
        return self._add('networks', name=name, project_id=project,
                         shared=shared, subnets=[], mtu=1450,
                         **{'router:external': external}, **kw)

    def subnet(self, network, cidr, project='demo'):
        subnet = self._add('subnets', network_id=network['id'], cidr=cidr,
                           ip_version=6 if ':' in cidr else 4,
                           gateway_ip=None, dns_nameservers=[],
                           host_routes=[], enable_dhcp=True,
                           project_id=project)
        network['subnets'].append(subnet['id'])
        return subnet

    def security_group(self, name, project='demo', description=''):
        group = self._add('security-groups', name=name,
                          description=description, project_id=project,
                          security_group_rules=[])
        for ethertype in ('IPv4', 'IPv6'):
            self._rule(group, direction='egress', ethertype=ethertype)
        return group

    def _rule(self, group, **values):
        rule = dict({'protocol': None, 'port_range_min': None,
                     'port_range_max': None, 'remote_ip_prefix': None,
                     'remote_group_id': None, 'ethertype': 'IPv4'},
                    **values)
        rule = self._add('security-group-rules', security_group_id=group['id'],
                         project_id=group['project_id'], **rule)
        group['security_group_rules'].append(rule)
        return rule

    def port(self, server_id, subnet, address, groups=(), project='demo',
             port_security=True):
        return self._add(
            'ports', network_id=subnet['network_id'], device_id=server_id,
            device_owner='compute:nova', project_id=project,
            mac_address='fa:16:3e:00:00:%02x' % (len(self.data['ports'])),
            fixed_ips=[{'subnet_id': subnet['id'], 'ip_address': address}],
            security_groups=[g['id'] for g in groups],
            port_security_enabled=port_security, status='ACTIVE',
            **{'binding:vif_type': 'ovs', 'binding:host_id': 'cmp1'})

    def floatingip(self, network, address, project='demo'):
        return self._add('floatingips', floating_network_id=network['id'],
                         floating_ip_address=address, project_id=project,
                         port_id=None, fixed_ip_address=None)

    # -- answering ------------------------------------------------------
    def _visible(self, collection, item, ctx, admin):
        if admin:
            return True
        if collection == 'networks' and (item.get('shared') or
                                         item.get('router:external')):
            return True
        return item.get('project_id') == ctx.project_id

    def _out(self, collection, item):
        item = dict(item)
        if collection == 'floatingips' and self.port_details:
            port = self.data['ports'].get(item.get('port_id'))
            item['port_details'] = port and {
                'device_id': port['device_id'], 'network_id':
                port['network_id']}
        if collection == 'security-groups':
            item['security_group_rules'] = [
                dict(r) for r in item['security_group_rules']]
        return item

    @staticmethod
    def _params(params):
        found = {}
        items = params.items() if isinstance(params, dict) else params
        for key, value in items or ():
            values = value if isinstance(value, (list, tuple)) else [value]
            found.setdefault(key, []).extend(_text(v) for v in values)
        return found

    def _get(self, collection, ctx, admin, params):
        params = self._params(params)
        fields = params.pop('fields', None)
        found = []
        for item in self.data[collection].values():
            if not self._visible(collection, item, ctx, admin):
                continue
            if all(self._matches(item, k, v) for k, v in params.items()):
                out = self._out(collection, item)
                if fields:
                    out = {k: out.get(k) for k in fields}
                found.append(out)
        return found

    @staticmethod
    def _matches(item, key, values):
        if key == 'fixed_ips':
            # "ip_address=<address>": a port holding that fixed IP.
            addresses = {f.get('ip_address')
                         for f in item.get('fixed_ips') or ()}
            return any(v.partition('=')[2] in addresses for v in values
                       if v.startswith('ip_address='))
        return _text(item.get(key)) in values

    def _item(self, collection, item_id, ctx, admin):
        item = self.data.get(collection, {}).get(item_id)
        if item is None or not self._visible(collection, item, ctx, admin):
            raise neutron_client.NeutronNotFound(
                '%s %s could not be found.' % (SINGULAR[collection],
                                               item_id), status=404,
                type='%sNotFound' % SINGULAR[collection].title())
        return item

    def request(self, client, method, path, body=None, params=None):
        ctx, admin = client.context, client.admin or client.context.is_admin
        self.calls.append((method, path, ctx.project_id, admin))
        parts = path.strip('/').split('/')
        collection = parts[0]
        if collection == 'extensions':
            aliases = ['fip-port-details'] if self.port_details else []
            return {'extensions': [{'alias': a} for a in aliases]}
        if collection not in SINGULAR:
            raise neutron_client.NeutronNotFound('no such resource',
                                                 status=404)
        single = SINGULAR[collection]
        if len(parts) == 1:
            if method == 'GET':
                return {BODY_KEY[collection]: self._get(collection, ctx,
                                                        admin, params)}
            return {single: self._create(collection, ctx, admin,
                                         body[single])}
        item = self._item(collection, parts[1], ctx, admin)
        if method == 'GET':
            return {single: self._out(collection, item)}
        if method == 'PUT':
            return {single: self._update(collection, item, body[single])}
        if method == 'DELETE':
            self._delete(collection, item)
            return None
        raise neutron_client.NeutronBadRequest('bad method', status=405)

    def _create(self, collection, ctx, admin, values):
        if collection == 'security-groups':
            return self._out(collection, self.security_group(
                values['name'], project=ctx.project_id,
                description=values.get('description')))
        if collection == 'security-group-rules':
            group = self._item('security-groups',
                               values['security_group_id'], ctx, admin)
            keys = ('direction', 'protocol', 'port_range_min',
                    'port_range_max', 'remote_ip_prefix', 'remote_group_id',
                    'ethertype')
            for rule in group['security_group_rules']:
                if all(rule.get(k) == values.get(k) for k in keys):
                    raise neutron_client.NeutronConflict(
                        'Security group rule already exists.',
                        status=409, type='SecurityGroupRuleExists')
            values = {k: values.get(k) for k in keys}
            return dict(self._rule(group, **values))
        if collection == 'floatingips':
            net = self.data['networks'].get(values['floating_network_id'])
            if net is None or not net.get('router:external'):
                raise neutron_client.NeutronNotFound('no network',
                                                     status=404)
            if net['id'] in self.exhausted:
                raise neutron_client.NeutronConflict(
                    'No more IP addresses available on network.',
                    status=409, type='IpAddressGenerationFailure')
            owned = [f for f in self.data['floatingips'].values()
                     if f['project_id'] == ctx.project_id]
            if self.fip_quota is not None and len(owned) >= self.fip_quota:
                raise neutron_client.NeutronConflict(
                    'Quota exceeded for resources: [floatingip].',
                    status=409, type='OverQuota')
            fip = self.floatingip(net, '172.24.4.%d' % next(self._addresses),
                                  project=ctx.project_id)
            return self._out(collection, fip)
        raise neutron_client.NeutronBadRequest('not faked', status=400)

    def _update(self, collection, item, values):
        if collection == 'ports' and values.get('security_groups') and \
                not item.get('port_security_enabled', True):
            raise neutron_client.NeutronBadRequest(
                'Port security must be enabled in order to have allowed '
                'address pairs or security groups on a port.', status=400,
                type='PortSecurityAndIPRequiredForSecurityGroups')
        if collection == 'floatingips' and values.get('port_id') and \
                values['port_id'] not in self.data['ports']:
            raise neutron_client.NeutronNotFound('no port', status=404)
        item.update(values)
        if collection == 'floatingips' and not item.get('port_id'):
            item['fixed_ip_address'] = None
        return self._out(collection, item)

    def _delete(self, collection, item):
        if collection == 'security-groups' and any(
                item['id'] in p['security_groups']
                for p in self.data['ports'].values()):
            raise neutron_client.NeutronConflict(
                'Security Group %s in use.' % item['id'], status=409,
                type='SecurityGroupInUse')
        if collection == 'security-group-rules':
            group = self.data['security-groups'][item['security_group_id']]
            group['security_group_rules'] = [
                r for r in group['security_group_rules']
                if r['id'] != item['id']]
        del self.data[collection][item['id']]


@pytest.fixture
def neutron(conf, monkeypatch):
    """[network] backend = neutron, answered by a FakeNeutron."""
    from nova.api.controllers import servers
    fake = FakeNeutron()
    conf.config(backend='neutron', group='network')
    monkeypatch.setattr(
        neutron_client.Client, 'request',
        lambda self, method, path, body=None, params=None:
        fake.request(self, method, path, body=body, params=params))
    servers.network_api.cache_clear()
    yield fake
    servers.network_api.cache_clear()
