"""RescheduleTask: claim the next alternate that still has room."""

import uuid

from nova.conductor.tasks import reschedule
from nova import objects
from nova.states import task_states
from nova.states import vm_states


class RecordingCompute:
    def __init__(self):
        self.builds = []

    def build_and_run_instance(self, context, instance, host, **kwargs):
        self.builds.append((host, kwargs))


class Placement:
    """Answers claims from a table: node uuid -> bool."""

    def __init__(self, answers):
        self.answers = answers
        self.claimed = []

    def claim_resources(self, context, consumer, alloc_req, project, user):
        [node] = alloc_req['allocations']
        self.claimed.append(node)
        return self.answers[node]

    def delete_allocation_for_instance(self, context, consumer):
        pass


def _selection(host, node_uuid):
    return objects.Selection.from_host_state(
        type('HS', (), {'host': host, 'nodename': host, 'uuid': node_uuid,
                        'cell_uuid': str(uuid.uuid4())})(),
        {'allocations': {node_uuid: {'resources': {'VCPU': 1}}}}, '1.36')


def _instance(cells):
    ctx = cells.context.targeted(cells.cell1.uuid)
    inst = objects.Instance(ctx, uuid=str(uuid.uuid4()), project_id='p',
                            user_id='u', vm_state=vm_states.BUILDING,
                            task_state=task_states.SCHEDULING, host=None,
                            node=None)
    inst.create()
    return ctx, inst


def _task(ctx, inst, compute, placement, host_list):
    retry = {'num_attempts': 2, 'hosts': [['h0', 'h0']],
             'exc_reason': 'spawn failed'}
    return reschedule.RescheduleTask(
        ctx, compute, placement, inst, {'id': 'img'}, None,
        {'retry': retry}, None, [], None, host_list)


def test_skips_an_alternate_whose_claim_is_refused(cells):
    ctx, inst = _instance(cells)
    full, free = str(uuid.uuid4()), str(uuid.uuid4())
    compute, placement = RecordingCompute(), Placement({full: False,
                                                        free: True})
    _task(ctx, inst, compute, placement,
          [_selection('h1', full), _selection('h2', free)]).execute()
    assert placement.claimed == [full, free]
    [(host, kwargs)] = compute.builds
    assert host == 'h2'
    assert [s.service_host for s in kwargs['host_list']] == ['h2']
    got = objects.Instance.get_by_uuid(ctx, inst.uuid)
    assert (got.host, got.node) == ('h2', 'h2')


def test_no_alternate_left_puts_the_instance_in_error(cells):
    ctx, inst = _instance(cells)
    full = str(uuid.uuid4())
    compute = RecordingCompute()
    _task(ctx, inst, compute, Placement({full: False}),
          [_selection('h1', full)]).execute()
    assert compute.builds == []
    got = objects.Instance.get_by_uuid(ctx, inst.uuid,
                                       expected_attrs=['fault'])
    assert got.vm_state == vm_states.ERROR
    assert 'Exceeded maximum number of retries' in got.fault.message
    assert 'h0' in got.fault.message and 'spawn failed' in got.fault.message
