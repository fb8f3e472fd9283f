"""The fake driver's live migration between two fake hosts, each with its
own state directory as two nova-compute processes have."""

import threading
import time

import pytest

from nova import exception
from nova.states import power_state
from nova.virt import fake
from tests.unit.virt.conftest import StubInstance


@pytest.fixture
def hosts(conf, tmp_path):
    src = fake.FakeDriver(host='src', state_dir=str(tmp_path / 'src'))
    dst = fake.FakeDriver(host='dst', state_dir=str(tmp_path / 'dst'))
    src.init_host('src')
    dst.init_host('dst')
    return src, dst


def _spawn(driver, image_ref='image-ok', image_name='plain'):
    instance = StubInstance(node='src', host='src', image_ref=image_ref)
    driver.spawn(None, instance, {'id': image_ref, 'name': image_name}, [],
                 None, allocations=None)
    return instance


class _Callbacks:
    """post/recover methods as nova-compute passes them: post hands the
    guest to the destination and removes the source copy."""

    def __init__(self, src, dst):
        self.src, self.dst = src, dst
        self.posted = None
        self.recovered = None
        self.progress = []
        self.done = threading.Event()

    def post(self, context, instance, dest, block_migration, migrate_data):
        dest_instance = StubInstance(node='dst', host='dst',
                                     instance_uuid=instance.uuid)
        self.dst.post_live_migration_at_destination(
            context, dest_instance, [], block_migration,
            migrate_data=migrate_data)
        self.src.post_live_migration(context, instance, None, migrate_data)
        self.posted = migrate_data
        self.done.set()

    def recover(self, context, instance, dest, migrate_data, exc):
        self.recovered = exc
        self.done.set()

    def on_progress(self, **amounts):
        self.progress.append(amounts)


def _migrate(src, dst, instance, block_migration=True, background=False):
    calls = _Callbacks(src, dst)
    data = src.check_can_live_migrate_source(
        None, instance, dst.check_can_live_migrate_destination(
            None, instance, {}, {}, block_migration=None))
    data = dst.pre_live_migration(None, StubInstance(
        node='dst', instance_uuid=instance.uuid), None, [], None, data)

    def run():
        src.live_migration(None, instance, 'dst', calls.post, calls.recover,
                           block_migration, data, progress=calls.on_progress)
    if background:
        threading.Thread(target=run, daemon=True).start()
    else:
        run()
    return calls


def test_live_migration_moves_the_guest_record(hosts):
    src, dst = hosts
    instance = _spawn(src)
    calls = _migrate(src, dst, instance)
    assert calls.recovered is None
    assert not src.instance_exists(instance)
    assert dst.instance_exists(instance)
    assert dst.get_info(instance).state == power_state.RUNNING
    assert dst.list_instance_uuids(node='dst') == [instance.uuid]
    # Usage follows the guest.
    assert src.get_available_resource('src')['running_vms'] == 0
    assert dst.get_available_resource('dst')['running_vms'] == 1
    # The last report says everything was copied.
    last = calls.progress[-1]
    assert last['memory_remaining'] == 0 and last['disk_remaining'] == 0
    assert last['memory_total'] == 512 * 1024 * 1024
    # A restart of the destination still has it (it is on disk).
    again = fake.FakeDriver(host='dst', state_dir=dst.state_dir)
    again.init_host('dst')
    assert again.instance_exists(instance)


def test_auto_block_migration_means_block_migration(hosts):
    src, dst = hosts
    instance = _spawn(src)
    data = dst.check_can_live_migrate_destination(None, instance, {}, {},
                                                  block_migration=None)
    assert data['block_migration'] is True


def test_abort_keeps_the_guest_on_the_source(hosts, conf):
    conf.config(live_migration_seconds=5, group='fake')
    src, dst = hosts
    instance = _spawn(src)
    calls = _migrate(src, dst, instance, background=True)
    deadline = time.monotonic() + 5
    while not calls.progress and time.monotonic() < deadline:
        time.sleep(0.05)
    src.live_migration_abort(instance)
    assert calls.done.wait(5)
    assert isinstance(calls.recovered, exception.LiveMigrationAborted)
    assert src.instance_exists(instance)
    assert not dst.instance_exists(instance)
    with pytest.raises(exception.LiveMigrationNotRunning):
        src.live_migration_abort(instance)


def test_force_complete_finishes_at_once(hosts, conf):
    conf.config(live_migration_seconds=30, group='fake')
    src, dst = hosts
    instance = _spawn(src)
    started = time.monotonic()
    calls = _migrate(src, dst, instance, background=True)
    deadline = time.monotonic() + 5
    while not calls.progress and time.monotonic() < deadline:
        time.sleep(0.05)
    src.live_migration_force_complete(instance)
    assert calls.done.wait(5)
    assert time.monotonic() - started < 10
    assert calls.recovered is None
    assert dst.instance_exists(instance)
    assert not src.instance_exists(instance)


def test_listed_image_fails_half_way(hosts, conf):
    conf.config(fail_live_migration_images=['lmfail'], group='fake')
    src, dst = hosts
    instance = _spawn(src, image_ref='img-1', image_name='lmfail')
    calls = _migrate(src, dst, instance)
    assert isinstance(calls.recovered, exception.LiveMigrationFailed)
    assert 'lmfail' in str(calls.recovered)
    assert src.instance_exists(instance)
    assert not dst.instance_exists(instance)


def test_destination_refuses_a_guest_it_already_has(hosts):
    src, dst = hosts
    instance = _spawn(src)
    dst.spawn(None, StubInstance(node='dst', host='dst',
                                 instance_uuid=instance.uuid),
              {'id': 'image-ok'}, [], None, allocations=None)
    with pytest.raises(exception.InstanceExists):
        dst.pre_live_migration(None, StubInstance(
            node='dst', instance_uuid=instance.uuid), None, [], None, {})
