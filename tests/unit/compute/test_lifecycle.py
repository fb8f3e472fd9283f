"""Lifecycle events from the driver sync one instance's power state
(nova/compute/lifecycle.py), with the rules of the periodic sync."""

import uuid

from nova.compute import lifecycle
from nova.states import power_state
from nova.states import task_states
from nova.states import vm_states

from tests.unit.compute.conftest import build, reload

IMAGE = str(uuid.uuid4())


def test_init_host_registers_the_listener_with_the_driver(manager,
                                                          make_instance):
    inst = make_instance(image_ref=IMAGE)
    build(manager, inst)
    manager.compute.driver.simulate_power_state(inst, power_state.SHUTDOWN)
    # What a driver with events does from its event thread.
    manager.compute.driver.emit_event(inst.uuid, power_state.SHUTDOWN)
    got = reload(inst)
    assert got.power_state == power_state.SHUTDOWN
    assert got.vm_state == vm_states.STOPPED


def test_event_saves_the_current_state_not_the_events(manager,
                                                      make_instance):
    inst = make_instance(image_ref=IMAGE)
    build(manager, inst)
    # A late 'stopped' event of a guest that runs again.
    assert not lifecycle.handle_event(manager.compute, inst.uuid,
                                      power_state.SHUTDOWN)
    got = reload(inst)
    assert got.power_state == power_state.RUNNING
    assert got.vm_state == vm_states.ACTIVE


def test_crashed_guest_stops_its_active_instance(manager, make_instance):
    inst = make_instance(image_ref=IMAGE)
    build(manager, inst)
    manager.compute.driver.simulate_power_state(inst, power_state.CRASHED)
    assert lifecycle.handle_event(manager.compute, inst.uuid,
                                  power_state.CRASHED)
    got = reload(inst)
    assert (got.power_state, got.vm_state) == (power_state.CRASHED,
                                               vm_states.STOPPED)


def test_paused_guest_keeps_vm_state(manager, make_instance):
    inst = make_instance(image_ref=IMAGE)
    build(manager, inst)
    manager.compute.driver.simulate_power_state(inst, power_state.PAUSED)
    assert lifecycle.handle_event(manager.compute, inst.uuid,
                                  power_state.PAUSED)
    got = reload(inst)
    assert (got.power_state, got.vm_state) == (power_state.PAUSED,
                                               vm_states.ACTIVE)


def test_event_ignored_while_a_task_is_in_flight(manager, make_instance):
    inst = make_instance(image_ref=IMAGE)
    build(manager, inst)
    inst = reload(inst)
    inst.task_state = task_states.POWERING_OFF
    inst.save()
    manager.compute.driver.simulate_power_state(inst, power_state.SHUTDOWN)
    assert not lifecycle.handle_event(manager.compute, inst.uuid,
                                      power_state.SHUTDOWN)
    got = reload(inst)
    assert got.power_state == power_state.RUNNING
    assert got.task_state == task_states.POWERING_OFF


def test_event_ignored_while_the_instance_lock_is_held(manager,
                                                       make_instance):
    inst = make_instance(image_ref=IMAGE)
    build(manager, inst)
    manager.compute.driver.simulate_power_state(inst, power_state.SHUTDOWN)
    with manager.compute.locks.hold(inst.uuid):
        assert not lifecycle.handle_event(manager.compute, inst.uuid,
                                          power_state.SHUTDOWN)
    assert reload(inst).vm_state == vm_states.ACTIVE


def test_event_ignored_for_building_or_other_hosts_or_unknown(
        manager, make_instance):
    building = make_instance(image_ref=IMAGE)
    assert not lifecycle.handle_event(manager.compute, building.uuid,
                                      power_state.SHUTDOWN)
    elsewhere = make_instance(image_ref=IMAGE, host='compute2',
                              vm_state=vm_states.ACTIVE, task_state=None,
                              power_state=power_state.RUNNING)
    assert not lifecycle.handle_event(manager.compute, elsewhere.uuid,
                                      power_state.SHUTDOWN)
    assert reload(elsewhere).vm_state == vm_states.ACTIVE
    assert not lifecycle.handle_event(manager.compute, str(uuid.uuid4()),
                                      power_state.SHUTDOWN)


def test_listener_errors_do_not_reach_the_driver(manager):
    # An event for an instance the database cannot read must not raise
    # into the driver's event thread.
    manager.compute.driver.register_event_listener(
        lambda u, s: 1 / 0)
    manager.compute.driver.emit_event(str(uuid.uuid4()), power_state.RUNNING)
