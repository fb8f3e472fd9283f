"""The abstract driver: loading by name and the optional-operation defaults."""

import pytest

from nova import exception
from nova.virt import driver
from nova.virt import fake


class MinimalDriver(driver.ComputeDriver):
    """Only the abstract core, to check the base class's defaults."""

    def __init__(self, virtapi=None):
        super().__init__(virtapi)
        self.guests = {}

    def init_host(self, host):
        pass

    def get_available_nodes(self, refresh=False):
        return ['node1']

    def get_available_resource(self, nodename):
        return {'vcpus': 4, 'memory_mb': 2048, 'local_gb': 0}

    def list_instances(self):
        return list(self.guests)

    def list_instance_uuids(self):
        return list(self.guests)

    def get_info(self, instance):
        if instance.uuid not in self.guests:
            raise exception.InstanceNotFoundOnHypervisor(
                instance_id=instance.uuid)
        return driver.InstanceInfo(self.guests[instance.uuid])

    def spawn(self, context, instance, image_meta, injected_files,
              admin_password, allocations, network_info=None,
              block_device_info=None):
        self.guests[instance.uuid] = 1

    def destroy(self, context, instance, network_info, block_device_info=None,
                destroy_disks=True):
        self.guests.pop(instance.uuid, None)

    def power_off(self, instance, timeout=0, retry_interval=0):
        pass

    def power_on(self, context, instance, network_info,
                 block_device_info=None):
        pass

    def reboot(self, context, instance, network_info, reboot_type,
               block_device_info=None, bad_volumes_callback=None):
        pass


def test_driver_without_core_methods_cannot_be_created():
    class Incomplete(driver.ComputeDriver):
        def init_host(self, host):
            pass

    with pytest.raises(TypeError):
        Incomplete()


def test_optional_operations_are_not_implemented_by_default(make_instance):
    d = MinimalDriver()
    inst = make_instance()
    for call in (lambda: d.pause(inst),
                 lambda: d.unpause(inst),
                 lambda: d.suspend(None, inst),
                 lambda: d.resume(None, inst, []),
                 lambda: d.rescue(None, inst, [], {}, 'pw'),
                 lambda: d.unrescue(None, inst),
                 lambda: d.snapshot(None, inst, 'img', lambda **kw: None),
                 lambda: d.get_console_output(None, inst),
                 lambda: d.get_vnc_console(None, inst),
                 lambda: d.set_admin_password(inst, 'pw'),
                 lambda: d.trigger_crash_dump(inst)):
        with pytest.raises(NotImplementedError):
            call()


def test_base_helpers_use_the_core_methods(make_instance):
    d = MinimalDriver()
    inst = make_instance()
    assert not d.instance_exists(inst)
    d.spawn(None, inst, {}, [], None, {})
    assert d.instance_exists(inst)
    assert d.get_num_instances() == 1
    assert d.node_is_available('node1')
    assert not d.node_is_available('node2')
    assert d.get_host_names() == ['node1']


def test_inventory_skips_empty_resources_and_applies_ratios():
    inv = MinimalDriver().get_inventory(
        'node1', allocation_ratios={'VCPU': 16.0}, reserved={'MEMORY_MB': 512})
    assert set(inv) == {'VCPU', 'MEMORY_MB'}
    assert inv['VCPU']['total'] == 4
    assert inv['VCPU']['allocation_ratio'] == 16.0
    assert inv['MEMORY_MB']['reserved'] == 512
    assert inv['MEMORY_MB']['allocation_ratio'] == 1.0


def test_instance_info_compares_by_value():
    assert driver.InstanceInfo(1, 'a') == driver.InstanceInfo(1, 'a')
    assert driver.InstanceInfo(1, 'a') != driver.InstanceInfo(4, 'a')


def test_load_fake_driver_by_entry_point_name(conf):
    d = driver.load_compute_driver('fake')
    assert isinstance(d, fake.FakeDriver)


def test_load_uses_configured_driver_by_default(conf):
    conf.config(compute_driver='fake')
    assert isinstance(driver.load_compute_driver(), fake.FakeDriver)


def test_load_by_dotted_path(conf):
    d = driver.load_compute_driver('nova.virt.fake.FakeDriver')
    assert isinstance(d, fake.FakeDriver)
    d = driver.load_compute_driver('nova.virt.fake:FakeDriver')
    assert isinstance(d, fake.FakeDriver)


def test_load_passes_virtapi(conf):
    marker = object()
    assert driver.load_compute_driver('fake', virtapi=marker).virtapi is marker


@pytest.mark.parametrize('name', [
    'no-such-driver', 'nova.virt.nothing.Driver', 'nova.exception.NotFound',
    '',
])
def test_unknown_or_wrong_driver_raises_not_found(conf, name):
    with pytest.raises(exception.VirtDriverNotFound):
        driver.load_compute_driver(name)
