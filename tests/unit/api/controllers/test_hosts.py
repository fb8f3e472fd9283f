"""os-hosts (until 2.43) over real databases."""

from nova import objects

ADMIN = 'admin:admin'


def test_list_hosts_by_zone(client, world, hosts):
    objects.Service(world.ctx, host='ctl', binary='nova-conductor',
                    topic='conductor', report_count=0).create()
    resp = client.request('GET', '/v2.1/os-hosts', token=ADMIN)
    assert resp.status_int == 200
    assert sorted((h['host_name'], h['service'], h['zone'])
                  for h in resp.json['hosts']) == [
        ('cmp1', 'compute', 'nova'), ('cmp2', 'compute', 'nova'),
        ('ctl', 'conductor', 'internal')]
    resp = client.request('GET', '/v2.1/os-hosts?zone=internal',
                          token=ADMIN)
    assert [h['host_name'] for h in resp.json['hosts']] == ['ctl']
    resp = client.request('GET', '/v2.1/os-hosts?zone=nowhere',
                          token=ADMIN)
    assert resp.json == {'hosts': []}
    assert client.request('GET', '/v2.1/os-hosts').status_int == 403
    assert client.request('GET', '/v2.1/os-hosts', token=ADMIN,
                          version='2.43').status_int == 404


def test_show_host_resources(client, world, hosts):
    world.server(host='cmp1')
    world.server(host='cmp1', project='other', user='other')
    resp = client.request('GET', '/v2.1/os-hosts/cmp1', token=ADMIN)
    assert resp.status_int == 200, resp.text
    rows = [r['resource'] for r in resp.json['host']]
    assert [r['project'] for r in rows] == [
        '(total)', '(used_now)', '(used_max)', 'demo', 'other']
    assert rows[0] == {'host': 'cmp1', 'project': '(total)', 'cpu': 4,
                       'memory_mb': 2048, 'disk_gb': 10}
    assert rows[2]['cpu'] == 2 and rows[2]['memory_mb'] == 1024
    assert client.request('GET', '/v2.1/os-hosts/nope',
                          token=ADMIN).status_int == 404


def test_update_and_power_actions(client, world, hosts):
    url = '/v2.1/os-hosts/cmp1'
    assert client.request('PUT', url, token=ADMIN, body={}).status_int == \
        400
    assert client.request('PUT', url, token=ADMIN,
                          body={'status': 'bogus'}).status_int == 400
    assert client.request('PUT', '/v2.1/os-hosts/nope', token=ADMIN,
                          body={'status': 'enable'}).status_int == 404
    assert client.request('PUT', url, token=ADMIN,
                          body={'status': 'enable'}).status_int == 501
    assert client.request('GET', url + '/reboot',
                          token=ADMIN).status_int == 501
    assert client.request('GET', url + '/reboot').status_int == 403
    assert client.request('GET', '/v2.1/os-hosts/nope/startup',
                          token=ADMIN).status_int == 404
