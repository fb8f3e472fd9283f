"""move_allocations against the real placement application."""

import uuid

from nova import context as nova_context


def test_move_allocations_hands_over_in_one_request(placement):
    ctx = nova_context.get_admin_context()
    client = placement.client
    node = str(uuid.uuid4())
    placement.add_node(ctx, node, 'node1')
    instance, migration = str(uuid.uuid4()), str(uuid.uuid4())
    allocs = {node: {'resources': {'VCPU': 2, 'MEMORY_MB': 512}}}
    assert client.put_allocations(ctx, instance, allocs, 'p1', 'u1')
    assert client.move_allocations(ctx, instance, migration)
    assert client.get_allocations_for_consumer(ctx, instance) == {}
    moved = client.get_allocs_for_consumer(ctx, migration)
    assert moved['allocations'][node]['resources'] == {'VCPU': 2,
                                                       'MEMORY_MB': 512}
    assert moved['project_id'] == 'p1' and moved['user_id'] == 'u1'
    # And back, replacing what the target holds.
    assert client.put_allocations(
        ctx, instance, {node: {'resources': {'VCPU': 1}}}, 'p1', 'u1')
    assert client.move_allocations(ctx, migration, instance)
    back = client.get_allocations_for_consumer(ctx, instance)
    assert back[node]['resources'] == {'VCPU': 2, 'MEMORY_MB': 512}
    assert client.get_allocations_for_consumer(ctx, migration) == {}


def test_move_of_nothing_is_a_no_op(placement):
    ctx = nova_context.get_admin_context()
    assert placement.client.move_allocations(ctx, str(uuid.uuid4()),
                                             str(uuid.uuid4()))
