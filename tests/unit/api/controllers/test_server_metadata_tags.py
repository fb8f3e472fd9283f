"""/servers/{id}/metadata and /servers/{id}/tags over real databases."""

from nova import objects

TAGS = '2.26'


def _url(inst, *parts):
    return '/'.join(['/v2.1/servers', inst.uuid] + list(parts))


def test_metadata_list_merge_replace(client, world):
    inst = world.server(metadata={'a': '1'})
    resp = client.request('GET', _url(inst, 'metadata'))
    assert resp.status_int == 200
    assert resp.json == {'metadata': {'a': '1'}}
    resp = client.request('POST', _url(inst, 'metadata'),
                          body={'metadata': {'b': '2'}})
    assert resp.status_int == 200, resp.text
    assert resp.json == {'metadata': {'a': '1', 'b': '2'}}
    resp = client.request('PUT', _url(inst, 'metadata'),
                          body={'metadata': {'c': '3'}})
    assert resp.json == {'metadata': {'c': '3'}}
    stored = objects.Instance.get_by_uuid(world.cctx, inst.uuid)
    assert stored.metadata == {'c': '3'}


def test_metadata_item_show_set_delete(client, world):
    inst = world.server(metadata={'a': '1'})
    resp = client.request('GET', _url(inst, 'metadata', 'a'))
    assert resp.json == {'meta': {'a': '1'}}
    resp = client.request('GET', _url(inst, 'metadata', 'nope'))
    assert resp.status_int == 404
    assert resp.json['itemNotFound']['message'] == \
        'Metadata item was not found'
    resp = client.request('PUT', _url(inst, 'metadata', 'k'),
                          body={'meta': {'k': 'v'}})
    assert resp.status_int == 200 and resp.json == {'meta': {'k': 'v'}}
    resp = client.request('DELETE', _url(inst, 'metadata', 'a'))
    assert resp.status_int == 204
    resp = client.request('DELETE', _url(inst, 'metadata', 'a'))
    assert resp.status_int == 404
    assert objects.Instance.get_by_uuid(world.cctx,
                                        inst.uuid).metadata == {'k': 'v'}


def test_metadata_validation(client, world):
    inst = world.server()
    resp = client.request('PUT', _url(inst, 'metadata', 'k'),
                          body={'meta': {'other': 'v'}})
    assert resp.status_int == 400
    assert 'Request body and URI mismatch' in resp.text
    resp = client.request('PUT', _url(inst, 'metadata', 'k'),
                          body={'meta': {'k': 'v', 'j': 'w'}})
    assert resp.status_int == 400
    resp = client.request('POST', _url(inst, 'metadata'),
                          body={'metadata': {'x' * 256: 'v'}})
    assert resp.status_int == 400
    resp = client.request('POST', _url(inst, 'metadata'),
                          body={'metadata': {'': 'v'}})
    assert resp.status_int == 400
    resp = client.request('POST', _url(inst, 'metadata'),
                          body={'metadata': {'k': 'v' * 256}})
    assert resp.status_int == 400


def test_metadata_quota_is_403(client, world):
    inst = world.server()
    too_many = {'k%d' % i: 'v' for i in range(129)}
    resp = client.request('PUT', _url(inst, 'metadata'),
                          body={'metadata': too_many})
    assert resp.status_int == 403, resp.text
    assert objects.Instance.get_by_uuid(world.cctx,
                                        inst.uuid).metadata == {}


def test_metadata_change_refused_while_busy(client, world):
    inst = world.server(task_state='rebooting')
    resp = client.request('POST', _url(inst, 'metadata'),
                          body={'metadata': {'a': 'b'}})
    assert resp.status_int == 409
    inst = world.server(vm_state='building', host=None)
    resp = client.request('DELETE', _url(inst, 'metadata', 'a'))
    assert resp.status_int == 409


def test_metadata_other_project_is_404(client, world):
    inst = world.server(project='other')
    assert client.request('GET', _url(inst, 'metadata')).status_int == 404


def test_tags_need_2_26(client, world):
    inst = world.server()
    assert client.request('GET', _url(inst, 'tags'),
                          version='2.25').status_int == 404


def test_tags_lifecycle(client, world):
    inst = world.server()
    resp = client.request('GET', _url(inst, 'tags'), version=TAGS)
    assert resp.json == {'tags': []}
    resp = client.request('PUT', _url(inst, 'tags', 'blue'), version=TAGS)
    assert resp.status_int == 201
    assert resp.headers['Location'].endswith(
        '/servers/%s/tags/blue' % inst.uuid)
    resp = client.request('PUT', _url(inst, 'tags', 'blue'), version=TAGS)
    assert resp.status_int == 204
    assert client.request('GET', _url(inst, 'tags', 'blue'),
                          version=TAGS).status_int == 204
    assert client.request('GET', _url(inst, 'tags', 'red'),
                          version=TAGS).status_int == 404
    resp = client.request('PUT', _url(inst, 'tags'), version=TAGS,
                          body={'tags': ['b', 'a', 'a']})
    assert resp.status_int == 200 and resp.json == {'tags': ['a', 'b']}
    resp = client.request('DELETE', _url(inst, 'tags', 'a'), version=TAGS)
    assert resp.status_int == 204
    resp = client.request('DELETE', _url(inst, 'tags', 'a'), version=TAGS)
    assert resp.status_int == 404
    stored = objects.Instance.get_by_uuid(world.cctx, inst.uuid)
    assert stored.tags.names() == ['b']
    resp = client.request('DELETE', _url(inst, 'tags'), version=TAGS)
    assert resp.status_int == 204
    assert client.request('GET', _url(inst, 'tags'),
                          version=TAGS).json == {'tags': []}


def test_tag_validation_and_limit(client, world):
    inst = world.server()
    resp = client.request('PUT', _url(inst, 'tags', 'a,b'), version=TAGS)
    assert resp.status_int == 400
    resp = client.request('PUT', _url(inst, 'tags', 'x' * 61), version=TAGS)
    assert resp.status_int == 400
    resp = client.request('PUT', _url(inst, 'tags'), version=TAGS,
                          body={'tags': ['t%d' % i for i in range(51)]})
    assert resp.status_int == 400
    resp = client.request('PUT', _url(inst, 'tags'), version=TAGS,
                          body={'tags': ['t%d' % i for i in range(50)]})
    assert resp.status_int == 200
    resp = client.request('PUT', _url(inst, 'tags', 'one-more'),
                          version=TAGS)
    assert resp.status_int == 400
    assert 'per-server limit 50' in resp.text


def test_tags_refused_while_building(client, world):
    inst = world.server(vm_state='building', host=None)
    resp = client.request('PUT', _url(inst, 'tags', 'x'), version=TAGS)
    assert resp.status_int == 409


def test_tag_list_filters(world):
    a = world.server()
    b = world.server()
    c = world.server()
    objects.TagList.create(world.cctx, a.uuid, ['red', 'big'])
    objects.TagList.create(world.cctx, b.uuid, ['red'])

    def uuids(**filters):
        found = objects.InstanceList.get_by_filters(world.cctx, filters)
        return {i.uuid for i in found}

    assert uuids(tags='red,big') == {a.uuid}
    assert uuids(**{'tags-any': 'big,red'}) == {a.uuid, b.uuid}
    assert uuids(**{'not-tags': 'red,big'}) == {b.uuid, c.uuid}
    assert uuids(**{'not-tags-any': 'big,red'}) == {c.uuid}


def test_instance_created_with_tags(world):
    inst = objects.Instance(
        world.cctx, uuid='7b0b3a52-1f43-4c55-9d3e-0e8a7f3a2b11',
        user_id='demo', project_id='demo', vm_state='building',
        flavor=world.flavor, metadata={}, system_metadata={},
        tags=objects.TagList.from_names(world.cctx, 'x', ['b', 'a']))
    inst.create()
    assert inst.tags.names() == ['a', 'b']
    again = objects.Instance.get_by_uuid(world.cctx, inst.uuid)
    assert again.tags.names() == ['a', 'b']


def test_destroy_drops_tags_and_console_tokens(world):
    inst = world.server()
    objects.TagList.create(world.cctx, inst.uuid, ['x'])
    token = objects.ConsoleAuthToken(
        world.cctx, console_type='serial', host='cmp1', port=1,
        instance_uuid=inst.uuid).authorize(600)
    objects.Instance.get_by_uuid(world.cctx, inst.uuid).destroy()
    import pytest
    from nova import exception
    with pytest.raises(exception.ConsoleAuthTokenNotFound):
        objects.ConsoleAuthToken.validate(world.cctx, token)
    from nova.db.main import tags as tags_db
    assert tags_db.tag_get_by_instances(world.cctx, [inst.uuid]) == {
        inst.uuid: []}


def test_build_request_tag_filters():
    from nova.objects import build_request
    inst = objects.Instance(tags=objects.TagList.from_names(
        None, 'u', ['a', 'b']))
    assert build_request._matches(inst, {'tags': 'a,b'})
    assert not build_request._matches(inst, {'tags': 'a,c'})
    assert build_request._matches(inst, {'tags-any': 'c,b'})
    assert not build_request._matches(inst, {'not-tags-any': 'b'})
    assert build_request._matches(inst, {'not-tags': 'a,c'})
