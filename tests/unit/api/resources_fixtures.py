"""A real compute API over real SQLite databases (API, cell0, cell1)
for the resource controllers; only the compute RPC client is replaced,
by one that records what it would send."""

import datetime
import uuid as uuidlib

import pytest

from nova.api.controllers import servers
from nova.compute import api as compute_api
from nova import context as nova_context
from nova.network import api as network_api
from nova import objects
from tests.unit.conftest import make_flavor

NOW = datetime.datetime(2024, 5, 1, 12, 0, 0,
                        tzinfo=datetime.timezone.utc)


class RecordingComputeRPC:
    def __init__(self):
        self.calls = []
        self.answers = {}

    def __getattr__(self, name):
        def call(context, *args, **kwargs):
            self.calls.append((name, args, kwargs))
            answer = self.answers.get(name)
            if isinstance(answer, Exception):
                raise answer
            return answer
        return call


class World:
    def __init__(self, cells):
        self.cells = cells
        self.ctx = nova_context.get_admin_context()
        self.cctx = self.ctx.targeted(cells.cell1.uuid)
        self.flavor = make_flavor(self.ctx, flavorid='1', name='m1.tiny',
                                  memory_mb=512, root_gb=1)
        self.rpc = RecordingComputeRPC()
        self.api = compute_api.API.__new__(compute_api.API)
        self.api.compute_rpcapi = self.rpc
        self.api.network_api = network_api.API()

    def server(self, project='demo', user='demo', vm_state='active',
               host='cmp1', task_state=None, metadata=None,
               system_metadata=None, **kw):
        inst_uuid = str(uuidlib.uuid4())
        inst = objects.Instance(
            self.cctx, uuid=inst_uuid, user_id=user, project_id=project,
            display_name='vm', vm_state=vm_state, task_state=task_state,
            host=host, node=host and host + '-node', power_state=1,
            launched_at=NOW, memory_mb=512, vcpus=1, root_gb=1,
            ephemeral_gb=0, flavor=self.flavor, instance_type_id=1,
            metadata=dict(metadata or {}),
            system_metadata=dict(system_metadata or {}),
            locked=False, **kw)
        inst.create()
        objects.InstanceMapping(
            self.ctx, instance_uuid=inst_uuid, project_id=project,
            user_id=user, cell_mapping=self.cells.cell1,
            queued_for_delete=False).create()
        return inst


@pytest.fixture
def world(cells, monkeypatch):
    w = World(cells)
    monkeypatch.setattr(servers, 'compute_api', lambda: w.api)
    return w


@pytest.fixture
def hosts(world, monkeypatch):
    from nova import servicegroup
    monkeypatch.setattr(servicegroup, 'is_up',
                        lambda s, now=None: not s.forced_down)
    made = {}
    for host in ('cmp1', 'cmp2'):
        svc = objects.Service(world.ctx, host=host, binary='nova-compute',
                              topic='compute', report_count=0)
        svc.create()
        made[host] = svc
    for svc in made.values():
        node = objects.ComputeNode(
            world.ctx, uuid=str(uuidlib.uuid4()), service_id=svc.id,
            host=svc.host,
            hypervisor_hostname=svc.host + '-node', hypervisor_type='fake',
            hypervisor_version=1, cpu_info='{}', vcpus=4, memory_mb=2048,
            local_gb=10, vcpus_used=1, memory_mb_used=512, local_gb_used=1,
            free_ram_mb=1536, free_disk_gb=9, disk_available_least=9,
            running_vms=1, current_workload=0)
        node.create()
        objects.HostMapping(world.ctx, host=svc.host,
                            cell_mapping=world.cells.cell1).create()
    return made
