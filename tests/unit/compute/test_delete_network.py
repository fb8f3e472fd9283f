"""Deleting a server whose ports the network service cannot free: the
server stays, in ERROR with a fault, holding its resources, and a later
delete frees everything (fake driver, real cell database; the network
API is the fake of fake_network.py)."""

import pytest

from nova import exception
from nova.states import task_states
from nova.states import vm_states
from tests.unit.compute.conftest import HOST
from tests.unit.compute.conftest import build
from tests.unit.compute.conftest import node_record
from tests.unit.compute.conftest import reload
from tests.unit.compute.fake_network import FakeNetworkAPI

IMAGE = '155d900f-4e14-4e4c-a73d-069cbf4541e6'


@pytest.fixture
def built(make_manager, make_instance):
    network = FakeNetworkAPI()
    manager = make_manager(network_api=network)
    instance = make_instance(image_ref=IMAGE)
    build(manager, instance)
    instance = reload(instance)
    assert network.bound == {'port-1': HOST}
    return manager, network, instance


def _delete(manager, instance):
    instance.task_state = task_states.DELETING
    instance.save()
    manager.terminate_instance(instance._context, instance)


def test_delete_keeps_the_server_in_error_while_its_ports_cannot_be_freed(
        built, ctx):
    manager, network, instance = built
    network.fail['deallocate_for_instance'] = \
        exception.NetworkServiceUnavailable(reason='connection refused')
    _delete(manager, instance)

    got = reload(instance)
    assert not got.deleted
    assert (got.vm_state, got.task_state) == (vm_states.ERROR, None)
    assert 'connection refused' in got.fault.message
    # The guest is gone; the port, node resources and record are kept.
    assert not manager.compute.driver.instance_exists(instance)
    assert network.bound == {'port-1': HOST}
    assert node_record(ctx, HOST).running_vms == 1

    # Once the network service answers, deleting again frees it all.
    del network.fail['deallocate_for_instance']
    _delete(manager, got)
    assert reload(instance, read_deleted='yes').deleted
    assert network.bound == {}
    assert node_record(ctx, HOST).running_vms == 0


class _DeletingNetwork(FakeNetworkAPI):
    """Makes the ports, then has the server deleted behind the host's
    back, as the API's local delete of a server whose build it did not
    see start does."""

    def allocate_for_instance(self, context, instance, requested_networks,
                              host=None):
        info = super().allocate_for_instance(context, instance,
                                             requested_networks, host=host)
        reload(instance).destroy()
        return info


def test_server_deleted_while_its_ports_are_made_gets_no_guest_and_no_ports(
        make_manager, make_instance, ctx, monkeypatch):
    network = _DeletingNetwork()
    manager = make_manager(network_api=network)
    spawned = []
    monkeypatch.setattr(manager.compute.driver, 'spawn',
                        lambda *args, **kwargs: spawned.append(args))
    instance = make_instance(image_ref=IMAGE)
    build(manager, instance)
    # No guest was spawned (nor waited for) for a server already gone.
    assert spawned == []
    assert reload(instance, read_deleted='yes').deleted
    # Noticed before the spawn: the ports made are freed at once.
    assert network.names() == ['allocate_for_instance',
                               'deallocate_for_instance']
    assert network.bound == {}
    assert not manager.compute.driver.instance_exists(instance)
    assert manager.compute.rt.tracked_instance_uuids() == set()
