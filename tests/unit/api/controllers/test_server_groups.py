"""os-server-groups against real SQLite databases."""

import uuid

from nova import objects

ADMIN = 'admin:admin'
URL = '/v2.1/os-server-groups'


def _create(client, name='g1', version=None, token='demo:demo', **fields):
    body = {'server_group': dict(name=name, **fields)}
    return client.request('POST', URL, body, token=token, version=version)


def test_create_with_policies_before_2_64(client, cells):
    resp = _create(client, policies=['anti-affinity'])
    assert resp.status_int == 200
    group = resp.json['server_group']
    assert sorted(group) == ['id', 'members', 'metadata', 'name',
                             'policies']
    assert (group['policies'], group['members'], group['metadata']) == (
        ['anti-affinity'], [], {})
    assert uuid.UUID(group['id'])
    # Soft policies need 2.15; one policy only.
    assert _create(client, policies=['soft-affinity']).status_int == 400
    assert _create(client, policies=['soft-affinity'],
                   version='2.15').status_int == 200
    assert _create(client, policies=['affinity', 'anti-affinity'],
                   version='2.15').status_int == 400
    assert _create(client, policies=[]).status_int == 400
    assert _create(client, policy='affinity').status_int == 400
    group = _create(client, policies=['affinity'],
                    version='2.13').json['server_group']
    assert (group['project_id'], group['user_id']) == ('demo', 'demo')


def test_create_with_policy_and_rules_from_2_64(client, cells):
    resp = _create(client, policy='anti-affinity',
                   rules={'max_server_per_host': 2}, version='2.64')
    assert resp.status_int == 200
    group = resp.json['server_group']
    assert sorted(group) == ['id', 'members', 'name', 'policy',
                             'project_id', 'rules', 'user_id']
    assert group['rules'] == {'max_server_per_host': 2}
    stored = objects.InstanceGroup.get_by_uuid(cells.context, group['id'])
    assert stored.rules == {'max_server_per_host': '2'}
    assert _create(client, policy='affinity',
                   rules={'max_server_per_host': 2},
                   version='2.64').status_int == 400
    assert _create(client, policy='anti-affinity',
                   rules={'max_server_per_host': 0},
                   version='2.64').status_int == 400
    assert _create(client, policy='anti-affinity', rules={'other': 1},
                   version='2.64').status_int == 400
    assert _create(client, policies=['affinity'],
                   version='2.64').status_int == 400
    group = _create(client, policy='soft-affinity',
                    version='2.64').json['server_group']
    assert group['rules'] == {}


def test_show_delete_and_project_isolation(client, cells):
    group = _create(client, policies=['affinity']).json['server_group']
    url = '%s/%s' % (URL, group['id'])
    assert client.request('GET', url).json['server_group'] == group
    other = 'alt:alt'
    assert client.request('GET', url, token=other).status_int == 404
    assert client.request('DELETE', url, token=other).status_int == 404
    assert client.request('GET', url, token=ADMIN).status_int == 200
    resp = client.request('DELETE', url)
    assert resp.status_int == 204
    assert client.request('GET', url).status_int == 404
    assert client.request('GET', '%s/%s' % (URL, uuid.uuid4())
                          ).status_int == 404


def test_members_are_shown_until_deleted(client, cells):
    group = _create(client, policies=['affinity']).json['server_group']
    member, gone = str(uuid.uuid4()), str(uuid.uuid4())
    for instance_uuid, deleted in ((member, False), (gone, True)):
        objects.InstanceMapping(
            cells.context, instance_uuid=instance_uuid, project_id='demo',
            user_id='demo', cell_mapping=cells.cell1,
            queued_for_delete=deleted).create()
    objects.InstanceGroup.add_members(cells.context, group['id'],
                                      [member, gone])
    shown = client.request('GET', '%s/%s' % (URL, group['id'])).json
    assert shown['server_group']['members'] == [member]


def test_list_own_all_projects_and_paging(client, cells):
    for i in range(3):
        _create(client, 'g%d' % i, policies=['affinity'])
    _create(client, 'alt', policies=['affinity'], token='alt:alt')
    names = lambda resp: [g['name'] for g in resp.json['server_groups']]
    assert names(client.request('GET', URL)) == ['g0', 'g1', 'g2']
    # all_projects is for admins; others get their own groups.
    assert names(client.request('GET', URL + '?all_projects=True')) == [
        'g0', 'g1', 'g2']
    assert names(client.request('GET', URL + '?all_projects=True',
                                token=ADMIN)) == ['g0', 'g1', 'g2', 'alt']
    assert names(client.request('GET', URL + '?limit=1&offset=1')) == [
        'g1']
    assert client.request('GET', URL + '?limit=-1').status_int == 400
    assert client.request('GET', URL + '?foo=1',
                          version='2.75').status_int == 400


def test_quota_on_number_of_groups(client, cells):
    for i in range(10):
        assert _create(client, 'g%d' % i,
                       policies=['affinity']).status_int == 200
    resp = _create(client, 'one-too-many', policies=['affinity'])
    assert resp.status_int == 403
