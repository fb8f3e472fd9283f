"""nova.virt.libvirt.vif: the NIC XML of a VIF and the os-vif calls."""

import types
import xml.etree.ElementTree as ET

import pytest

from nova.virt.libvirt import config_devices as devices
from nova.virt.libvirt import vif as libvirt_vif

PORT = '4bf4a7db-2f7a-40eb-8d49-2e5028292102'
NET = '0c2bd5b8-62e2-4bb6-9c6c-9a0c9a6c8e0d'
MAC = 'fa:16:3e:5f:35:9a'
INSTANCE = types.SimpleNamespace(uuid='9d8e5d0c-6f5a-4f4e-a7c2-3c7b1f1b1a11',
                                 project_id='p1')


def _ovs_vif(**changes):
    vif = {
        'id': PORT, 'address': MAC, 'type': 'ovs',
        'details': {'bridge_name': 'br-int', 'datapath_type': 'netdev',
                    'port_filter': True, 'ovs_hybrid_plug': False},
        'devname': ('tap' + PORT)[:14], 'ovs_interfaceid': PORT,
        'active': False, 'preserve_on_delete': False,
        'network': {'id': NET, 'label': 'private', 'bridge': 'br-int',
                    'mtu': 1450, 'subnets': []},
    }
    vif.update(changes)
    return vif


class FakeOsVif:
    """os_vif's plug/unplug, recording (action, vif, instance_info)."""

    def __init__(self, fail_on=()):
        self.calls = []
        self.fail_on = set(fail_on)

    def plug(self, vif, instance_info):
        self.calls.append(('plug', vif, instance_info))
        if ('plug', vif.id) in self.fail_on:
            raise RuntimeError('ovsdb says no')

    def unplug(self, vif, instance_info):
        self.calls.append(('unplug', vif, instance_info))
        if ('unplug', vif.id) in self.fail_on:
            raise RuntimeError('ovsdb says no')


# ---------------------------------------------------------------------------
# The guest's NIC
# ---------------------------------------------------------------------------
def test_ovs_vif_is_an_ethernet_nic_on_the_plugged_tap():
    xml = libvirt_vif.interface_device(_ovs_vif(), 'virtio').to_xml_string()
    assert xml == (
        '<interface type="ethernet"><mac address="%s" />'
        '<target dev="tap4bf4a7db-2f" managed="no" />'
        '<model type="virtio" /><mtu size="1450" /></interface>' % MAC)


def test_ovs_vif_without_devname_or_mtu():
    vif = _ovs_vif(devname=None)
    vif['network'] = {'id': NET, 'bridge': 'br-int'}
    dev = libvirt_vif.interface_device(vif, 'e1000')
    assert dev.target_dev == 'tap4bf4a7db-2f'
    assert dev.mtu is None
    assert dev.model == 'e1000'


def test_ethernet_nic_parses_back():
    dev = libvirt_vif.interface_device(_ovs_vif(), 'virtio')
    back = devices.Interface.parse_dom(ET.fromstring(dev.to_xml_string()))
    assert back == dev
    assert back.target_managed is False


def test_bridge_vif_is_left_to_libvirt():
    vif = {'id': PORT, 'address': MAC, 'type': 'bridge',
           'network': {'bridge': 'virbr0'}}
    dev = libvirt_vif.interface_device(vif, 'virtio')
    assert (dev.net_type, dev.source, dev.target_managed) == \
        ('bridge', 'virbr0', None)
    assert not libvirt_vif.is_plugged_by_us(vif)


@pytest.mark.parametrize('vif_type',
                         ['binding_failed', 'unbound', 'vhostuser'])
def test_vif_type_we_cannot_plug_is_refused(vif_type):
    with pytest.raises(libvirt_vif.UnsupportedVifType) as exc:
        libvirt_vif.interface_device(_ovs_vif(type=vif_type), 'virtio')
    assert vif_type in str(exc.value)


def test_managed_without_target_dev_is_refused():
    with pytest.raises(ValueError):
        devices.Interface(net_type='ethernet',
                          target_managed=False).to_xml_string()


# ---------------------------------------------------------------------------
# The os-vif object
# ---------------------------------------------------------------------------
def test_to_os_vif_asks_for_the_tap_and_its_ovs_port():
    pytest.importorskip('os_vif')
    obj = libvirt_vif.to_os_vif(_ovs_vif())
    assert type(obj).__name__ == 'VIFOpenVSwitch'
    assert (str(obj.id), obj.address, obj.plugin, obj.vif_name,
            obj.bridge_name) == (PORT, MAC, 'ovs', 'tap4bf4a7db-2f',
                                 'br-int')
    assert obj.has_traffic_filtering is True
    assert obj.network.bridge == 'br-int'
    assert obj.network.mtu == 1450
    assert str(obj.network.id) == NET
    profile = obj.port_profile
    assert type(profile).__name__ == 'VIFPortProfileOpenVSwitch'
    assert str(profile.interface_id) == PORT
    assert profile.datapath_type == 'netdev'
    assert profile.create_port is True
    assert profile.create_tap is True


def test_bridge_falls_back_to_the_network_then_br_int():
    pytest.importorskip('os_vif')
    vif = _ovs_vif(details={})
    vif['network']['bridge'] = 'br-other'
    assert libvirt_vif.to_os_vif(vif).network.bridge == 'br-other'
    vif['network']['bridge'] = None
    obj = libvirt_vif.to_os_vif(vif)
    assert obj.network.bridge == 'br-int'
    assert 'datapath_type' not in obj.port_profile


# ---------------------------------------------------------------------------
# VifDriver
# ---------------------------------------------------------------------------
def test_plug_hands_the_vif_and_instance_to_os_vif():
    pytest.importorskip('os_vif')
    backend = FakeOsVif()
    libvirt_vif.VifDriver(backend).plug(INSTANCE, _ovs_vif())
    [(action, vif, info)] = backend.calls
    assert action == 'plug'
    assert vif.vif_name == 'tap4bf4a7db-2f'
    assert (info.uuid, info.project_id) == (INSTANCE.uuid, 'p1')


def test_vifs_of_other_types_are_not_plugged():
    backend = FakeOsVif()
    drv = libvirt_vif.VifDriver(backend)
    vif = {'id': PORT, 'type': 'bridge', 'network': {'bridge': 'virbr0'}}
    drv.plug(INSTANCE, vif)
    drv.unplug(INSTANCE, vif)
    assert backend.calls == []


def test_failed_plug_raises_and_plug_all_unplugs_what_it_plugged():
    pytest.importorskip('os_vif')
    second = '7f0e9a5e-8b8a-4f57-9a34-0d6f6c1d2e3f'
    backend = FakeOsVif(fail_on={('plug', second)})
    vifs = [_ovs_vif(), _ovs_vif(id=second, devname='tap7f0e9a5e-8b',
                                 ovs_interfaceid=second)]
    with pytest.raises(libvirt_vif.VifPlugFailed):
        libvirt_vif.VifDriver(backend).plug_all(INSTANCE, vifs)
    assert [(a, str(v.id)) for a, v, _i in backend.calls] == [
        ('plug', PORT), ('plug', second), ('unplug', PORT)]


def test_failed_unplug_is_only_logged():
    pytest.importorskip('os_vif')
    backend = FakeOsVif(fail_on={('unplug', PORT)})
    libvirt_vif.VifDriver(backend).unplug_all(INSTANCE, [_ovs_vif()])
    assert [a for a, _v, _i in backend.calls] == ['unplug']


def test_vifs_of_prefers_network_info_then_the_info_cache():
    from nova.network import model
    cached = types.SimpleNamespace(
        uuid=INSTANCE.uuid, network_info=model.dump([_ovs_vif()]))
    assert libvirt_vif.vifs_of(cached, [{'id': 'x'}]) == [{'id': 'x'}]
    assert [v['id'] for v in libvirt_vif.vifs_of(cached)] == [PORT]
    assert libvirt_vif.vifs_of(types.SimpleNamespace(network_info=None)) \
        == []
