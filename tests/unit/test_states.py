"""The API status of each (vm_state, task_state) and the reverse filter."""

import pytest

from nova import states
from nova.states import power_state
from nova.states import task_states
from nova.states import vm_states


@pytest.mark.parametrize('vm_state,status', [
    (vm_states.ACTIVE, 'ACTIVE'),
    (vm_states.BUILDING, 'BUILD'),
    (vm_states.STOPPED, 'SHUTOFF'),
    (vm_states.RESIZED, 'VERIFY_RESIZE'),
    (vm_states.PAUSED, 'PAUSED'),
    (vm_states.SUSPENDED, 'SUSPENDED'),
    (vm_states.RESCUED, 'RESCUE'),
    (vm_states.ERROR, 'ERROR'),
    (vm_states.DELETED, 'DELETED'),
    (vm_states.SOFT_DELETED, 'SOFT_DELETED'),
    (vm_states.SHELVED, 'SHELVED'),
    (vm_states.SHELVED_OFFLOADED, 'SHELVED_OFFLOADED'),
])
def test_each_vm_state_has_its_own_status_when_idle(vm_state, status):
    assert states.status_from_state(vm_state, None) == status
    assert states.status_from_state(vm_state) == status


@pytest.mark.parametrize('vm_state,task_state,status', [
    (vm_states.ACTIVE, task_states.REBOOTING, 'REBOOT'),
    (vm_states.ACTIVE, task_states.REBOOT_PENDING, 'REBOOT'),
    (vm_states.ACTIVE, task_states.REBOOT_STARTED, 'REBOOT'),
    (vm_states.ACTIVE, task_states.REBOOTING_HARD, 'HARD_REBOOT'),
    (vm_states.ACTIVE, task_states.REBOOT_PENDING_HARD, 'HARD_REBOOT'),
    (vm_states.ACTIVE, task_states.REBOOT_STARTED_HARD, 'HARD_REBOOT'),
    (vm_states.ACTIVE, task_states.UPDATING_PASSWORD, 'PASSWORD'),
    (vm_states.ACTIVE, task_states.REBUILDING, 'REBUILD'),
    (vm_states.ACTIVE, task_states.REBUILD_SPAWNING, 'REBUILD'),
    (vm_states.ACTIVE, task_states.REBUILD_BLOCK_DEVICE_MAPPING, 'REBUILD'),
    (vm_states.ACTIVE, task_states.MIGRATING, 'MIGRATING'),
    (vm_states.ACTIVE, task_states.RESIZE_PREP, 'RESIZE'),
    (vm_states.ACTIVE, task_states.RESIZE_MIGRATING, 'RESIZE'),
    (vm_states.ACTIVE, task_states.RESIZE_MIGRATED, 'RESIZE'),
    (vm_states.ACTIVE, task_states.RESIZE_FINISH, 'RESIZE'),
    (vm_states.STOPPED, task_states.RESIZE_PREP, 'RESIZE'),
    (vm_states.STOPPED, task_states.REBUILDING, 'REBUILD'),
    (vm_states.RESIZED, task_states.RESIZE_REVERTING, 'REVERT_RESIZE'),
    (vm_states.PAUSED, task_states.MIGRATING, 'MIGRATING'),
    (vm_states.ERROR, task_states.REBUILDING, 'REBUILD'),
])
def test_task_in_flight_overrides_status(vm_state, task_state, status):
    assert states.status_from_state(vm_state, task_state) == status


@pytest.mark.parametrize('vm_state,task_state,status', [
    # Tasks that do not show in the status.
    (vm_states.ACTIVE, task_states.POWERING_OFF, 'ACTIVE'),
    (vm_states.ACTIVE, task_states.DELETING, 'ACTIVE'),
    (vm_states.ACTIVE, task_states.IMAGE_SNAPSHOT, 'ACTIVE'),
    (vm_states.STOPPED, task_states.POWERING_ON, 'SHUTOFF'),
    (vm_states.BUILDING, task_states.SPAWNING, 'BUILD'),
    (vm_states.BUILDING, task_states.SCHEDULING, 'BUILD'),
    # Confirming a resize still shows VERIFY_RESIZE.
    (vm_states.RESIZED, task_states.RESIZE_CONFIRMING, 'VERIFY_RESIZE'),
    # Only an active server shows REBOOT; an error one stays ERROR.
    (vm_states.ERROR, task_states.REBOOTING_HARD, 'ERROR'),
    (vm_states.STOPPED, task_states.REBOOTING_HARD, 'SHUTOFF'),
    (vm_states.STOPPED, task_states.MIGRATING, 'SHUTOFF'),
])
def test_other_tasks_keep_the_vm_state_status(vm_state, task_state, status):
    assert states.status_from_state(vm_state, task_state) == status


def test_unknown_vm_state_is_unknown_status():
    assert states.status_from_state('no-such-state', None) == 'UNKNOWN'


def test_soft_deleted_is_stored_as_soft_delete():
    assert vm_states.SOFT_DELETED == 'soft-delete'
    assert task_states.POWERING_OFF == 'powering-off'


def test_every_status_maps_back_to_the_states_that_show_it():
    for vm_state in vm_states.ALL:
        for task_state in (None,) + task_states.ALL:
            status = states.status_from_state(vm_state, task_state)
            found_vm, found_task = states.states_from_status(status)
            assert vm_state in found_vm
            if found_task is not None:
                assert task_state in found_task


def test_status_filter_for_idle_status_uses_vm_state_only():
    assert states.states_from_status('ACTIVE') == ([vm_states.ACTIVE], None)
    assert states.states_from_status('shutoff ') == (
        [vm_states.STOPPED], None)


def test_status_filter_for_reboot_uses_task_states():
    vm, tasks = states.states_from_status('REBOOT')
    assert vm == [vm_states.ACTIVE]
    assert tasks == sorted([task_states.REBOOTING, task_states.REBOOT_PENDING,
                            task_states.REBOOT_STARTED])


def test_status_filter_for_migrating_covers_active_and_paused():
    vm, tasks = states.states_from_status('MIGRATING')
    assert vm == sorted([vm_states.ACTIVE, vm_states.PAUSED])
    assert tasks == [task_states.MIGRATING]


def test_status_filter_for_resize_covers_active_and_stopped():
    vm, tasks = states.states_from_status(['RESIZE'])
    assert vm == sorted([vm_states.ACTIVE, vm_states.STOPPED])
    assert set(tasks) == {task_states.RESIZE_PREP,
                          task_states.RESIZE_MIGRATING,
                          task_states.RESIZE_MIGRATED,
                          task_states.RESIZE_FINISH}


def test_status_filter_mixing_idle_and_task_status_drops_task_filter():
    vm, tasks = states.states_from_status(['ACTIVE', 'REBOOT'])
    assert vm == [vm_states.ACTIVE]
    assert tasks is None


def test_unknown_status_filters_nothing():
    assert states.states_from_status('BOGUS') == ([], [])


def test_power_state_names():
    assert (power_state.NOSTATE, power_state.RUNNING, power_state.PAUSED,
            power_state.SHUTDOWN, power_state.CRASHED,
            power_state.SUSPENDED) == (0, 1, 3, 4, 6, 7)
    assert power_state.STATE_MAP[power_state.RUNNING] == 'running'
    assert power_state.name(power_state.SHUTDOWN) == 'shutdown'
    assert power_state.name(42) == 'unknown'


def test_all_statuses_listed():
    assert set(states.ALL_STATUSES) == {
        'ACTIVE', 'BUILD', 'REBOOT', 'HARD_REBOOT', 'PASSWORD', 'REBUILD',
        'MIGRATING', 'RESIZE', 'VERIFY_RESIZE', 'REVERT_RESIZE', 'SHUTOFF',
        'SUSPENDED', 'PAUSED', 'RESCUE', 'SHELVED', 'SHELVED_OFFLOADED',
        'SOFT_DELETED', 'DELETED', 'ERROR'}
