"""Remotable object methods called with the indirection API set go over
oslo.messaging to the conductor's endpoints and come back updated."""

import uuid

import pytest

from nova.conductor import manager as conductor_manager
from nova.conductor import rpcapi as conductor_rpcapi
from nova import exception
from nova import objects
from nova.objects import base as obj_base
from nova import rpc
from nova import service
from tests.unit.conftest import make_flavor


class CountingConductor(conductor_manager.ConductorManager):
    def __init__(self):
        self.calls = []

    def object_action(self, context, objinst, objmethod, args, kwargs):
        self.calls.append(('action', objinst.obj_name(), objmethod))
        return super().object_action(context, objinst, objmethod, args,
                                     kwargs)

    def object_class_action_versions(self, context, objname, objmethod,
                                     object_versions, args, kwargs):
        self.calls.append(('class', objname, objmethod))
        return super().object_class_action_versions(
            context, objname, objmethod, object_versions, args, kwargs)


@pytest.fixture
def conductor(cells, conf):
    conf.config(graceful_shutdown_timeout=5)
    rpc.cleanup()
    rpc.init(url=rpc.IN_PROCESS_TRANSPORT_URL)
    manager = CountingConductor()
    svc = service.Service('nova-conductor', conductor_rpcapi.TOPIC, manager)
    svc.start()
    obj_base.set_indirection_api(conductor_rpcapi.ConductorAPI())
    yield manager
    obj_base.set_indirection_api(None)
    svc.stop()
    rpc.cleanup()


def test_class_and_instance_methods_run_in_conductor(cells, conductor):
    obj_base.set_indirection_api(None)
    flavor = make_flavor(cells.context)
    obj_base.set_indirection_api(conductor_rpcapi.ConductorAPI())

    inst = objects.Instance(cells.context, uuid=str(uuid.uuid4()),
                            project_id='p1', user_id='u1',
                            display_name='vm', vm_state='building',
                            flavor=flavor, metadata={})
    inst.create()
    assert inst.id is not None  # the conductor's row id came back
    inst.metadata['k'] = 'v'
    inst.vm_state = 'active'
    inst.save(expected_vm_state=['building'])
    got = objects.Instance.get_by_uuid(cells.context, inst.uuid)
    assert got.metadata == {'k': 'v'} and got.vm_state == 'active'
    assert ('action', 'Instance', 'create') in conductor.calls
    assert ('action', 'Instance', 'save') in conductor.calls
    assert ('class', 'Instance', 'get_by_uuid') in conductor.calls


def test_errors_raised_in_conductor_reach_the_caller(cells, conductor):
    with pytest.raises(exception.InstanceNotFound):
        objects.Instance.get_by_uuid(cells.context, str(uuid.uuid4()))


def test_conductor_registers_and_heartbeats(cells, conductor):
    obj_base.set_indirection_api(None)
    ref = objects.Service.get_by_host_and_binary(
        cells.context, service.CONF.host, 'nova-conductor')
    assert ref.report_count >= 1
