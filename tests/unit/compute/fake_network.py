"""A network API at the edge of the compute unit tests: each server gets
ports (plain ids) whose VIFs live in the instance's info cache, as with
Neutron; where each port is bound is kept, and every call is recorded
in ``calls`` as (method name, host or port id or None)."""

from nova.network import model


def vif(port_id, active=True, preserve=False, tag=None):
    return {
        'id': port_id, 'address': 'fa:16:3e:00:00:%02x' % (
            sum(map(ord, port_id)) % 256),
        'type': 'ovs', 'details': {}, 'devname': ('tap' + port_id)[:14],
        'ovs_interfaceid': port_id, 'vnic_type': 'normal', 'profile': {},
        'active': active, 'preserve_on_delete': preserve, 'tag': tag,
        'network': {'id': 'net-1', 'label': 'private', 'bridge': 'br-int',
                    'mtu': 1450, 'tenant_id': 'p1',
                    'physical_network': None, 'tunneled': True,
                    'subnets': [{'id': 'subnet-1', 'cidr': '10.0.0.0/24',
                                 'version': 4, 'gateway': '10.0.0.1',
                                 'dns': [], 'routes': [],
                                 'dhcp_server': None,
                                 'ips': [{'address': '10.0.0.5',
                                          'type': 'fixed', 'version': 4,
                                          'floating_ips': []}]}]},
    }


class FakeNetworkAPI:

    def __init__(self, binding_extension=False, ports_per_server=1):
        self.calls = []
        self.binding_extension = binding_extension
        self.ports_per_server = ports_per_server
        # method name -> exception it raises
        self.fail = {}
        # port id -> host it is bound to (None: unbound)
        self.bound = {}
        self._made = 0

    def _record(self, name, arg=None):
        self.calls.append((name, arg))
        if name in self.fail:
            raise self.fail[name]

    def names(self):
        return [name for name, _arg in self.calls]

    def _new_port(self):
        self._made += 1
        return 'port-%d' % self._made

    @staticmethod
    def _save(instance, network_info):
        instance.network_info = model.dump(network_info)
        if hasattr(instance, 'save'):
            instance.save()

    def get_instance_nw_info(self, context, instance):
        return model.load(getattr(instance, 'network_info', None))

    def refresh_instance_nw_info(self, context, instance):
        self._record('refresh_instance_nw_info')
        info = self.get_instance_nw_info(context, instance)
        for item in info:
            item['active'] = True
        self._save(instance, info)
        return info

    def allocate_for_instance(self, context, instance, requested_networks,
                              host=None):
        self._record('allocate_for_instance', host)
        info = [vif(self._new_port())
                for _i in range(self.ports_per_server)]
        for item in info:
            self.bound[item['id']] = host
        instance.network_info = model.dump(info)
        return info

    def deallocate_for_instance(self, context, instance):
        self._record('deallocate_for_instance')
        for item in self.get_instance_nw_info(context, instance):
            self.bound.pop(item['id'], None)

    def _bind_all(self, instance, host):
        for item in self.get_instance_nw_info(None, instance):
            self.bound[item['id']] = host

    def bind_ports_to_host(self, context, instance, host):
        self._record('bind_ports_to_host', host)
        self._bind_all(instance, host)
        info = self.get_instance_nw_info(context, instance)
        for item in info:
            item['active'] = False
        self._save(instance, info)
        return info

    def unbind_ports(self, context, instance):
        self._record('unbind_ports')
        self._bind_all(instance, None)

    def has_port_binding_extension(self, context):
        return self.binding_extension

    def create_inactive_bindings(self, context, instance, host):
        self._record('create_inactive_bindings', host)
        return {}

    def activate_bindings(self, context, instance, host, source=None):
        self._record('activate_bindings', host)
        self._bind_all(instance, host)
        return self.get_instance_nw_info(context, instance)

    def delete_bindings(self, context, instance, host):
        self._record('delete_bindings', host)

    def validate_interface_attach(self, context, instance, network_id=None,
                                  port_id=None, fixed_ip=None):
        self._record('validate_interface_attach', port_id or network_id)

    def allocate_port_for_instance(self, context, instance, network_id=None,
                                   port_id=None, fixed_ip=None, tag=None,
                                   host=None):
        self._record('allocate_port_for_instance', host)
        new = vif(port_id or self._new_port(), active=False,
                  preserve=bool(port_id), tag=tag)
        self.bound[new['id']] = host
        self._save(instance,
                   self.get_instance_nw_info(context, instance) + [new])
        return new

    def deallocate_port_for_instance(self, context, instance, port_id):
        self._record('deallocate_port_for_instance', port_id)
        self.bound.pop(port_id, None)
        left = [v for v in self.get_instance_nw_info(context, instance)
                if v['id'] != port_id]
        self._save(instance, left)
        return left
