"""os-migrations and /servers/{id}/migrations through the API app, on
real SQLite cell databases."""

import uuid

import pytest

from nova import objects
from tests.unit.conftest import make_flavor

ADMIN = 'admin:admin'


@pytest.fixture
def data(cells):
    from nova import rpc
    rpc.cleanup()
    rpc.init(url=rpc.IN_PROCESS_TRANSPORT_URL)
    ctx = cells.context.targeted(cells.cell1.uuid)
    flavor = make_flavor(ctx)
    inst = objects.Instance(ctx, uuid=str(uuid.uuid4()), project_id='p1',
                            user_id='u1', vm_state='active', flavor=flavor,
                            host='h1', node='h1')
    inst.create()
    objects.InstanceMapping(cells.context, instance_uuid=inst.uuid,
                            cell_mapping=cells.cell1,
                            project_id='p1').create()
    migs = []
    for i, (kind, status) in enumerate((('resize', 'confirmed'),
                                        ('migration', 'finished'),
                                        ('live-migration', 'running'))):
        mig = objects.Migration(ctx, instance_uuid=inst.uuid,
                                source_compute='h1', source_node='h1',
                                dest_compute='h2', dest_node='h2',
                                dest_host='h2', status=status,
                                migration_type=kind, user_id='u1',
                                project_id='p1', old_instance_type_id=1,
                                new_instance_type_id=1)
        mig.create()
        migs.append(mig)
    yield inst, migs
    rpc.cleanup()


def test_list_by_version(client, data):
    inst, migs = data
    old = client.request('GET', '/v2.1/os-migrations', token=ADMIN)
    assert old.status_code == 200, old.body
    items = old.json_body_or_none['migrations']
    assert [m['id'] for m in items] == [m.id for m in reversed(migs)]
    assert 'migration_type' not in items[0] and 'uuid' not in items[0]
    assert items[0]['created_at'].count('.') == 1
    v223 = client.request('GET', '/v2.1/os-migrations', token=ADMIN,
                          version='2.23').json_body_or_none['migrations']
    live = [m for m in v223 if m['migration_type'] == 'live-migration'][0]
    assert live['links'][0]['href'].endswith(
        '/servers/%s/migrations/%d' % (inst.uuid, live['id']))
    assert all('links' not in m for m in v223
               if m['migration_type'] != 'live-migration')
    v280 = client.request('GET', '/v2.1/os-migrations', token=ADMIN,
                          version='2.80').json_body_or_none['migrations']
    assert v280[0]['uuid'] == migs[-1].uuid
    assert v280[0]['user_id'] == 'u1' and v280[0]['project_id'] == 'p1'


def test_filters_and_paging(client, data):
    inst, migs = data
    got = client.request('GET', '/v2.1/os-migrations?status=finished',
                         token=ADMIN).json_body_or_none['migrations']
    assert [m['id'] for m in got] == [migs[1].id]
    got = client.request(
        'GET', '/v2.1/os-migrations?migration_type=resize', token=ADMIN,
        version='2.23').json_body_or_none['migrations']
    assert [m['id'] for m in got] == [migs[0].id]
    page = client.request('GET', '/v2.1/os-migrations?limit=2', token=ADMIN,
                          version='2.59').json_body_or_none
    assert [m['id'] for m in page['migrations']] == [migs[2].id, migs[1].id]
    assert 'marker=%s' % migs[1].uuid in page['migrations_links'][0]['href']
    rest = client.request(
        'GET', '/v2.1/os-migrations?marker=%s' % migs[1].uuid, token=ADMIN,
        version='2.59').json_body_or_none['migrations']
    assert [m['id'] for m in rest] == [migs[0].id]
    bad = client.request('GET', '/v2.1/os-migrations?marker=%s'
                         % uuid.uuid4(), token=ADMIN, version='2.59')
    assert bad.status_code == 400
    unknown = client.request('GET', '/v2.1/os-migrations?foo=1',
                             token=ADMIN, version='2.59')
    assert unknown.status_code == 400
    assert client.request('GET', '/v2.1/os-migrations?user_id=nobody',
                          token=ADMIN, version='2.80'
                          ).json_body_or_none['migrations'] == []


def test_admin_only(client, data):
    assert client.request('GET', '/v2.1/os-migrations').status_code == 403


def test_server_migrations_show_live_ones_only(client, data):
    inst, migs = data
    base = '/v2.1/servers/%s/migrations' % inst.uuid
    got = client.request('GET', base, token=ADMIN, version='2.23')
    assert got.status_code == 200, got.body
    items = got.json_body_or_none['migrations']
    assert [m['id'] for m in items] == [migs[2].id]
    assert items[0]['server_uuid'] == inst.uuid
    assert 'memory_total_bytes' in items[0]
    one = client.request('GET', '%s/%d' % (base, migs[2].id), token=ADMIN,
                         version='2.23')
    assert one.json_body_or_none['migration']['id'] == migs[2].id
    assert client.request('GET', '%s/%d' % (base, migs[0].id), token=ADMIN,
                          version='2.23').status_code == 404
    assert client.request('GET', base, token=ADMIN,
                          version='2.22').status_code == 404


def test_force_complete_and_abort_reach_the_compute_api(client, data):
    inst, migs = data
    base = '/v2.1/servers/%s/migrations/%d' % (inst.uuid, migs[2].id)
    # The server is not migrating: the compute API refuses (409).
    got = client.request('POST', base + '/action',
                         {'force_complete': None}, token=ADMIN,
                         version='2.22')
    assert got.status_code == 409, got.body
    got = client.request('DELETE', base, token=ADMIN, version='2.24')
    assert got.status_code == 409, got.body
    assert client.request('DELETE', base, token=ADMIN,
                          version='2.23').status_code == 404
    assert client.request('POST', base + '/action', {'force_complete': 1},
                          token=ADMIN, version='2.22').status_code == 400
    # A member of the server's project may not (project managers may);
    # another project does not see the server at all.
    assert client.request('POST', base + '/action',
                          {'force_complete': None}, token='u1:p1',
                          version='2.22').status_code == 403
    assert client.request('POST', base + '/action',
                          {'force_complete': None},
                          version='2.22').status_code == 404
