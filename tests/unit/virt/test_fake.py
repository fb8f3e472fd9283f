"""The fake virt driver: nodes, usage, guest life cycle, persistence."""

import json
import os
import threading
import time

import pytest

from nova import exception
from nova.states import power_state
from nova.virt import driver
from nova.virt import fake


def _spawn(drv, inst, image_meta=None):
    drv.spawn(None, inst, image_meta or {}, [], None, {})


def _wait_until_spawning(drv, inst, timeout=5.0):
    """Wait until a spawn running in another thread has claimed the uuid."""
    deadline = time.monotonic() + timeout
    while inst.uuid not in drv._spawning:
        assert time.monotonic() < deadline, 'spawn never started'
        time.sleep(0.001)


@pytest.fixture
def drv(conf):
    d = fake.FakeDriver()
    d.init_host('compute1')
    return d


def test_single_node_is_named_after_the_host(drv):
    assert drv.get_available_nodes() == ['compute1']


def test_many_nodes_are_numbered_from_one(conf):
    conf.config(node_count=3, group='fake')
    d = fake.FakeDriver()
    d.init_host('compute1')
    assert d.get_available_nodes() == [
        'compute1-node-1', 'compute1-node-2', 'compute1-node-3']
    assert d.node_is_available('compute1-node-2')
    assert not d.node_is_available('compute1')


def test_ten_thousand_nodes_listed_quickly(conf, make_instance):
    conf.config(node_count=10000, group='fake')
    d = fake.FakeDriver()
    d.init_host('compute1')
    nodes = d.get_available_nodes()
    assert len(nodes) == 10000
    assert len(set(nodes)) == 10000
    assert nodes[-1] == 'compute1-node-10000'
    _spawn(d, make_instance(node='compute1-node-9999', vcpus=2))
    for node in nodes:
        res = d.get_available_resource(node)
        assert res['hypervisor_hostname'] == node
    assert d.get_available_resource('compute1-node-9999')['vcpus_used'] == 2
    assert d.get_available_resource('compute1-node-1')['vcpus_used'] == 0


def test_resources_report_configured_capacity(conf):
    conf.config(vcpus=8, memory_mb=4096, local_gb=100, group='fake')
    d = fake.FakeDriver()
    d.init_host('compute1')
    res = d.get_available_resource('compute1')
    assert res['vcpus'] == 8
    assert res['memory_mb'] == 4096
    assert res['local_gb'] == 100
    assert (res['vcpus_used'], res['memory_mb_used'],
            res['local_gb_used']) == (0, 0, 0)
    assert res['hypervisor_type'] == 'fake'
    assert res['hypervisor_version'] == 1000
    assert res['hypervisor_hostname'] == 'compute1'
    assert res['disk_available_least'] == 100
    assert json.loads(res['cpu_info'])['topology']['cores'] == 8


def test_resources_of_unknown_node_raise(drv):
    with pytest.raises(exception.ComputeHostNotFoundByNode):
        drv.get_available_resource('elsewhere')


def test_usage_counts_guests_on_their_node(conf, make_instance):
    conf.config(node_count=2, local_gb=100, group='fake')
    d = fake.FakeDriver()
    d.init_host('compute1')
    a = make_instance(node='compute1-node-1', vcpus=2, memory_mb=1024,
                      root_gb=10, ephemeral_gb=5)
    b = make_instance(node='compute1-node-1', vcpus=1, memory_mb=512,
                      root_gb=1)
    c = make_instance(node='compute1-node-2', vcpus=4, memory_mb=2048,
                      root_gb=20)
    for inst in (a, b, c):
        _spawn(d, inst)
    n1 = d.get_available_resource('compute1-node-1')
    n2 = d.get_available_resource('compute1-node-2')
    assert (n1['vcpus_used'], n1['memory_mb_used'], n1['local_gb_used']) == \
        (3, 1536, 16)
    assert n1['disk_available_least'] == 84
    assert n1['running_vms'] == 2
    assert (n2['vcpus_used'], n2['memory_mb_used'], n2['local_gb_used']) == \
        (4, 2048, 20)
    # A stopped guest still holds its resources; a destroyed one does not.
    d.power_off(a)
    assert d.get_available_resource('compute1-node-1')['vcpus_used'] == 3
    d.destroy(None, a, [])
    n1 = d.get_available_resource('compute1-node-1')
    assert (n1['vcpus_used'], n1['memory_mb_used'], n1['local_gb_used']) == \
        (1, 512, 1)
    assert d.list_instance_uuids(node='compute1-node-2') == [c.uuid]


def test_sizes_fall_back_to_the_flavor(drv, make_instance):
    class Flavor(object):
        vcpus, memory_mb, root_gb, ephemeral_gb = 3, 300, 30, 0

    inst = make_instance(vcpus=None, memory_mb=None, root_gb=None,
                         ephemeral_gb=None)
    inst.flavor = Flavor()
    _spawn(drv, inst)
    res = drv.get_available_resource('compute1')
    assert (res['vcpus_used'], res['memory_mb_used'],
            res['local_gb_used']) == (3, 300, 30)


def test_spawned_guest_is_running(drv, make_instance):
    inst = make_instance()
    _spawn(drv, inst)
    info = drv.get_info(inst)
    assert isinstance(info, driver.InstanceInfo)
    assert info.state == power_state.RUNNING
    assert info.internal_id
    assert drv.instance_exists(inst)
    assert drv.list_instance_uuids() == [inst.uuid]
    assert drv.list_instances() == ['instance-%08x' % inst.id]
    assert drv.get_num_instances() == 1


def test_second_spawn_of_same_uuid_is_refused(drv, make_instance):
    inst = make_instance()
    _spawn(drv, inst)
    with pytest.raises(exception.InstanceExists):
        _spawn(drv, inst)
    assert drv.get_num_instances() == 1


def test_spawn_on_a_node_of_another_host_fails(drv, make_instance):
    with pytest.raises(exception.InstanceSpawnFailed):
        _spawn(drv, make_instance(node='compute2'))
    assert drv.get_num_instances() == 0


def test_spawn_without_node_uses_the_only_node(drv, make_instance):
    inst = make_instance(node=None)
    _spawn(drv, inst)
    assert drv.list_instance_uuids(node='compute1') == [inst.uuid]


def test_spawn_of_listed_image_fails_and_leaves_nothing(conf,
                                                        make_instance):
    conf.config(fail_spawn_images=['bad-image'], group='fake')
    d = fake.FakeDriver()
    d.init_host('compute1')
    inst = make_instance(image_ref='bad-image')
    with pytest.raises(exception.InstanceSpawnFailed):
        _spawn(d, inst)
    assert not d.instance_exists(inst)
    assert d.get_available_resource('compute1')['vcpus_used'] == 0
    # The uuid is free again for a retry with another image.
    inst.image_ref = 'good-image'
    _spawn(d, inst)
    assert d.instance_exists(inst)


def test_spawn_delay_is_honoured_without_blocking_others(conf,
                                                         make_instance):
    conf.config(spawn_delay=0.2, group='fake')
    d = fake.FakeDriver()
    d.init_host('compute1')
    slow = make_instance()
    t = threading.Thread(target=_spawn, args=(d, slow))
    t.start()
    _wait_until_spawning(d, slow)
    try:
        # While the spawn sleeps the guest does not exist yet, a second
        # spawn of it is refused, and other calls still answer.
        assert d.get_num_instances() == 0
        with pytest.raises(exception.InstanceExists):
            _spawn(d, slow)
        assert d.get_available_nodes() == ['compute1']
    finally:
        t.join()
    assert d.get_info(slow).state == power_state.RUNNING


def test_destroy_while_spawning_leaves_no_guest(conf, make_instance):
    conf.config(spawn_delay=0.2, group='fake')
    d = fake.FakeDriver()
    d.init_host('compute1')
    inst = make_instance()
    errors = []

    def run():
        try:
            _spawn(d, inst)
        except exception.InstanceSpawnFailed as exc:
            errors.append(exc)

    t = threading.Thread(target=run)
    t.start()
    _wait_until_spawning(d, inst)
    d.destroy(None, inst, [])
    t.join()
    assert len(errors) == 1
    assert not d.instance_exists(inst)


def test_destroy_unknown_guest_is_fine(drv, make_instance):
    drv.destroy(None, make_instance(), [])


def test_destroy_removes_guest_and_its_file(drv, make_instance):
    inst = make_instance()
    _spawn(drv, inst)
    path = os.path.join(drv.state_dir, '%s.json' % inst.uuid)
    assert os.path.exists(path)
    drv.destroy(None, inst, [])
    assert not drv.instance_exists(inst)
    assert not os.path.exists(path)
    with pytest.raises(exception.InstanceNotFoundOnHypervisor):
        drv.get_info(inst)


def test_power_off_on_and_reboot_change_state(drv, make_instance):
    inst = make_instance()
    _spawn(drv, inst)
    drv.power_off(inst, timeout=10, retry_interval=1)
    assert drv.get_info(inst).state == power_state.SHUTDOWN
    drv.power_on(None, inst, [])
    assert drv.get_info(inst).state == power_state.RUNNING
    drv.power_off(inst)
    drv.reboot(None, inst, [], 'HARD')
    assert drv.get_info(inst).state == power_state.RUNNING
    drv.reboot(None, inst, [], 'SOFT')
    assert drv.get_info(inst).state == power_state.RUNNING


def test_pause_and_suspend_round_trip(drv, make_instance):
    inst = make_instance()
    _spawn(drv, inst)
    drv.pause(inst)
    assert drv.get_info(inst).state == power_state.PAUSED
    drv.unpause(inst)
    assert drv.get_info(inst).state == power_state.RUNNING
    drv.suspend(None, inst)
    assert drv.get_info(inst).state == power_state.SUSPENDED
    drv.resume(None, inst, [])
    assert drv.get_info(inst).state == power_state.RUNNING


def test_rescue_and_unrescue(drv, make_instance):
    inst = make_instance()
    _spawn(drv, inst)
    drv.rescue(None, inst, [], {'id': 'rescue-img'}, 'pw')
    assert drv.is_rescued(inst)
    drv.unrescue(None, inst)
    assert not drv.is_rescued(inst)
    assert drv.get_info(inst).state == power_state.RUNNING


def test_console_output_tells_what_happened(drv, make_instance):
    inst = make_instance(image_ref='img-1')
    _spawn(drv, inst)
    drv.reboot(None, inst, [], 'SOFT')
    out = drv.get_console_output(None, inst)
    assert 'img-1' in out
    assert 'soft reboot' in out


def test_admin_password_needs_a_running_guest(drv, make_instance):
    inst = make_instance()
    _spawn(drv, inst)
    drv.set_admin_password(inst, 'secret')
    drv.power_off(inst)
    with pytest.raises(exception.InstanceInvalidState):
        drv.set_admin_password(inst, 'secret')


@pytest.mark.parametrize('action', [
    lambda d, i: d.power_off(i),
    lambda d, i: d.power_on(None, i, []),
    lambda d, i: d.reboot(None, i, [], 'SOFT'),
    lambda d, i: d.pause(i),
    lambda d, i: d.unpause(i),
    lambda d, i: d.suspend(None, i),
    lambda d, i: d.resume(None, i, []),
    lambda d, i: d.get_info(i),
    lambda d, i: d.get_console_output(None, i),
])
def test_actions_on_unknown_guest_raise_not_found(drv, make_instance,
                                                  action):
    with pytest.raises(exception.InstanceNotFoundOnHypervisor):
        action(drv, make_instance())


def test_guests_survive_driver_restart(conf, make_instance):
    conf.config(node_count=2, group='fake')
    first = fake.FakeDriver()
    first.init_host('compute1')
    running = make_instance(node='compute1-node-1', vcpus=2)
    stopped = make_instance(node='compute1-node-2', vcpus=3)
    gone = make_instance(node='compute1-node-2')
    for inst in (running, stopped, gone):
        _spawn(first, inst)
    first.power_off(stopped)
    first.destroy(None, gone, [])
    first.cleanup_host('compute1')

    second = fake.FakeDriver()
    second.init_host('compute1')
    assert sorted(second.list_instance_uuids()) == sorted(
        [running.uuid, stopped.uuid])
    assert second.get_info(running).state == power_state.RUNNING
    assert second.get_info(stopped).state == power_state.SHUTDOWN
    assert second.get_info(running) == first.get_info(running)
    assert not second.instance_exists(gone)
    assert second.get_available_resource('compute1-node-1')['vcpus_used'] == 2
    assert second.get_available_resource('compute1-node-2')['vcpus_used'] == 3
    with pytest.raises(exception.InstanceExists):
        _spawn(second, running)


def test_state_dir_defaults_under_state_path_and_can_be_set(conf, tmp_path):
    d = fake.FakeDriver()
    d.init_host('compute1')
    assert d.state_dir == os.path.join(
        str(tmp_path / 'state'), 'fake-virt', 'compute1')
    conf.config(state_dir=str(tmp_path / 'elsewhere'), group='fake')
    d = fake.FakeDriver()
    d.init_host('compute1')
    assert d.state_dir == str(tmp_path / 'elsewhere')
    assert os.path.isdir(d.state_dir)


def test_hosts_sharing_state_path_keep_separate_guests(conf, make_instance):
    a = fake.FakeDriver()
    a.init_host('compute1')
    b = fake.FakeDriver()
    b.init_host('compute2')
    _spawn(a, make_instance(node='compute1'))
    assert b.get_num_instances() == 0
    assert b.get_available_nodes() == ['compute2']


def test_leftover_temp_and_corrupt_files_are_ignored(conf, make_instance):
    d = fake.FakeDriver()
    d.init_host('compute1')
    inst = make_instance()
    _spawn(d, inst)
    tmp = os.path.join(d.state_dir, '.%s.abc.tmp' % inst.uuid)
    with open(tmp, 'w') as f:
        f.write('{"half')
    with open(os.path.join(d.state_dir, 'broken.json'), 'w') as f:
        f.write('not json')

    again = fake.FakeDriver()
    again.init_host('compute1')
    assert again.list_instance_uuids() == [inst.uuid]
    assert not os.path.exists(tmp)


def test_concurrent_spawns_and_destroys_keep_usage_right(conf,
                                                         make_instance):
    conf.config(node_count=4, group='fake')
    d = fake.FakeDriver()
    d.init_host('compute1')
    nodes = d.get_available_nodes()
    instances = [make_instance(node=nodes[i % 4], vcpus=1)
                 for i in range(200)]
    barrier = threading.Barrier(8)

    def worker(chunk):
        barrier.wait()
        for inst in chunk:
            _spawn(d, inst)
            d.power_off(inst)
            d.power_on(None, inst, [])
        for inst in chunk[::2]:
            d.destroy(None, inst, [])

    threads = [threading.Thread(target=worker, args=(instances[i::8],))
               for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    kept = sum(len(instances[i::8]) - len(instances[i::8][::2])
               for i in range(8))
    assert d.get_num_instances() == kept
    assert sum(d.get_available_resource(n)['vcpus_used']
               for n in nodes) == kept
    restarted = fake.FakeDriver()
    restarted.init_host('compute1')
    assert sorted(restarted.list_instance_uuids()) == sorted(
        d.list_instance_uuids())
    assert all(restarted.get_info(i).state == power_state.RUNNING
               for i in instances if d.instance_exists(i))


def test_simulated_crash_is_reported(drv, make_instance):
    inst = make_instance()
    _spawn(drv, inst)
    drv.simulate_power_state(inst, power_state.CRASHED)
    assert drv.get_info(inst).state == power_state.CRASHED


def test_diagnostics_name_a_driver_api_clients_accept(drv, make_instance):
    # Tempest's 2.48 schema lists the in-tree drivers only; 'fake' is not
    # one of them, so the fake driver says libvirt as upstream's does.
    inst = make_instance()
    _spawn(drv, inst)
    diags = drv.get_diagnostics(inst)
    assert diags['driver'] == 'libvirt'
    assert diags['hypervisor'] == fake.HYPERVISOR_TYPE
    assert diags['state'] == 'running'
