"""Snapshots, backups, rebuild, shelve and soft delete on the compute
host: the fake driver, a real local image directory and real cell
databases; only the RPC clients at the edge are recorders."""

import datetime
import uuid

import pytest

from nova.compute import api_images
from nova import exception
from nova.image import api as image_api
from nova.states import power_state
from nova.states import task_states
from nova.states import vm_states

from tests.unit.compute.conftest import build, reload


@pytest.fixture
def images(compute_conf, tmp_path):
    compute_conf.config(local_dir=str(tmp_path / 'images'), group='image')
    api = image_api.API()
    base = api.create(None, {'name': 'base', 'min_disk': 1,
                             'properties': {'os_distro': 'fake'}},
                      data=b'x' * 64)
    other = api.create(None, {'name': 'other'}, data=b'y' * 64)
    api.base_id, api.other_id = base['id'], other['id']
    return api


@pytest.fixture
def active(manager, make_instance, images):
    inst = make_instance(image_ref=images.base_id)
    build(manager, inst, image=images.get(None, images.base_id))
    inst = reload(inst)
    assert inst.vm_state == vm_states.ACTIVE
    return inst


def _queued(images, inst, name, image_type='snapshot', **props):
    meta = api_images.snapshot_metadata(inst, name, image_type, props)
    return images.create(None, meta)


def _with_task(inst, task_state):
    inst.task_state = task_state
    inst.save()
    return inst


def test_snapshot_metadata_carries_origin_and_inherits_image_fields(
        make_instance):
    inst = make_instance(image_ref='img-1', system_metadata={
        'image_os_distro': 'fake', 'image_min_ram': '64',
        'image_base_image_ref': 'old', 'other': 'x'})
    meta = api_images.snapshot_metadata(inst, 'snap', 'backup',
                                        {'backup_type': 'daily'})
    assert meta['name'] == 'snap'
    assert meta['owner'] == 'p1'
    assert meta['min_ram'] == '64'
    assert meta['min_disk'] == 10      # the flavor's root disk
    assert meta['properties'] == {
        'os_distro': 'fake', 'instance_uuid': inst.uuid,
        'base_image_ref': 'img-1', 'user_id': 'u1', 'image_type': 'backup',
        'backup_type': 'daily'}


def test_snapshot_uploads_the_image_and_clears_the_task(manager, active,
                                                        images):
    image = _queued(images, active, 'snap')
    _with_task(active, task_states.IMAGE_SNAPSHOT_PENDING)
    manager.snapshot_instance(active._context, active, image['id'])
    got = images.get(None, image['id'])
    assert got['status'] == 'active'
    assert got['properties']['instance_uuid'] == active.uuid
    inst = reload(active)
    assert inst.task_state is None
    assert inst.vm_state == vm_states.ACTIVE


def test_failed_snapshot_deletes_its_image_and_records_a_fault(
        manager, active, images, monkeypatch):
    image = _queued(images, active, 'snap')
    _with_task(active, task_states.IMAGE_SNAPSHOT_PENDING)

    def broken(*args, **kwargs):
        raise exception.InstanceSpawnFailed(instance_uuid=active.uuid,
                                            reason='disk on fire')
    monkeypatch.setattr(manager.compute.driver, 'snapshot', broken)
    with pytest.raises(exception.InstanceSpawnFailed):
        manager.snapshot_instance(active._context, active, image['id'])
    with pytest.raises(exception.ImageNotFound):
        images.get(None, image['id'])
    inst = reload(active)
    assert inst.task_state is None
    assert inst.vm_state == vm_states.ACTIVE
    assert 'disk on fire' in inst.fault.message


def test_backup_rotation_keeps_the_newest(manager, active, images):
    made = []
    for n in range(3):
        image = _queued(images, active, 'bk%d' % n, 'backup',
                        backup_type='daily')
        made.append(image['id'])
        _with_task(active, task_states.IMAGE_BACKUP)
        manager.backup_instance(active._context, active, image['id'],
                                'daily', 2)
    left = images.get_all(None, filters={'properties': {
        'image_type': 'backup', 'instance_uuid': active.uuid}})
    assert made[2] in {i['id'] for i in left}
    assert len(left) == 2
    # Rotation 0 keeps none, other backup types are left alone.
    weekly = _queued(images, active, 'wk', 'backup', backup_type='weekly')
    _with_task(reload(active), task_states.IMAGE_BACKUP)
    manager.backup_instance(active._context, reload(active), weekly['id'],
                            'weekly', 0)
    assert images.get(None, made[2])
    with pytest.raises(exception.ImageNotFound):
        images.get(None, weekly['id'])


def test_rebuild_spawns_the_new_image_and_a_stopped_server_stays_stopped(
        manager, active, images):
    manager.stop_instance(active._context, reload(active))
    inst = reload(active)
    assert inst.vm_state == vm_states.STOPPED
    inst.image_ref = images.other_id
    _with_task(inst, task_states.REBUILDING)
    manager.rebuild_in_place(inst._context, inst, 'pw', [],
                             images.other_id, images.base_id, {})
    inst = reload(active)
    assert inst.vm_state == vm_states.STOPPED
    assert inst.power_state == power_state.SHUTDOWN
    assert inst.task_state is None
    assert manager.compute.driver._guests[inst.uuid]['image_ref'] == \
        images.other_id


def test_rebuild_replaces_the_injected_files_of_the_guest(manager, active,
                                                          images):
    inst = _with_task(reload(active), task_states.REBUILDING)
    manager.rebuild_in_place(inst._context, inst, 'pw',
                             [['rebuild.txt', 'VGVzdCBzZXJ2ZXIgcmVidWlsZC4=']],
                             images.base_id, images.base_id, {})
    assert reload(active).vm_state == vm_states.ACTIVE
    assert manager.compute.driver._guests[inst.uuid]['injected_files'] == [
        {'path': 'rebuild.txt', 'contents': 'VGVzdCBzZXJ2ZXIgcmVidWlsZC4='}]


def test_rebuild_onto_an_image_with_a_mandatory_config_drive(
        manager, active, images):
    image = images.create(None, {'name': 'cd', 'properties': {
        'img_config_drive': 'mandatory'}}, data=b'z' * 64)
    inst = reload(active)
    assert not inst.config_drive
    inst.image_ref = image['id']
    _with_task(inst, task_states.REBUILDING)
    manager.rebuild_in_place(inst._context, inst, 'pw', [], image['id'],
                             images.base_id, {})
    assert reload(active).config_drive == 'True'
    assert active.uuid in manager.compute.driver.config_drives


def test_rebuild_failure_puts_the_server_in_error(manager, active, images,
                                                  compute_conf):
    compute_conf.config(fail_spawn_images=[images.other_id], group='fake')
    inst = reload(active)
    inst.image_ref = images.other_id
    _with_task(inst, task_states.REBUILDING)
    with pytest.raises(exception.InstanceSpawnFailed):
        manager.rebuild_in_place(inst._context, inst, 'pw', [],
                                 images.other_id, images.base_id, {})
    inst = reload(active)
    assert inst.vm_state == vm_states.ERROR
    assert inst.task_state is None
    assert inst.fault is not None


def _shelve(manager, inst, images):
    image = _queued(images, inst, '%s-shelved' % inst.display_name)
    _with_task(inst, task_states.SHELVING)
    manager.shelve_instance(inst._context, inst, image['id'])
    return image


def test_shelve_keeps_the_guest_then_offload_frees_the_host(
        manager, active, images, compute_conf):
    compute_conf.config(shelved_offload_time=-1)
    image = _shelve(manager, reload(active), images)
    inst = reload(active)
    assert inst.vm_state == vm_states.SHELVED
    assert inst.task_state is None
    assert inst.power_state == power_state.SHUTDOWN
    assert inst.system_metadata['shelved_image_id'] == image['id']
    assert inst.system_metadata['shelved_host'] == manager.compute.host
    assert images.get(None, image['id'])['status'] == 'active'
    assert manager.compute.driver.instance_exists(inst)

    _with_task(inst, task_states.SHELVING_OFFLOADING)
    manager.shelve_offload_instance(inst._context, inst)
    inst = reload(active)
    assert inst.vm_state == vm_states.SHELVED_OFFLOADED
    assert inst.host is None and inst.node is None
    assert not manager.compute.driver.instance_exists(inst)
    assert inst.uuid not in manager.compute.rt.tracked_instance_uuids()


def test_offload_frees_the_allocations_before_showing_offloaded(
        manager, active, images, compute_conf, monkeypatch):
    compute_conf.config(shelved_offload_time=-1)
    _shelve(manager, reload(active), images)
    inst = _with_task(reload(active), task_states.SHELVING_OFFLOADING)
    seen = []
    monkeypatch.setattr(manager.compute, 'free_allocations',
                        lambda context, instance: seen.append(
                            reload(active).vm_state))
    manager.shelve_offload_instance(inst._context, inst)
    # A client that sees SHELVED_OFFLOADED finds the allocations gone.
    assert seen == [vm_states.SHELVED]
    assert reload(active).vm_state == vm_states.SHELVED_OFFLOADED


def test_shelve_offloads_at_once_with_offload_time_zero(
        manager, active, images, compute_conf):
    compute_conf.config(shelved_offload_time=0)
    _shelve(manager, reload(active), images)
    inst = reload(active)
    assert inst.vm_state == vm_states.SHELVED_OFFLOADED
    assert inst.task_state is None


def test_unshelve_in_place_powers_on_and_deletes_the_snapshot(
        manager, active, images, compute_conf):
    compute_conf.config(shelved_offload_time=-1)
    image = _shelve(manager, reload(active), images)
    inst = _with_task(reload(active), task_states.UNSHELVING)
    manager.unshelve_instance(inst._context, inst)
    inst = reload(active)
    assert inst.vm_state == vm_states.ACTIVE
    assert inst.power_state == power_state.RUNNING
    assert 'shelved_image_id' not in inst.system_metadata
    with pytest.raises(exception.ImageNotFound):
        images.get(None, image['id'])


def test_unshelve_of_offloaded_spawns_from_the_snapshot(
        manager, active, images, compute_conf):
    compute_conf.config(shelved_offload_time=0)
    image = _shelve(manager, reload(active), images)
    inst = _with_task(reload(active), task_states.UNSHELVING)
    manager.unshelve_instance(inst._context, inst,
                              image=images.get(None, image['id']),
                              node=manager.compute.host)
    inst = reload(active)
    assert inst.vm_state == vm_states.ACTIVE
    assert inst.host == manager.compute.host
    assert inst.image_ref == images.base_id
    assert manager.compute.driver._guests[inst.uuid]['image_ref'] == \
        image['id']
    assert inst.uuid in manager.compute.rt.tracked_instance_uuids()


def test_periodic_offloads_servers_shelved_long_enough(
        manager, active, images, compute_conf):
    compute_conf.config(shelved_offload_time=-1)
    _shelve(manager, reload(active), images)
    compute_conf.config(shelved_offload_time=3600)
    assert manager.poll_shelved_instances() == 0
    inst = reload(active)
    old = (datetime.datetime.utcnow() -
           datetime.timedelta(hours=2)).isoformat()
    inst.system_metadata = dict(inst.system_metadata, shelved_at=old)
    inst.save()
    assert manager.poll_shelved_instances() == 1
    assert reload(active).vm_state == vm_states.SHELVED_OFFLOADED


def test_soft_delete_restore_and_reclaim(manager, active, compute_conf):
    compute_conf.config(reclaim_instance_interval=60)
    inst = reload(active)
    inst.system_metadata = dict(inst.system_metadata, soft_deleted_at=(
        datetime.datetime.now(datetime.timezone.utc).isoformat()))
    _with_task(inst, task_states.SOFT_DELETING)
    manager.soft_delete_instance(inst._context, inst)
    inst = reload(active)
    assert inst.vm_state == vm_states.SOFT_DELETED
    assert inst.power_state == power_state.SHUTDOWN
    # Too young to be reclaimed.
    assert manager.reclaim_queued_deletes() == []

    _with_task(inst, task_states.RESTORING)
    manager.restore_instance(inst._context, inst)
    inst = reload(active)
    assert inst.vm_state == vm_states.ACTIVE
    assert inst.power_state == power_state.RUNNING

    old = (datetime.datetime.now(datetime.timezone.utc) -
           datetime.timedelta(minutes=5)).isoformat()
    inst.system_metadata = dict(inst.system_metadata, soft_deleted_at=old)
    _with_task(inst, task_states.SOFT_DELETING)
    manager.soft_delete_instance(inst._context, inst)
    assert manager.reclaim_queued_deletes() == [inst.uuid]
    with pytest.raises(exception.InstanceNotFound):
        reload(active)
    assert not manager.compute.driver.instance_exists(inst)


def test_actions_from_a_wrong_task_state_do_nothing(manager, active,
                                                    images):
    image = _queued(images, active, 'snap')
    manager.shelve_instance(active._context, reload(active), image['id'])
    assert reload(active).vm_state == vm_states.ACTIVE
    with pytest.raises(exception.ImageNotFound):
        images.get(None, image['id'])
    manager.soft_delete_instance(active._context, reload(active))
    assert reload(active).vm_state == vm_states.ACTIVE
    assert str(uuid.UUID(active.uuid)) == active.uuid
