"""Compute node records against a real SQLite cell database."""

import datetime
import uuid

from oslo_serialization import jsonutils

from nova import objects


def _node(ctx):
    service = objects.Service(ctx, host='n1', binary='nova-compute',
                              topic='compute')
    service.create()
    node = objects.ComputeNode(
        ctx, uuid=str(uuid.uuid4()), host='n1', hypervisor_hostname='n1',
        vcpus=4, memory_mb=4096, local_gb=10, vcpus_used=0,
        memory_mb_used=0, local_gb_used=0, service_id=service.id)
    node.create()
    return node


def test_changed_since_finds_updates_with_the_time_as_rpc_delivers_it(
        cells):
    node = _node(cells.context)
    since = node.created_at - datetime.timedelta(seconds=5)
    objects.ComputeNodeList.save_all(cells.context, [objects.ComputeNode(
        id=node.id, vcpus_used=1)])
    # A datetime argument of a remotable method reaches the conductor as
    # the ISO 8601 string the message was serialized with.
    sent = jsonutils.loads(jsonutils.dumps(since))
    assert isinstance(sent, str)
    for value in (since, sent):
        changed = objects.ComputeNodeList.get_changed_since(cells.context,
                                                            value)
        assert [(n.uuid, n.vcpus_used) for n in changed] == [(node.uuid, 1)]
    later = jsonutils.loads(jsonutils.dumps(
        changed[0].updated_at + datetime.timedelta(seconds=1)))
    assert list(objects.ComputeNodeList.get_changed_since(cells.context,
                                                          later)) == []
