"""Servers for the metadata tests: instance objects as the conductor
returns them, with network info caches in nova.network.model's shape, and
(``servers``) the same stored in real SQLite cell databases with their
instance mappings, so that lookups go through the object layer."""

import base64
import datetime
import uuid as uuidlib

import pytest

from nova import context as nova_context
from nova.network import model as network_model
from nova import objects

NOW = datetime.datetime(2024, 5, 1, 12, 0, 0,
                        tzinfo=datetime.timezone.utc)
KEY = ('ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOvPrQ2bKzF0zPnC2zgW6Hb '
       'alice@example')


@pytest.fixture(scope='session', autouse=True)
def _objects():
    objects.register_all()


def b64(data):
    if isinstance(data, str):
        data = data.encode()
    return base64.b64encode(data).decode()


def flavor(**kw):
    values = dict(id=1, flavorid='1', name='m1.tiny', memory_mb=512,
                  vcpus=1, root_gb=1, ephemeral_gb=0, swap=0,
                  rxtx_factor=1.0, vcpu_weight=None, disabled=False,
                  is_public=True, extra_specs={}, projects=[],
                  description=None, created_at=NOW, updated_at=None)
    values.update(kw)
    return objects.Flavor(**values)


def subnet(cidr, *addresses, gateway=None, dns=(), routes=(),
           enable_dhcp=True, ipv6_address_mode=None, floating=()):
    version = 6 if ':' in cidr else 4
    return {'id': str(uuidlib.uuid4()), 'cidr': cidr, 'version': version,
            'gateway': gateway, 'dns': list(dns),
            'routes': [{'cidr': c, 'gateway': g} for c, g in routes],
            'dhcp_server': None, 'enable_dhcp': enable_dhcp,
            'ipv6_address_mode': ipv6_address_mode,
            'ips': [{'address': a, 'type': 'fixed', 'version': version,
                     'floating_ips': list(floating)} for a in addresses]}


def vif(*subnets, port_id=None, mac='fa:16:3e:00:00:01', tag=None,
        network_id='net-1', mtu=1450):
    port_id = port_id or str(uuidlib.uuid4())
    return {'id': port_id, 'address': mac, 'type': 'ovs', 'details': {},
            'devname': ('tap' + port_id)[:network_model.NIC_NAME_LEN],
            'ovs_interfaceid': port_id, 'vnic_type': 'normal',
            'profile': {}, 'active': True, 'preserve_on_delete': False,
            'tag': tag,
            'network': {'id': network_id, 'label': 'private',
                        'bridge': 'br-int', 'mtu': mtu,
                        'tenant_id': 'demo', 'physical_network': None,
                        'tunneled': True, 'subnets': list(subnets)}}


def instance_values(**kw):
    values = dict(
        id=42, uuid=str(uuidlib.uuid4()), user_id='demo', project_id='demo',
        image_ref='155d900f-4e14-4e4c-a73d-069cbf4541e6', kernel_id=None,
        ramdisk_id=None, hostname='vm1', display_name='VM one',
        display_description=None, host='cmp1', node='cmp1-node',
        launched_on='cmp1', instance_type_id=1, memory_mb=512, vcpus=1,
        root_gb=1, ephemeral_gb=0, vm_state='active', task_state=None,
        power_state=1, launched_at=NOW, terminated_at=None,
        availability_zone='nova', key_name=None, key_data=None,
        user_data=None, reservation_id='r-abcdefgh', launch_index=0,
        locked=False, locked_by=None, config_drive='', access_ip_v4=None,
        access_ip_v6=None, progress=0, root_device_name='/dev/vda',
        metadata={}, system_metadata={}, flavor=flavor(),
        network_info=None, created_at=NOW, updated_at=NOW,
        deleted_at=None, deleted=False)
    values.update(kw)
    if isinstance(values['network_info'], list):
        values['network_info'] = network_model.dump(values['network_info'])
    return values


def make_instance(**kw):
    return objects.Instance(**instance_values(**kw))


class Servers:
    """Servers stored in the cell1 database of ``cells``, mapped."""

    def __init__(self, cells):
        self.cells = cells
        self.ctx = nova_context.get_admin_context()
        self.cctx = self.ctx.targeted(cells.cell1.uuid)

    def create(self, **kw):
        values = instance_values(**kw)
        for key in ('id', 'created_at', 'updated_at', 'deleted_at',
                    'deleted'):
            values.pop(key)
        inst = objects.Instance(self.cctx, **values)
        inst.create()
        objects.InstanceMapping(
            self.ctx, instance_uuid=inst.uuid, project_id=inst.project_id,
            user_id=inst.user_id, cell_mapping=self.cells.cell1,
            queued_for_delete=False).create()
        return inst

    def get(self, instance_uuid):
        return objects.Instance.get_by_uuid(self.cctx, instance_uuid)


@pytest.fixture
def servers(cells):
    return Servers(cells)
