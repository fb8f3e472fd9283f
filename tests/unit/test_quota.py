"""The quota driver: limits from the [quota] options, the default class,
the project and the user; usage counted from build requests and cells."""

import uuid

from oslo_serialization import jsonutils
import pytest

from nova.db.api import api as api_db
from nova import exception
from nova import objects
from nova import quota
from tests.unit.conftest import make_flavor


def _ctx(cells, project='p1', user='u1'):
    from nova import context
    return context.RequestContext(user_id=user, project_id=project)


def _build_request(cells, ctx, vcpus=1, memory_mb=512, user=None):
    instance = objects.Instance(
        uuid=str(uuid.uuid4()), project_id=ctx.project_id,
        user_id=user or ctx.user_id, vcpus=vcpus, memory_mb=memory_mb)
    api_db.build_requests_create_many([(
        {'instance_uuid': instance.uuid, 'project_id': ctx.project_id,
         'instance': jsonutils.dumps(instance.obj_to_primitive())},
        '{}',
        {'instance_uuid': instance.uuid, 'project_id': ctx.project_id,
         'user_id': instance.user_id, 'cell_id': None})])
    return instance.uuid


def _cell_instance(cells, ctx, instance_uuid=None, vcpus=1, memory_mb=512,
                   vm_state='active', deleted=False):
    from nova.db.main import api as db
    cctx = ctx.targeted(cells.cell1.uuid)
    row = db.instance_create(cctx, {
        'uuid': instance_uuid or str(uuid.uuid4()),
        'project_id': ctx.project_id, 'user_id': ctx.user_id,
        'vcpus': vcpus, 'memory_mb': memory_mb, 'vm_state': vm_state})
    if deleted:
        db.instance_destroy(cctx, row.uuid)
    return row.uuid


def test_defaults_come_from_conf_then_default_class(cells, conf):
    ctx = _ctx(cells)
    conf.config(instances=7, group='quota')
    defaults = quota.get_defaults(ctx)
    assert defaults['instances'] == 7
    assert defaults['cores'] == 20
    assert defaults['injected_file_path_bytes'] == 255
    assert defaults['floating_ips'] == 10
    quota.update_class_quotas(ctx, 'default', {'cores': 40})
    assert quota.get_defaults(ctx)['cores'] == 40
    assert quota.get_class_quotas(ctx, 'default')['cores'] == 40
    assert quota.get_class_quotas(ctx, 'gold')['cores'] == 20


def test_project_and_user_limits_override(cells):
    ctx = _ctx(cells)
    quota.set_project_quotas(ctx, 'p1', {'instances': 3})
    quota.set_project_quotas(ctx, 'p1', {'instances': 2}, user_id='u1')
    assert quota.get_project_quotas(ctx, 'p1')['instances'] == 3
    assert quota.get_project_quotas(ctx, 'p1', 'u1')['instances'] == 2
    assert quota.get_project_quotas(ctx, 'p1', 'u2')['instances'] == 3
    quota.set_project_quotas(ctx, 'p1', {'instances': 4})
    assert quota.get_project_quotas(ctx, 'p1')['instances'] == 4
    quota.destroy_all_by_project_and_user(ctx, 'p1', 'u1')
    assert quota.get_project_quotas(ctx, 'p1', 'u1')['instances'] == 4
    quota.destroy_all_by_project(ctx, 'p1')
    assert quota.get_project_quotas(ctx, 'p1')['instances'] == 10


def test_usage_counts_build_requests_and_cells_once(cells):
    ctx = _ctx(cells)
    _build_request(cells, ctx, vcpus=2, memory_mb=1024)
    # A server that reached its cell while its build request remains.
    moving = _build_request(cells, ctx, vcpus=1, memory_mb=256)
    _cell_instance(cells, ctx, instance_uuid=moving, vcpus=1,
                   memory_mb=256)
    _cell_instance(cells, ctx, vcpus=4, memory_mb=2048)
    _cell_instance(cells, ctx, vcpus=8, memory_mb=8192, deleted=True)
    _cell_instance(cells, ctx, vcpus=8, memory_mb=8192,
                   vm_state='soft-delete')
    _build_request(cells, ctx, user='u2')
    detail = quota.get_project_quotas(ctx, 'p1', usages=True)
    assert detail['instances'] == {'limit': 10, 'in_use': 4, 'reserved': 0}
    assert detail['cores']['in_use'] == 8
    assert detail['ram']['in_use'] == 1024 + 256 + 2048 + 512
    user = quota.get_project_quotas(ctx, 'p1', user_id='u1', usages=True)
    assert user['instances']['in_use'] == 3


def test_check_deltas_message(cells):
    ctx = _ctx(cells)
    quota.set_project_quotas(ctx, 'p1', {'instances': 2})
    _build_request(cells, ctx)
    _build_request(cells, ctx)
    with pytest.raises(exception.OverQuota) as exc:
        quota.check_deltas(ctx, 'p1', 'u1', {'instances': 1})
    assert exc.value.code == 403
    assert str(exc.value) == ('Quota exceeded for instances: Requested 1, '
                              'but already used 2 of 2 instances')
    quota.check_deltas(ctx, 'p1', 'u1', {'instances': 0})
    quota.set_project_quotas(ctx, 'p1', {'instances': -1})
    quota.check_deltas(ctx, 'p1', 'u1', {'instances': 100})


def test_instances_allowed_reduces_to_fit(cells):
    ctx = _ctx(cells)
    flavor = make_flavor(cells.context, vcpus=2, memory_mb=512)
    quota.set_project_quotas(ctx, 'p1', {'cores': 7})
    _build_request(cells, ctx, vcpus=2)
    # 5 cores left: two servers of 2 vcpus.
    assert quota.instances_allowed(ctx, flavor, 1, 5) == 2
    assert quota.instances_allowed(ctx, flavor, 2, 2) == 2
    with pytest.raises(exception.TooManyInstances) as exc:
        quota.instances_allowed(ctx, flavor, 3, 5)
    assert str(exc.value) == ('Quota exceeded for cores: Requested 6, but '
                              'already used 2 of 7 cores')
    quota.set_project_quotas(ctx, 'p1', {'instances': 1})
    with pytest.raises(exception.TooManyInstances) as exc:
        quota.instances_allowed(ctx, flavor, 1, 1)
    assert str(exc.value) == ('Quota exceeded for instances: Requested 1, '
                              'but already used 1 of 1 instances')
    quota.set_project_quotas(ctx, 'p1', {'cores': 3})
    with pytest.raises(exception.TooManyInstances) as exc:
        quota.instances_allowed(ctx, flavor, 1, 1)
    assert str(exc.value) == (
        'Quota exceeded for cores, instances: Requested 2, 1, but already '
        'used 2, 1 of 3, 1 cores, instances')


def test_recheck_after_records_exist(cells):
    ctx = _ctx(cells)
    flavor = make_flavor(cells.context)
    quota.set_project_quotas(ctx, 'p1', {'instances': 1})
    _build_request(cells, ctx)
    quota.recheck_instances(ctx, flavor, 1)
    uuids = [_build_request(cells, ctx)]
    with pytest.raises(exception.TooManyInstances) as exc:
        quota.recheck_instances(ctx, flavor, 1)
    assert 'Requested 1, but already used 1 of 1 instances' in str(exc.value)
    objects.Quotas.undo_build_requests(ctx, uuids)
    quota.recheck_instances(ctx, flavor, 1)
    assert api_db.instance_mapping_get_many(uuids) == []


def test_noop_driver_is_unlimited(cells, conf):
    conf.config(driver='nova.quota.NoopQuotaDriver', group='quota')
    ctx = _ctx(cells)
    assert quota.get_defaults(ctx)['instances'] == -1
    quota.check_deltas(ctx, 'p1', 'u1', {'instances': 10 ** 6})


def test_key_pairs_and_server_groups(cells):
    ctx = _ctx(cells)
    quota.set_project_quotas(ctx, 'p1', {'key_pairs': 1,
                                         'server_groups': 1})
    quota.check_key_pairs(ctx, 'u1')
    objects.KeyPair(ctx, name='k1', user_id='u1', public_key='x',
                    fingerprint='f', type='ssh').create()
    with pytest.raises(exception.KeypairLimitExceeded):
        quota.check_key_pairs(ctx, 'u1')
    quota.check_server_groups(ctx, 'p1', 'u1')
    objects.InstanceGroup(ctx, name='g', policy='affinity', rules={},
                          user_id='u1', project_id='p1',
                          members=[]).create()
    with pytest.raises(exception.ServerGroupLimitExceeded) as exc:
        quota.check_server_groups(ctx, 'p1', 'u1')
    assert str(exc.value) == 'Quota exceeded, too many server groups.'
