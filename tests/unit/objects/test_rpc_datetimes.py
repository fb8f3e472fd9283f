"""Datetime arguments of remotable methods, as they reach the conductor.

oslo.messaging's drivers encode a message as JSON, so a datetime that is
a plain argument (not a field of an object) arrives as the ISO 8601
string oslo.serialization writes, without a zone. The in-process "fake:/"
transport skips the encoding; the ``wire`` fixture below puts it back, so
these tests see what a conductor behind RabbitMQ sees. The queries run on
SQLite, which compares a string bound to a DATETIME column as text
(``2026-12-07T17:13:12`` sorts after ``2026-12-07 17:23:11``).
"""

import datetime
import inspect
import uuid

from oslo_serialization import jsonutils
import pytest
import sqlalchemy as sa

from nova.conductor import manager as conductor_manager
from nova.conductor import rpcapi as conductor_rpcapi
from nova.db.main import models
from nova.db import session as db_session
from nova import objects
from nova.objects import base as obj_base
from nova import rpc
from nova import service
from tests.unit.conftest import make_flavor

UTC = datetime.timezone.utc
PLUS2 = datetime.timezone(datetime.timedelta(hours=2))
# Rows are stamped T0 (old) and T0 + 10 minutes (new), the same day: a
# text comparison gets both bounds wrong.
T0 = datetime.datetime(2026, 12, 7, 17, 13, 11)
T1 = T0 + datetime.timedelta(minutes=10)
BOUND = T0 + datetime.timedelta(seconds=1)


def _over_the_wire(value):
    return jsonutils.loads(jsonutils.dumps(value))


@pytest.fixture
def wire(cells, conf, monkeypatch):
    """A conductor on the in-process transport whose messages are JSON
    encoded and decoded as every real driver does; remotable calls of
    this thread go to it."""
    conf.config(graceful_shutdown_timeout=5)
    rpc.cleanup()
    rpc.init(url=rpc.IN_PROCESS_TRANSPORT_URL)
    driver = rpc.TRANSPORT._driver
    real_send = driver.send

    def send(target, ctxt, message, *args, **kwargs):
        return real_send(target, _over_the_wire(ctxt),
                         _over_the_wire(message), *args, **kwargs)

    monkeypatch.setattr(driver, 'send', send)
    svc = service.Service('nova-conductor', conductor_rpcapi.TOPIC,
                          conductor_manager.ConductorManager())
    svc.start()
    obj_base.set_indirection_api(conductor_rpcapi.ConductorAPI())
    yield
    obj_base.set_indirection_api(None)
    svc.stop()
    rpc.cleanup()


def _stamp(ctx, model, **where_and_time):
    updated_at = where_and_time.pop('updated_at')
    with db_session.cell_session(ctx) as s:
        s.execute(sa.update(model).filter_by(**where_and_time).values(
            updated_at=updated_at))


def _instances(ctx):
    flavor = make_flavor(ctx)
    made = []
    for name, stamp in (('old', T0), ('new', T1)):
        inst = objects.Instance(ctx, uuid=str(uuid.uuid4()), project_id='p1',
                                user_id='u1', display_name=name,
                                vm_state='active', flavor=flavor)
        inst.create()
        _stamp(ctx, models.Instance, uuid=inst.uuid, updated_at=stamp)
        made.append(inst)
    return made


# The serializer and the helpers.

@pytest.mark.parametrize('sent', [
    BOUND,
    BOUND.replace(tzinfo=UTC),
    BOUND.replace(tzinfo=UTC).astimezone(PLUS2),
])
def test_datetime_argument_round_trip_gives_utc(sent):
    serializer = rpc._serializer()
    args = {'since': sent, 'filters': {'changes-since': sent, 'name': 'x'}}
    received = serializer.deserialize_entity(
        None, _over_the_wire(serializer.serialize_entity(None, args)))
    # What the wire delivers: text, in UTC, whatever zone was sent.
    assert received['since'] == '2026-12-07T17:13:12.000000'
    assert received['filters'] == {'changes-since': received['since'],
                                   'name': 'x'}
    got = obj_base.utc_datetime(received['since'])
    assert got == BOUND.replace(tzinfo=UTC)
    assert got.tzinfo == UTC


def test_utc_datetime_accepts_what_callers_hand_over():
    want = BOUND.replace(tzinfo=UTC)
    for value in (BOUND, want, want.astimezone(PLUS2),
                  '2026-12-07T17:13:12.000000', '2026-12-07T17:13:12Z',
                  '2026-12-07T19:13:12+02:00', '2026-12-07 17:13:12'):
        got = obj_base.utc_datetime(value)
        assert (got, got.tzinfo) == (want, UTC), value
    assert obj_base.utc_datetime(None) is None
    with pytest.raises(TypeError):
        obj_base.utc_datetime(12)


def test_datetime_args_converts_named_arguments_and_filter_keys():
    seen = []

    @obj_base.datetime_args('start', filters=('changes-since',))
    def method(cls, context, start, filters=None, limit=None):
        seen.append((start, filters, limit))

    filters = {'changes-since': '2026-12-07T17:13:12.000000', 'host': 'h'}
    method(None, None, '2026-12-07T17:13:12.000000', filters=filters,
           limit=3)
    method(None, None, None)
    want = BOUND.replace(tzinfo=UTC)
    assert seen == [(want, {'changes-since': want, 'host': 'h'}, 3),
                    (None, None, None)]
    # The caller's dict is left as it was.
    assert filters['changes-since'] == '2026-12-07T17:13:12.000000'
    with pytest.raises(TypeError):
        obj_base.datetime_args('nope')(method.__wrapped__)
    # The signature stays the method's (object fingerprints read it).
    assert inspect.getfullargspec(method).args == [
        'cls', 'context', 'start', 'filters', 'limit']


def test_conductor_side_gets_a_utc_datetime(cells, wire, monkeypatch):
    """The argument as the method body in the conductor sees it."""
    from nova.objects import compute_node
    seen = []
    real = compute_node.db.compute_node_get_changed_since

    def recorder(context, since):
        seen.append(since)
        return real(context, since)

    monkeypatch.setattr(compute_node.db, 'compute_node_get_changed_since',
                        recorder)
    sent = BOUND.replace(tzinfo=UTC).astimezone(PLUS2)
    assert list(objects.ComputeNodeList.get_changed_since(
        cells.context, sent)) == []
    assert len(seen) == 1
    assert isinstance(seen[0], datetime.datetime)
    assert (seen[0], seen[0].tzinfo) == (BOUND.replace(tzinfo=UTC), UTC)


# The queries, on SQLite, called through the conductor over the wire.

@pytest.mark.parametrize('bound', [
    BOUND, BOUND.replace(tzinfo=UTC),
    BOUND.replace(tzinfo=UTC).astimezone(PLUS2),
])
def test_instance_changes_since_and_before(cells, wire, bound):
    old, new = _instances(cells.context)

    def names(filters, method):
        if method == 'get_by_filters':
            found = objects.InstanceList.get_by_filters(cells.context,
                                                        filters)
        else:
            found = objects.InstanceList.get_across_cells(
                cells.context, [cells.cell1.uuid], filters)
        return sorted(i.display_name for i in found)

    for method in ('get_by_filters', 'get_across_cells'):
        assert names({'changes-since': bound}, method) == ['new']
        assert names({'changes-before': bound}, method) == ['old']
        assert names({'changes-since': T0, 'changes-before': T1},
                     method) == ['new', 'old']


def test_instance_changes_since_called_with_a_string(cells):
    """The conductor itself, handed the string the wire delivers."""
    _instances(cells.context)
    sent = _over_the_wire(BOUND)
    found = objects.InstanceList.get_by_filters(cells.context,
                                                {'changes-since': sent})
    assert [i.display_name for i in found] == ['new']


def test_migration_changes_since_and_before(cells, wire):
    old, new = _instances(cells.context)
    made = {}
    for inst in (old, new):
        mig = objects.Migration(
            cells.context, instance_uuid=inst.uuid, source_compute='h1',
            source_node='n1', dest_compute='h2', dest_node='n2',
            status='migrating', migration_type='resize',
            old_instance_type_id=1, new_instance_type_id=2)
        mig.create()
        made[mig.uuid] = inst.display_name
        _stamp(cells.context, models.Migration, uuid=mig.uuid,
               updated_at=T0 if inst is old else T1)

    def names(filters):
        return sorted(made[m.uuid] for m in
                      objects.MigrationList.get_by_filters(cells.context,
                                                           filters))

    # As the API hands them over: aware, in the zone the user wrote.
    bound = BOUND.replace(tzinfo=UTC).astimezone(PLUS2)
    assert names({'changes-since': bound}) == ['new']
    assert names({'changes-before': bound}) == ['old']


def test_build_request_changes_since(cells, wire):
    flavor = make_flavor(cells.context)
    instances, specs = [], []
    for name, created in (('old', T0), ('new', T1)):
        inst = objects.Instance(
            cells.context, uuid=str(uuid.uuid4()), project_id='p1',
            user_id='u1', display_name=name, vm_state='building',
            flavor=flavor, created_at=created.replace(tzinfo=UTC))
        instances.append(inst)
        specs.append(objects.RequestSpec(
            instance_uuid=inst.uuid, flavor=flavor, num_instances=1,
            image=objects.ImageMeta.from_dict({'id': str(uuid.uuid4())})))
    objects.BuildRequestList.create_for_instances(cells.context, instances,
                                                  specs)

    def names(filters):
        return sorted(br.instance.display_name for br in
                      objects.BuildRequestList.get_by_filters(
                          cells.context, filters))

    assert names({'changes-since': BOUND}) == ['new']
    assert names({'changes-before': BOUND}) == ['old']


def test_instance_action_changes_since(cells, wire):
    old, _new = _instances(cells.context)
    objects.InstanceAction.action_start(cells.context, old.uuid, 'reboot')
    _stamp(cells.context, models.InstanceAction, instance_uuid=old.uuid,
           updated_at=T1)

    def actions(filters):
        return [a.action for a in objects.InstanceActionList.
                get_by_instance_uuid(cells.context, old.uuid,
                                     filters=filters)]

    assert actions({'changes-since': BOUND}) == ['reboot']
    assert actions({'changes-since': T1 + datetime.timedelta(
        seconds=1)}) == []
    assert actions({'changes-before': BOUND}) == []


@pytest.mark.parametrize('over_rpc', [True, False])
def test_usage_in_period_takes_datetimes(cells, request, over_rpc):
    if over_rpc:
        request.getfixturevalue('wire')
    old, new = _instances(cells.context)
    with db_session.cell_session(cells.context) as s:
        s.execute(sa.update(models.Instance).where(
            models.Instance.uuid == old.uuid).values(
            launched_at=T0, terminated_at=T0 + datetime.timedelta(
                minutes=1)))
        s.execute(sa.update(models.Instance).where(
            models.Instance.uuid == new.uuid).values(launched_at=T1))

    def names(start, end):
        return sorted(u['name'] for u in objects.Quotas.usage_in_period(
            cells.context, start, end))

    assert names(BOUND + datetime.timedelta(minutes=1), T1 +
                 datetime.timedelta(hours=1)) == ['new']
    assert names(T0 - datetime.timedelta(hours=1),
                 BOUND.replace(tzinfo=UTC).astimezone(PLUS2)) == ['old']
    # The strings the API used to send still work.
    assert names('2026-12-07T00:00:00', '2026-12-08T00:00:00') == [
        'new', 'old']
