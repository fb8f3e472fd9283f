import datetime

from tests.unit.scheduler import fakes


def test_update_copies_the_node_record():
    hs = fakes.host('h1', vcpus=16, vcpus_used=3, memory_mb=32768,
                    memory_mb_used=4096, local_gb=500, local_gb_used=100,
                    cpu_info='{"arch": "x86_64", "vendor": "Intel"}',
                    extra={'stats': {'num_instances': '7',
                                     'io_workload': '2'},
                           'supported_instances': [['x86_64', 'kvm', 'hvm']],
                           'metrics': '[{"name": "cpu.percent", "value": '
                                      '12.5, "timestamp": "t", "source": '
                                      '"libvirt"}]'})
    assert (hs.host, hs.nodename, hs.cell_uuid) == ('h1', 'h1', 'cell1')
    assert hs.vcpus_total == 16 and hs.vcpus_used == 3
    assert hs.total_usable_ram_mb == 32768 and hs.free_ram_mb == 28672
    assert hs.total_usable_disk_gb == 500
    assert hs.free_disk_mb == 400 * 1024 and hs.disk_mb_used == 100 * 1024
    assert hs.cpu_allocation_ratio == 4.0
    assert hs.num_instances == 7 and hs.num_io_ops == 2
    assert hs.cpu_info == {'arch': 'x86_64', 'vendor': 'Intel'}
    assert hs.supported_instances == [['x86_64', 'kvm', 'hvm']]
    assert hs.metrics == {'cpu.percent': {'value': 12.5, 'timestamp': 't',
                                          'source': 'libvirt'}}
    assert hs.hypervisor_type == 'QEMU' and hs.hypervisor_version == 6002000
    assert hs.updated == fakes.NOW
    assert hs.limits == {} and hs.allocation_candidates == []
    assert hs.failed_builds == 0


def test_free_disk_is_what_the_hypervisor_really_has_left():
    hs = fakes.host(local_gb=100, local_gb_used=10,
                    extra={'disk_available_least': 50})
    assert hs.free_disk_mb == 50 * 1024


def test_reported_free_ram_wins_over_computed():
    hs = fakes.host(memory_mb=1000, memory_mb_used=100, free_ram_mb=500)
    assert hs.free_ram_mb == 500


def test_io_ops_counted_from_instances_without_stats():
    instances = [fakes.Instance(task_state='spawning'),
                 fakes.Instance(task_state='resize_migrating'),
                 fakes.Instance(task_state='image_snapshot'),
                 fakes.Instance(task_state='unshelving'),
                 fakes.Instance(vm_state='building'),
                 fakes.Instance(task_state='powering-off'),
                 fakes.Instance()]
    hs = fakes.host(instances=instances, running_vms=None)
    assert hs.num_io_ops == 5
    assert hs.num_instances == 7


def test_missing_optional_fields_have_defaults():
    hs = fakes.host(cpu_info=None)
    assert hs.stats == {} and hs.metrics == {}
    assert hs.supported_instances == [] and hs.cpu_info == {}


def test_malformed_json_is_ignored():
    hs = fakes.host(cpu_info='{not json')
    assert hs.cpu_info == {}


def test_consume_from_request_takes_the_flavor():
    hs = fakes.host(vcpus_used=1)
    before = (hs.free_ram_mb, hs.free_disk_mb, hs.vcpus_used,
              hs.num_instances, hs.num_io_ops)
    spec = fakes.spec(flavor_kwargs=dict(memory_mb=1024, vcpus=2,
                                         root_gb=10, ephemeral_gb=5))
    hs.consume_from_request(spec)
    assert hs.free_ram_mb == before[0] - 1024
    assert hs.free_disk_mb == before[1] - 15 * 1024
    assert hs.vcpus_used == before[2] + 2
    assert hs.num_instances == before[3] + 1
    assert hs.num_io_ops == before[4] + 1
    assert spec.instance_uuid in hs.instances
    assert hs.instances[spec.instance_uuid].project_id == 'p1'
    assert hs.updated > fakes.NOW


def test_update_takes_the_record_as_truth_again():
    hs = fakes.host()
    node = fakes.compute_node(updated_at=fakes.NOW)
    hs.consume_from_request(fakes.spec())
    hs.update(node, None, None, {})
    assert hs.free_ram_mb == 16384 and hs.num_instances == 0


def test_update_keeps_what_is_not_given():
    agg = fakes.aggregate()
    hs = fakes.host(aggregates=[agg])
    hs.update(service=fakes.service(disabled=True))
    assert hs.aggregates == [agg] and hs.service['disabled']


def test_failed_builds_count_and_reset():
    hs = fakes.host()
    hs.increment_failed_builds()
    hs.increment_failed_builds()
    assert hs.failed_builds == 2
    hs.reset_failed_builds()
    assert hs.failed_builds == 0


def test_timezone_aware_update_time_is_stored_naive_utc():
    aware = datetime.datetime(2024, 1, 1, 14, tzinfo=datetime.timezone(
        datetime.timedelta(hours=2)))
    hs = fakes.host(updated_at=aware)
    assert hs.updated == datetime.datetime(2024, 1, 1, 12)


def test_failed_builds_reported_in_stats_win():
    hs = fakes.host(extra={'stats': {'failed_builds': '3'}})
    assert hs.failed_builds == 3
