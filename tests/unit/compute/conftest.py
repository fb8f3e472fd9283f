"""Fixtures of the compute tests: a compute manager on the fake driver,
its objects running against real SQLite cell databases in this process
(as the conductor runs them), and helpers to make instances."""

import uuid

import pytest

from nova import objects
from nova.states import task_states
from nova.states import vm_states

HOST = 'compute1'


@pytest.fixture
def compute_conf(cells, conf, tmp_path):
    conf.config(host=HOST, compute_driver='fake')
    conf.config(state_dir=str(tmp_path / 'fake-guests'), group='fake')
    conf.config(graceful_shutdown_timeout=10)
    return conf


@pytest.fixture
def ctx(cells):
    """The admin context nova-compute uses (its own cell)."""
    return cells.context


@pytest.fixture
def cell_ctx(cells):
    """A context targeted at cell1, as the conductor sends builds."""
    return cells.context.targeted(cells.cell1.uuid)


@pytest.fixture
def service_ref(compute_conf, ctx):
    service = objects.Service(ctx, host=HOST, binary='nova-compute',
                              topic='compute', report_count=0)
    service.create()
    return service


class Recorder:
    """Stands in for an RPC client at the edge of the compute unit: keeps
    the (method, kwargs) of every call."""

    def __init__(self):
        self.calls = []

    def __getattr__(self, name):
        def record(context, *args, **kwargs):
            self.calls.append((name, args, kwargs))
        return record

    def names(self):
        return [name for name, _a, _k in self.calls]


@pytest.fixture
def make_manager(compute_conf, service_ref):
    """make_manager(start=True, save_delay=0, **collaborators) -> a
    ComputeManager; every one made is cleaned up at the end of the test.

    Its ComputeHost (``manager.compute``) is made by ComputeHost.create
    with ``collaborators`` (e.g. compute_rpcapi=..., reportclient=...).
    Unless given, the scheduler and conductor task clients are Recorders
    and placement is not reachable (the manager logs that and goes on).
    """
    from nova.compute import host as compute_host
    from nova.compute import manager as compute_manager
    from nova import rpc
    from nova.scheduler.client import report
    rpc.cleanup()
    rpc.init(url=rpc.IN_PROCESS_TRANSPORT_URL)
    # Nothing listens on port 9: refused at once, and not retried (the
    # retries are for a real placement resetting a connection).
    compute_conf.config(endpoint_override='http://127.0.0.1:9', timeout=2,
                        connect_retries=0, group='placement')
    made = []

    def _make(start=True, save_delay=0, **collaborators):
        collaborators.setdefault('scheduler_api', Recorder())
        collaborators.setdefault('compute_task_api', Recorder())
        if 'reportclient' not in collaborators:
            collaborators['reportclient'] = report.SchedulerReportClient()
        compute = compute_host.ComputeHost.create(**collaborators)
        compute.rt.save_delay = save_delay
        mgr = compute_manager.ComputeManager(compute)
        mgr.service_ref = service_ref
        made.append(mgr)
        if start:
            mgr.init_host()
        return mgr

    yield _make
    for mgr in made:
        try:
            mgr.cleanup_host()
        except Exception:
            pass
    rpc.cleanup()


@pytest.fixture
def manager(make_manager):
    return make_manager()


@pytest.fixture
def make_instance(cell_ctx):
    """make_instance(**fields) -> an Instance as the conductor creates it
    before it casts the build to this host."""

    def _make(**kwargs):
        values = dict(uuid=str(uuid.uuid4()), host=HOST, node=HOST,
                      launched_on=HOST, project_id='p1', user_id='u1',
                      display_name='vm', image_ref='image-ok', vcpus=2,
                      memory_mb=1024, root_gb=10, ephemeral_gb=0,
                      vm_state=vm_states.BUILDING,
                      task_state=task_states.SCHEDULING, power_state=0)
        values.update(kwargs)
        instance = objects.Instance(cell_ctx, **values)
        instance.create()
        return instance
    return _make


def build(manager, instance, image=None, node=None, wait=True):
    """Cast-like call of build_and_run_instance; waits for the build."""
    manager.build_and_run_instance(
        instance._context, instance,
        image if image is not None else {'id': instance.image_ref},
        request_spec=None, filter_properties={}, node=node or instance.node)
    if wait:
        assert manager.compute.builder.wait(timeout=30)


def reload(instance, read_deleted='no'):
    ctx = instance._context.elevated(read_deleted=read_deleted)
    return objects.Instance.get_by_uuid(ctx, instance.uuid,
                                        expected_attrs=['fault'])


def node_record(ctx, nodename, host=HOST):
    return objects.ComputeNode.get_by_host_and_nodename(ctx, host, nodename)
