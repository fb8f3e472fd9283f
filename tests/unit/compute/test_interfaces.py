"""attach_interface and detach_interface on the compute host: the fake
driver and real cell databases, the network API faked at the edge
(fake_network.py)."""

import pytest

from nova.compute import interfaces
from nova.compute import vif_plugging
from nova import exception
from tests.unit.compute.conftest import HOST
from tests.unit.compute.conftest import build
from tests.unit.compute.conftest import reload
from tests.unit.compute.fake_network import FakeNetworkAPI


@pytest.fixture
def running(make_manager, make_instance):
    network = FakeNetworkAPI()
    manager = make_manager(network_api=network)
    instance = make_instance()
    build(manager, instance)
    network.calls.clear()
    return manager, network, reload(instance)


def _attach(manager, instance, **kwargs):
    return interfaces.attach_interface(manager.compute, instance._context,
                                       instance, **kwargs)


def _guest_vifs(manager, instance):
    return manager.compute.driver._guests[instance.uuid]['vifs']


def _cached_ids(instance):
    return [vif['id'] for vif in FakeNetworkAPI().get_instance_nw_info(
        None, reload(instance))]


def test_attach_binds_a_new_port_here_plugs_it_and_returns_it(running):
    manager, network, instance = running
    vif = _attach(manager, instance, network_id='net-1', tag='nic2')
    assert vif['id'] == 'port-2' and vif['tag'] == 'nic2'
    assert ('allocate_port_for_instance', HOST) in network.calls
    assert network.bound['port-2'] == HOST
    assert _guest_vifs(manager, instance) == ['port-1', 'port-2']
    assert _cached_ids(instance) == ['port-1', 'port-2']
    # Read again after the plug: the attachment shows the port up.
    assert vif['active'] is True


def test_driver_failure_releases_the_port(running, monkeypatch):
    manager, network, instance = running

    def broken(*args, **kwargs):
        raise exception.NovaException('no PCI slot left')
    monkeypatch.setattr(manager.compute.driver, 'attach_interface', broken)
    with pytest.raises(exception.InterfaceAttachFailed):
        _attach(manager, instance, port_id='users-port')
    assert ('deallocate_port_for_instance', 'users-port') in network.calls
    assert _cached_ids(instance) == ['port-1']
    assert _guest_vifs(manager, instance) == ['port-1']


def test_driver_without_hotplug_answers_not_supported(running,
                                                      monkeypatch):
    manager, network, instance = running

    def missing(*args, **kwargs):
        raise NotImplementedError()
    monkeypatch.setattr(manager.compute.driver, 'attach_interface', missing)
    with pytest.raises(exception.AttachInterfaceNotSupported):
        _attach(manager, instance, network_id='net-1')
    assert 'deallocate_port_for_instance' in network.names()


@pytest.fixture
def neutron_waits(compute_conf):
    compute_conf.config(backend='neutron', group='network')
    compute_conf.config(vif_plugging_timeout=1, vif_plugging_is_fatal=True)


def test_attach_waits_for_the_port_to_be_wired(running, neutron_waits,
                                               monkeypatch):
    manager, network, instance = running
    compute = manager.compute
    plug = compute.driver.attach_interface

    def plug_and_report(context, inst, image_meta, vif):
        plug(context, inst, image_meta, vif)
        # What Neutron sends once the agent wired the port.
        compute.external_events.deliver(inst.uuid, vif_plugging.PLUGGED,
                                        vif['id'], 'completed')
    monkeypatch.setattr(compute.driver, 'attach_interface', plug_and_report)
    vif = _attach(manager, instance, network_id='net-1')
    assert vif['id'] in _guest_vifs(manager, instance)


def test_attach_never_wired_is_undone(running, neutron_waits):
    manager, network, instance = running
    with pytest.raises(exception.InterfaceAttachFailed):
        _attach(manager, instance, network_id='net-1')
    assert ('deallocate_port_for_instance', 'port-2') in network.calls
    assert _cached_ids(instance) == ['port-1']


def test_detach_unplugs_and_releases_the_port(running):
    manager, network, instance = running
    manager.detach_interface(instance._context, instance, 'port-1')
    assert network.calls == [('deallocate_port_for_instance', 'port-1')]
    assert _guest_vifs(manager, instance) == []
    assert _cached_ids(instance) == []


def test_detach_of_a_port_not_attached_is_refused(running):
    manager, network, instance = running
    with pytest.raises(exception.PortNotFound):
        manager.detach_interface(instance._context, instance, 'port-x')
    assert network.calls == []


def test_detach_failing_in_the_driver_keeps_the_port(running,
                                                     monkeypatch):
    manager, network, instance = running

    def broken(*args, **kwargs):
        raise exception.NovaException('guest did not let go')
    monkeypatch.setattr(manager.compute.driver, 'detach_interface', broken)
    with pytest.raises(exception.InterfaceDetachFailed):
        manager.detach_interface(instance._context, instance, 'port-1')
    assert network.calls == []
    got = reload(instance)
    assert _cached_ids(got) == ['port-1']
    assert got.fault is not None
