"""Request schemas of createImage, createBackup, rebuild and unshelve by
microversion, and the rebuild response."""

import pytest

from nova.api.schemas.actions import images
from nova.api import microversions as mv
from nova.api import validation
from nova import exception
# The compute fixture of the server tests, used by name.
from tests.unit.api.controllers.test_servers import compute  # noqa: F401
from tests.unit.api.controllers.test_servers import IMAGE
from tests.unit.api.controllers.test_servers import UUID


def _ok(body, schema):
    validation.check(body, schema)


def _bad(body, schema):
    with pytest.raises(exception.ValidationError):
        validation.check(body, schema)


def test_create_image_and_backup_bodies():
    _ok({'createImage': {'name': 'snap', 'metadata': {'a': 'b'}}},
        images.create_image)
    _bad({'createImage': {}}, images.create_image)
    _bad({'createImage': {'name': 'x', 'extra': 1}}, images.create_image)
    _ok({'createBackup': {'name': 'b', 'backup_type': 'daily',
                          'rotation': '2'}}, images.create_backup)
    _bad({'createBackup': {'name': 'b', 'backup_type': 'daily',
                           'rotation': -1}}, images.create_backup)
    _bad({'createBackup': {'name': 'b', 'rotation': 1}},
         images.create_backup)


@pytest.mark.parametrize('field,value,since', [
    ('description', 'd', '2.19'),
    ('key_name', None, '2.54'),
    ('user_data', 'aGk=', '2.57'),
    ('trusted_image_certificates', ['c'], '2.63'),
    ('hostname', 'host-1', '2.90'),
])
def test_rebuild_fields_arrive_with_their_version(field, value, since):
    major, minor = since.split('.')
    before = mv.APIVersion('%s.%d' % (major, int(minor) - 1))
    body = {'rebuild': {'imageRef': 'img', field: value}}
    _bad(body, images.rebuild(before))
    _ok(body, images.rebuild(mv.APIVersion(since)))


def test_personality_goes_at_2_57():
    body = {'rebuild': {'imageRef': 'img', 'personality': [
        {'path': '/etc/x', 'contents': 'aGk='}]}}
    _ok(body, images.rebuild(mv.APIVersion('2.56')))
    _bad(body, images.rebuild(mv.APIVersion('2.57')))


def test_unshelve_bodies_by_version():
    v276, v277, v291 = (mv.APIVersion(v) for v in ('2.76', '2.77', '2.91'))
    # Before 2.77 the value is not read: null, {} (Tempest) or anything.
    _ok({'unshelve': None}, images.unshelve(v276))
    _ok({'unshelve': {}}, images.unshelve(v276))
    _ok({'unshelve': {'availability_zone': 'az'}},
        images.unshelve(v276))
    _bad({'unshelve': {}}, images.unshelve(v277))
    _ok({'unshelve': {'availability_zone': 'az'}},
        images.unshelve(v277))
    _bad({'unshelve': {'host': 'h'}}, images.unshelve(v277))
    _ok({'unshelve': {'host': 'h'}}, images.unshelve(v291))
    _ok({'unshelve': {'availability_zone': None}},
        images.unshelve(v291))
    _bad({'unshelve': {}}, images.unshelve(v291))


@pytest.fixture
def rebuilt(compute, monkeypatch):
    inst = compute.instances[UUID]
    inst.user_data = 'aGk='

    def rebuild(ctx, instance, image_id, password, **kwargs):
        compute.calls['rebuild'] = dict(kwargs, image=image_id)
        return instance
    monkeypatch.setattr(compute, 'rebuild', rebuild, raising=False)
    return compute


def _rebuild(client, version, token='demo:demo'):
    return client.request('POST', '/v2.1/servers/%s/action' % UUID,
                          body={'rebuild': {'imageRef': IMAGE}},
                          version=version, token=token)


@pytest.mark.parametrize('version', ['2.57', '2.74', '2.75', '2.96',
                                     '2.98', '2.100', 'latest'])
def test_rebuild_answers_user_data_from_2_57(client, rebuilt, version):
    resp = _rebuild(client, version, token='admin:admin')
    assert resp.status_int == 202, resp.text
    server = resp.json['server']
    assert server['user_data'] == 'aGk='
    # From 2.75 the body is the show view, without its admin-only copy.
    assert 'OS-EXT-SRV-ATTR:user_data' not in server
    assert server['adminPass']


def test_rebuild_full_view_from_2_75(client, rebuilt):
    server = _rebuild(client, '2.100').json['server']
    assert server['user_data'] == 'aGk='
    assert server['pinned_availability_zone'] is None
    assert server['scheduler_hints'] == {}
    assert 'properties' in server['image']
    assert 'OS-EXT-STS:vm_state' in server


def test_rebuild_before_2_57_has_no_user_data(client, rebuilt):
    server = _rebuild(client, '2.56').json['server']
    assert 'user_data' not in server
    assert 'key_name' in server


def _rebuild_with(client, version, personality):
    return client.request('POST', '/v2.1/servers/%s/action' % UUID,
                          body={'rebuild': {'imageRef': IMAGE,
                                            'personality': personality}},
                          version=version)


def test_rebuild_passes_personality_before_2_57(client, rebuilt):
    resp = _rebuild_with(client, '2.56',
                         [{'path': '/etc/x', 'contents': 'aGk='}])
    assert resp.status_int == 202, resp.text
    assert rebuilt.calls['rebuild']['files_to_inject'] == [('/etc/x',
                                                            'aGk=')]


@pytest.mark.parametrize('version,personality', [
    ('2.57', [{'path': '/etc/x', 'contents': 'aGk='}]),
    ('2.56', [{'path': '/etc/x'}]),
    ('2.56', [{'contents': 'aGk='}]),
    ('2.56', [{'path': '/etc/x', 'contents': 'aGk=', 'mode': '0644'}]),
    ('2.56', {'path': '/etc/x', 'contents': 'aGk='}),
])
def test_rebuild_refuses_bad_personality(client, rebuilt, version,
                                         personality):
    resp = _rebuild_with(client, version, personality)
    assert resp.status_int == 400, resp.text
    assert resp.json['badRequest']['code'] == 400
    assert 'rebuild' not in rebuilt.calls


@pytest.mark.parametrize('error,status', [
    (exception.OnsetFileContentLimitExceeded(allowed=10240), 403),
    (exception.Base64Exception(path='/etc/x'), 400),
])
def test_rebuild_personality_refusals_are_faults(client, rebuilt,
                                                 monkeypatch, error,
                                                 status):
    def rebuild(ctx, instance, image_id, password, **kwargs):
        raise error
    monkeypatch.setattr(rebuilt, 'rebuild', rebuild)
    resp = _rebuild_with(client, '2.56',
                         [{'path': '/etc/x', 'contents': 'aGk='}])
    assert resp.status_int == status
    name = 'forbidden' if status == 403 else 'badRequest'
    assert resp.json == {name: {'code': status,
                                'message': error.format_message()}}


NW_INFO = [{'address': 'fa:16:3e:00:00:01', 'network': {
    'label': 'net', 'subnets': [{'ips': [{'address': '10.0.0.3'}]}]}}]


class _NetworkAPI:
    def get_instance_nw_info(self, ctx, inst):
        return NW_INFO


@pytest.mark.parametrize('version,extended', [('2.1', False),
                                              ('2.74', False),
                                              ('2.75', True)])
def test_rebuild_addresses_extended_from_2_75(client, rebuilt, monkeypatch,
                                              version, extended):
    # Upstream's rebuild answers plain addresses before 2.75 (Tempest's
    # rebuild schema refuses OS-EXT-IPS there); from 2.75 the show view.
    from nova.api.controllers import servers
    monkeypatch.setattr(servers, 'network_api', _NetworkAPI)
    server = _rebuild(client, version).json['server']
    entry = server['addresses']['net'][0]
    assert entry['addr'] == '10.0.0.3'
    assert ('OS-EXT-IPS:type' in entry) is extended
    assert ('OS-EXT-IPS-MAC:mac_addr' in entry) is extended


def _rebuild_disk_config(client, value):
    return client.request('POST', '/v2.1/servers/%s/action' % UUID,
                          body={'rebuild': {'imageRef': IMAGE,
                                            'OS-DCF:diskConfig': value}})


@pytest.mark.parametrize('value,wanted', [('AUTO', True),
                                          ('MANUAL', False)])
def test_rebuild_passes_disk_config_and_answers_it(client, rebuilt,
                                                   monkeypatch, value,
                                                   wanted):
    def rebuild(ctx, instance, image_id, password, **kwargs):
        rebuilt.calls['rebuild'] = kwargs
        instance.auto_disk_config = kwargs['auto_disk_config']
        return instance
    monkeypatch.setattr(rebuilt, 'rebuild', rebuild)
    resp = _rebuild_disk_config(client, value)
    assert resp.status_int == 202, resp.text
    assert rebuilt.calls['rebuild']['auto_disk_config'] is wanted
    assert resp.json['server']['OS-DCF:diskConfig'] == value


def test_rebuild_without_disk_config_leaves_it_to_the_image(client,
                                                            rebuilt):
    assert _rebuild(client, '2.1').status_int == 202
    assert 'auto_disk_config' not in rebuilt.calls['rebuild']


def test_rebuild_refused_by_the_image_is_400(client, rebuilt, monkeypatch):
    def rebuild(ctx, instance, image_id, password, **kwargs):
        raise exception.AutoDiskConfigDisabledByImage(image=image_id)
    monkeypatch.setattr(rebuilt, 'rebuild', rebuild)
    resp = _rebuild_disk_config(client, 'AUTO')
    assert resp.status_int == 400
    assert resp.json['badRequest']['message'] == (
        'Requested image %s has automatic disk resize disabled.' % IMAGE)
