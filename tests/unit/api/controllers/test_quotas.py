"""os-quota-sets, os-quota-class-sets, limits and os-simple-tenant-usage
against real SQLite databases, per microversion."""

import datetime
import uuid

from nova.db.main import api as db
from nova import objects

ADMIN = 'admin:admin'
QS = '/v2.1/os-quota-sets/demo'
ALL = ['cores', 'fixed_ips', 'floating_ips', 'injected_file_content_bytes',
       'injected_file_path_bytes', 'injected_files', 'instances',
       'key_pairs', 'metadata_items', 'ram', 'security_group_rules',
       'security_groups', 'server_group_members', 'server_groups']
NETWORK = {'fixed_ips', 'floating_ips', 'security_groups',
           'security_group_rules'}
PERSONALITY = {'injected_files', 'injected_file_content_bytes',
               'injected_file_path_bytes'}


def _instance(cells, project='demo', vcpus=2, memory_mb=1024,
              launched_at=None, terminated_at=None, deleted=False,
              created_at=None):
    from nova import context
    ctx = context.get_admin_context().targeted(cells.cell1.uuid)
    flavor = objects.Flavor(id=1, flavorid='1', name='m1.test',
                            memory_mb=memory_mb, vcpus=vcpus, root_gb=1,
                            ephemeral_gb=0, swap=0, rxtx_factor=1.0,
                            vcpu_weight=None, disabled=False,
                            is_public=True, extra_specs={}, projects=[],
                            description=None)
    from nova.objects import instance as instance_obj
    row = db.instance_create(ctx, {
        'uuid': str(uuid.uuid4()), 'project_id': project,
        'user_id': 'demo', 'vcpus': vcpus, 'memory_mb': memory_mb,
        'root_gb': 1, 'ephemeral_gb': 0, 'vm_state': 'active',
        'display_name': 'vm', 'launched_at': launched_at,
        'created_at': created_at or launched_at,
        'terminated_at': terminated_at},
        flavor=instance_obj._flavor_to_db(flavor))
    if deleted:
        db.instance_destroy(ctx, row.uuid)
    return row.uuid


def test_show_by_version(client, cells):
    body = client.request('GET', QS).json['quota_set']
    assert sorted(body) == sorted(ALL + ['id'])
    assert body['id'] == 'demo' and body['instances'] == 10
    assert body['floating_ips'] == 10 and body['fixed_ips'] == -1
    body = client.request('GET', QS, version='2.36').json['quota_set']
    assert sorted(body) == sorted(set(ALL) - NETWORK | {'id'})
    body = client.request('GET', QS, version='2.57').json['quota_set']
    assert sorted(body) == sorted(set(ALL) - NETWORK - PERSONALITY | {'id'})


def test_other_project_needs_admin(client, cells):
    url = '/v2.1/os-quota-sets/other'
    assert client.request('GET', url).status_int == 403
    assert client.request('GET', url + '/detail').status_int == 403
    assert client.request('GET', url, token=ADMIN).status_int == 200
    # Defaults are for everyone.
    assert client.request('GET', url + '/defaults').status_int == 200


def test_update_detail_and_delete(client, cells):
    assert client.request('PUT', QS, {'quota_set': {'instances': 5}}
                          ).status_int == 403
    resp = client.request('PUT', QS, {'quota_set': {'instances': '5',
                                                    'cores': 8}},
                          token=ADMIN)
    assert resp.status_int == 200
    body = resp.json['quota_set']
    assert 'id' not in body
    assert (body['instances'], body['cores']) == (5, 8)
    _instance(cells)
    detail = client.request('GET', QS + '/detail').json['quota_set']
    assert detail['id'] == 'demo'
    assert detail['instances'] == {'limit': 5, 'in_use': 1, 'reserved': 0}
    assert detail['cores'] == {'limit': 8, 'in_use': 2, 'reserved': 0}
    assert detail['floating_ips'] == {'limit': 10, 'in_use': 0,
                                      'reserved': 0}
    # Below the usage: refused unless forced.
    resp = client.request('PUT', QS, {'quota_set': {'cores': 1}},
                          token=ADMIN)
    assert resp.status_int == 400
    assert ('Quota limit 1 for cores must be greater than or equal to '
            'already used and reserved 2.') in resp.json['badRequest'][
        'message']
    resp = client.request('PUT', QS, {'quota_set': {'cores': 1,
                                                    'force': 'True'}},
                          token=ADMIN)
    assert resp.json['quota_set']['cores'] == 1
    # A user's limit may not exceed the project's.
    resp = client.request('PUT', QS + '?user_id=demo',
                          {'quota_set': {'instances': 6}}, token=ADMIN)
    assert resp.status_int == 400
    resp = client.request('PUT', QS + '?user_id=demo',
                          {'quota_set': {'instances': 3}}, token=ADMIN)
    assert resp.json['quota_set']['instances'] == 3
    assert client.request('GET', QS + '?user_id=demo').json[
        'quota_set']['instances'] == 3
    resp = client.request('DELETE', QS + '?user_id=demo', token=ADMIN)
    assert resp.status_int == 202
    assert client.request('GET', QS + '?user_id=demo').json[
        'quota_set']['instances'] == 5
    assert client.request('DELETE', QS).status_int == 403
    assert client.request('DELETE', QS, token=ADMIN).status_int == 202
    assert client.request('GET', QS).json['quota_set']['instances'] == 10


def test_update_schema_by_version(client, cells):
    def put(body, version=None):
        return client.request('PUT', QS, {'quota_set': body}, token=ADMIN,
                              version=version).status_int

    assert put({'instances': -2}) == 400
    assert put({'instances': 'x'}) == 400
    assert put({'bogus': 1}) == 400
    assert put({'floating_ips': 5}) == 200
    assert put({'floating_ips': 5}, '2.36') == 400
    assert put({'injected_files': 5}, '2.36') == 200
    assert put({'injected_files': 5}, '2.57') == 400
    assert client.request('PUT', QS, {}, token=ADMIN).status_int == 400


def test_defaults_follow_the_default_class(client, cells):
    url = '/v2.1/os-quota-class-sets/default'
    assert client.request('GET', url).status_int == 403
    body = client.request('GET', url, token=ADMIN).json['quota_class_set']
    assert body['id'] == 'default'
    assert 'server_groups' not in body and 'floating_ips' in body
    body = client.request('GET', url, token=ADMIN,
                          version='2.50').json['quota_class_set']
    assert 'server_groups' in body and 'floating_ips' not in body
    assert 'injected_files' in body
    body = client.request('GET', url, token=ADMIN,
                          version='2.57').json['quota_class_set']
    assert 'injected_files' not in body
    resp = client.request('PUT', url, {'quota_class_set': {'cores': 30}},
                          token=ADMIN)
    assert resp.status_int == 200
    assert 'id' not in resp.json['quota_class_set']
    assert resp.json['quota_class_set']['cores'] == 30
    # Network quotas are refused from 2.50 on; server groups were
    # settable (if not shown) before it.
    assert client.request('PUT', url, {'quota_class_set': {
        'floating_ips': 3}}, token=ADMIN, version='2.50').status_int == 400
    assert client.request('PUT', url, {'quota_class_set': {
        'server_groups': 3}}, token=ADMIN).status_int == 200
    defaults = client.request('GET', QS + '/defaults').json['quota_set']
    assert defaults['cores'] == 30 and defaults['id'] == 'demo'
    assert client.request('GET', QS).json['quota_set']['server_groups'] == 3


def test_limits_count_usage(client, cells):
    _instance(cells, vcpus=2, memory_mb=1024)
    _instance(cells, vcpus=1, memory_mb=512)
    _instance(cells, deleted=True)
    _instance(cells, project='other')
    client.request('POST', '/v2.1/os-server-groups',
                   {'server_group': {'name': 'g', 'policies': ['affinity']}})
    absolute = client.request('GET', '/v2.1/limits').json['limits'][
        'absolute']
    assert absolute['totalInstancesUsed'] == 2
    assert absolute['totalCoresUsed'] == 3
    assert absolute['totalRAMUsed'] == 1536
    assert absolute['totalServerGroupsUsed'] == 1
    assert absolute['maxImageMeta'] == 128
    assert client.request('GET', '/v2.1/limits?tenant_id=other'
                          ).status_int == 403
    other = client.request('GET', '/v2.1/limits?tenant_id=other',
                           token=ADMIN).json['limits']['absolute']
    assert other['totalInstancesUsed'] == 1
    latest = client.request('GET', '/v2.1/limits', version='2.57').json[
        'limits']['absolute']
    assert sorted(latest) == sorted([
        'maxServerGroupMembers', 'maxServerGroups', 'maxServerMeta',
        'maxTotalCores', 'maxTotalInstances', 'maxTotalKeypairs',
        'maxTotalRAMSize', 'totalCoresUsed', 'totalInstancesUsed',
        'totalRAMUsed', 'totalServerGroupsUsed'])


def test_simple_tenant_usage(client, cells):
    now = datetime.datetime.utcnow().replace(microsecond=0)
    start = now - datetime.timedelta(hours=10)
    # Ran 2 hours inside the period, then deleted.
    _instance(cells, vcpus=2, memory_mb=1024,
              launched_at=start + datetime.timedelta(hours=1),
              terminated_at=start + datetime.timedelta(hours=3),
              deleted=True)
    # Running since before the period.
    _instance(cells, vcpus=1, memory_mb=512,
              launched_at=start - datetime.timedelta(hours=5))
    # Terminated before the period: not counted.
    _instance(cells, launched_at=start - datetime.timedelta(hours=5),
              terminated_at=start - datetime.timedelta(hours=1),
              deleted=True)
    _instance(cells, project='other', launched_at=start)
    end = now - datetime.timedelta(hours=2)
    query = '?start=%s&end=%s' % (start.isoformat(), end.isoformat())
    resp = client.request('GET', '/v2.1/os-simple-tenant-usage/demo' +
                          query)
    assert resp.status_int == 200
    usage = resp.json['tenant_usage']
    assert usage['tenant_id'] == 'demo'
    assert usage['total_hours'] == 10.0
    assert usage['total_vcpus_usage'] == 2 * 2 + 1 * 8
    assert usage['total_memory_mb_usage'] == 1024 * 2 + 512 * 8
    assert usage['total_local_gb_usage'] == 10.0
    assert usage['start'] == start.strftime('%Y-%m-%dT%H:%M:%S.%f')
    servers = usage['server_usages']
    assert sorted(s['state'] for s in servers) == ['active', 'terminated']
    assert sorted(servers[0]) == sorted([
        'ended_at', 'flavor', 'hours', 'instance_id', 'local_gb',
        'memory_mb', 'name', 'started_at', 'state', 'tenant_id', 'uptime',
        'vcpus'])
    assert servers[0]['flavor'] == 'm1.test'
    # Listing all projects is for administrators.
    assert client.request('GET', '/v2.1/os-simple-tenant-usage' +
                          query).status_int == 403
    listed = client.request('GET', '/v2.1/os-simple-tenant-usage' + query +
                            '&detailed=1', token=ADMIN).json
    by_project = {u['tenant_id']: u for u in listed['tenant_usages']}
    assert sorted(by_project) == ['demo', 'other']
    assert len(by_project['demo']['server_usages']) == 2
    plain = client.request('GET', '/v2.1/os-simple-tenant-usage' + query,
                           token=ADMIN).json['tenant_usages']
    assert 'server_usages' not in plain[0]
    assert client.request('GET', '/v2.1/os-simple-tenant-usage/other' +
                          query).status_int == 403
    bad = client.request('GET', '/v2.1/os-simple-tenant-usage/demo'
                         '?start=%s&end=%s' % (end.isoformat(),
                                               start.isoformat()))
    assert bad.status_int == 400


def test_simple_tenant_usage_with_empty_tenant_id_is_404(client, cells):
    # Tempest asks for os-simple-tenant-usage/ (an empty project id); it
    # names no project, and is not the list of every project.
    query = '?start=2024-01-01T00:00:00&end=2024-01-02T00:00:00'
    assert client.request('GET', '/v2.1/os-simple-tenant-usage/' + query,
                          token=ADMIN).status_int == 404
    assert client.request('GET', '/v2.1/os-simple-tenant-usage' + query,
                          token=ADMIN).status_int == 200


def test_simple_tenant_usage_paging_from_2_40(client, cells):
    now = datetime.datetime.utcnow().replace(microsecond=0)
    for hours in (5, 4, 3):
        _instance(cells, launched_at=now - datetime.timedelta(hours=hours))
    query = '/v2.1/os-simple-tenant-usage?start=%s' % (
        now - datetime.timedelta(hours=6)).isoformat()
    resp = client.request('GET', query + '&limit=2&detailed=1',
                          token=ADMIN, version='2.40')
    body = resp.json
    assert len(body['tenant_usages'][0]['server_usages']) == 2
    link = body['tenant_usages_links'][0]
    assert link['rel'] == 'next'
    marker = body['tenant_usages'][0]['server_usages'][1]['instance_id']
    assert 'marker=%s' % marker in link['href']
    rest = client.request('GET', query + '&limit=2&detailed=1&marker=' +
                          marker, token=ADMIN, version='2.40').json
    assert len(rest['tenant_usages'][0]['server_usages']) == 1
    assert 'tenant_usages_links' not in rest
    assert client.request('GET', query + '&marker=nope', token=ADMIN,
                          version='2.40').status_int == 400
    # Before 2.40 there is no paging.
    old = client.request('GET', query + '&limit=2&detailed=1',
                         token=ADMIN).json
    assert len(old['tenant_usages'][0]['server_usages']) == 3
    assert 'tenant_usages_links' not in old
