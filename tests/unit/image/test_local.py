"""The local directory image source and the nova.image.api face."""

import hashlib
import io
import json
import os
import re

import pytest

from nova import context as nova_context
from nova import exception
from nova.image import api as image_api
from nova.image import local

TIMESTAMP = re.compile(r'^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$')


def _ctx(project='p1', admin=False):
    return nova_context.RequestContext(user_id='u-' + project,
                                       project_id=project, is_admin=admin)


@pytest.fixture
def source(tmp_path):
    return local.LocalImageSource(str(tmp_path / 'images'))


@pytest.fixture
def admin():
    return nova_context.get_admin_context()


def test_create_with_data_writes_glance_shaped_record(source, tmp_path):
    data = b'x' * 3000000
    image = source.create(_ctx(), {'name': 'cirros', 'disk_format': 'qcow2',
                                   'min_ram': 64, 'min_disk': '1',
                                   'properties': {'hw_disk_bus': 'virtio',
                                                  'os_distro': None}},
                          data=data)
    assert image['status'] == 'active'
    assert image['visibility'] == 'private'
    assert image['owner'] == 'p1'
    assert image['size'] == len(data)
    assert image['checksum'] == hashlib.md5(data).hexdigest()
    assert image['os_hash_algo'] == 'sha512'
    assert image['os_hash_value'] == hashlib.sha512(data).hexdigest()
    assert image['container_format'] == 'bare'
    assert (image['min_ram'], image['min_disk']) == (64, 1)
    assert image['properties'] == {'hw_disk_bus': 'virtio', 'os_distro': ''}
    assert TIMESTAMP.match(image['created_at'])
    assert TIMESTAMP.match(image['updated_at'])
    directory = tmp_path / 'images'
    assert sorted(os.listdir(directory)) == [image['id'],
                                             image['id'] + '.json']
    assert (directory / image['id']).read_bytes() == data
    on_disk = json.loads((directory / (image['id'] + '.json')).read_text())
    assert on_disk == image


def test_create_from_file_object_and_download_to_path(source, tmp_path):
    image = source.create(_ctx(), {'name': 'f', 'visibility': 'public'},
                          data=io.BytesIO(b'hello'))
    assert source.download(_ctx('other'), image['id']) == b'hello'
    dst = tmp_path / 'copy'
    assert source.download(_ctx(), image['id'], dst_path=str(dst)) is None
    assert dst.read_bytes() == b'hello'


def test_unknown_keys_become_properties_and_computed_keys_are_ignored(
        source):
    image = source.create(_ctx(), {'name': 'n', 'architecture': 'x86_64',
                                   'size': 99, 'status': 'active'})
    assert image['properties'] == {'architecture': 'x86_64'}
    assert image['size'] is None
    assert image['status'] == 'queued'


def test_queued_image_cannot_be_downloaded_until_uploaded(source):
    image = source.create(_ctx(), {'name': 'q'})
    with pytest.raises(exception.ImageNotActive):
        source.download(_ctx(), image['id'])
    uploaded = source.upload(_ctx(), image['id'], [b'ab', b'cd'])
    assert uploaded['status'] == 'active' and uploaded['size'] == 4
    assert source.get(_ctx(), image['id'])['checksum'] == (
        hashlib.md5(b'abcd').hexdigest())
    with pytest.raises(exception.Conflict):
        source.upload(_ctx(), image['id'], b'again')


def test_private_image_is_visible_only_to_owner_and_admin(source, admin):
    image = source.create(_ctx('p1'), {'name': 'mine'}, data=b'1')
    assert source.get(_ctx('p1'), image['id'])['name'] == 'mine'
    assert source.get(admin, image['id'])['name'] == 'mine'
    with pytest.raises(exception.ImageNotFound):
        source.get(_ctx('p2'), image['id'])
    with pytest.raises(exception.ImageNotFound):
        source.download(_ctx('p2'), image['id'])
    assert source.get_all(_ctx('p2')) == []
    assert [i['id'] for i in source.get_all(_ctx('p1'))] == [image['id']]


def test_get_unknown_or_malformed_id_raises_not_found(source):
    with pytest.raises(exception.ImageNotFound):
        source.get(_ctx(), '6a3b5a3e-0000-4000-8000-000000000000')
    with pytest.raises(exception.ImageNotFound):
        source.get(_ctx(), '../../etc/passwd')


def test_create_with_given_id_and_duplicate(source):
    image_id = 'a0cb93b1-8d0a-4e28-9fb3-6d8c8b6a4b0e'
    image = source.create(_ctx(), {'id': image_id, 'name': 'x'}, data=b'1')
    assert image['id'] == image_id
    with pytest.raises(exception.ImageExists):
        source.create(_ctx(), {'id': image_id, 'name': 'y'}, data=b'2')
    with pytest.raises(exception.InvalidInput):
        source.create(_ctx(), {'id': 'not-a-uuid'})


@pytest.mark.parametrize('meta', [{'disk_format': 'floppy'},
                                  {'container_format': 'zip'},
                                  {'visibility': 'everyone'},
                                  {'min_ram': -1},
                                  {'min_disk': 'lots'}])
def test_invalid_metadata_is_refused(source, meta):
    with pytest.raises(exception.InvalidInput):
        source.create(_ctx(), dict(meta, name='bad'))


def test_get_all_filters_sorts_and_pages(source, admin):
    ids = []
    for name, size in (('c', 3), ('a', 1), ('b', 2)):
        image = source.create(_ctx(), {'name': name, 'visibility': 'public',
                                       'os_distro': 'cirros' if size < 3
                                       else 'ubuntu'},
                              data=b'z' * size)
        ids.append(image['id'])
    by_name = source.get_all(admin, sort_key='name', sort_dir='asc')
    assert [i['name'] for i in by_name] == ['a', 'b', 'c']
    page1 = source.get_all(admin, sort_key='name', sort_dir='asc', limit=2)
    page2 = source.get_all(admin, sort_key='name', sort_dir='asc', limit=2,
                           marker=page1[-1]['id'])
    assert [i['name'] for i in page1 + page2] == ['a', 'b', 'c']
    assert [i['name'] for i in source.get_all(
        admin, filters={'os_distro': 'cirros'}, sort_key='size',
        sort_dir='desc')] == ['b', 'a']
    assert [i['name'] for i in source.get_all(
        admin, filters={'size_min': 2, 'name': ['b', 'c', 'z']},
        sort_key='name', sort_dir='asc')] == ['b', 'c']
    with pytest.raises(exception.MarkerNotFound):
        source.get_all(admin, marker='0d5d5ec6-2b8e-4a4b-a7d5-1c2f0f9e4f10')
    with pytest.raises(exception.InvalidSortKey):
        source.get_all(admin, sort_key='checksum')


def test_delete_by_owner_and_admin_but_not_by_others(source, admin,
                                                     tmp_path):
    image = source.create(_ctx('p1'), {'name': 'pub',
                                       'visibility': 'public'}, data=b'1')
    with pytest.raises(exception.Forbidden):
        source.delete(_ctx('p2'), image['id'])
    source.delete(_ctx('p1'), image['id'])
    assert os.listdir(tmp_path / 'images') == []
    with pytest.raises(exception.ImageNotFound):
        source.delete(admin, image['id'])
    other = source.create(_ctx('p2'), {'name': 'x'}, data=b'1')
    source.delete(admin, other['id'])


def test_failed_write_leaves_no_image_and_no_temp_file(source, tmp_path):
    def broken():
        yield b'partial'
        raise IOError('disk on fire')

    with pytest.raises(IOError):
        source.create(_ctx(), {'name': 'broken'}, data=broken())
    assert os.listdir(tmp_path / 'images') == []
    assert source.get_all(_ctx()) == []


def test_stray_files_in_directory_are_ignored(source, tmp_path):
    source.create(_ctx(), {'name': 'ok'}, data=b'1')
    directory = tmp_path / 'images'
    (directory / 'README.json').write_text('{}')
    (directory / '.tmp-abc.json').write_text('{')
    (directory / '5f0e9a43-1111-4111-8111-111111111111.json').write_text('{')
    assert [i['name'] for i in source.get_all(_ctx())] == ['ok']


def test_empty_or_missing_directory_lists_nothing(source):
    assert source.get_all(_ctx()) == []


def test_api_uses_configured_local_dir(tmp_path):
    import nova.conf
    conf = nova.conf.CONF
    conf.set_override('local_dir', str(tmp_path / 'conf-images'),
                      group='image')
    try:
        api = image_api.API()
        image = api.create(_ctx(), {'name': 'via-api'}, data=b'data')
        assert api.get(_ctx(), image['id'])['name'] == 'via-api'
        assert [i['id'] for i in api.get_all(_ctx())] == [image['id']]
        assert api.download(_ctx(), image['id']) == b'data'
        api.delete(_ctx(), image['id'])
        assert api.get_all(_ctx()) == []
        assert (tmp_path / 'conf-images').is_dir()
    finally:
        conf.clear_override('local_dir', group='image')


def test_default_directory_is_under_state_path(tmp_path):
    import nova.conf
    conf = nova.conf.CONF
    conf.set_override('state_path', str(tmp_path))
    try:
        assert local.LocalImageSource().directory == str(tmp_path / 'images')
    finally:
        conf.clear_override('state_path')


def test_image_created_without_a_project_gets_the_default_owner(
        source, admin, conf):
    conf.config(local_default_owner='admin-project', group='image')
    image = source.create(admin, {'name': 'imported'}, data=b'1')
    assert image['owner'] == 'admin-project'
    # A project's own images stay its own.
    assert source.create(_ctx('p1'), {'name': 'n'})['owner'] == 'p1'
    # An owner given explicitly wins.
    assert source.create(admin, {'name': 'o', 'owner': 'p2'})['owner'] == 'p2'


def test_records_without_owner_or_fields_are_completed_on_read(
        source, admin, conf, tmp_path):
    # Written by an older version (or imported before a default owner was
    # configured): no owner, no hash fields.
    image = source.create(admin, {'name': 'old'}, data=b'1')
    assert image['owner'] is None
    path = tmp_path / 'images' / (image['id'] + '.json')
    record = json.loads(path.read_text())
    for key in ('os_hash_algo', 'os_hash_value', 'protected'):
        del record[key]
    path.write_text(json.dumps(record))
    conf.config(local_default_owner='admin-project', group='image')
    got = source.get(admin, image['id'])
    assert got['owner'] == 'admin-project'
    assert got['os_hash_algo'] is None and got['protected'] is False
    assert [i['id'] for i in source.get_all(
        admin, filters={'owner': 'admin-project'})] == [image['id']]
