import base64

import pytest

from nova import exception
from nova import objects
from tests.unit.api.conftest import make_flavor
from tests.unit.api.conftest import make_instance

UUID = '6e3f2a36-7d50-4c41-8c3a-0fe1a4f4d0c1'
IMAGE = '155d900f-4e14-4e4c-a73d-069cbf4541e6'


class FakeComputeAPI:
    def __init__(self):
        self.instances = {UUID: make_instance(UUID)}
        self.calls = {}
        # Server group uuid by member (InstanceGroup.get_by_instance_uuid).
        self.groups = {}
        # Partial instances of servers in an unreachable cell, by uuid.
        self.down = {}
        # Request specs by instance uuid.
        self.specs = {UUID: objects.RequestSpec(
            instance_uuid=UUID, availability_zone=None,
            scheduler_hints={})}

    def create(self, ctx, flavor, image_href, **kwargs):
        self.calls['create'] = dict(kwargs, flavor=flavor, image=image_href)
        inst = make_instance('0f5a93e0-58a6-4d4a-9b4b-0a6b8f0e7c11',
                             vm_state='building', host=None,
                             auto_disk_config=bool(
                                 kwargs.get('auto_disk_config')))
        return [inst], 'r-abc'

    def get(self, ctx, uuid, expected_attrs=None, cell_down_support=False):
        if uuid in self.down:
            if not cell_down_support:
                raise exception.CellUnavailable(cell_uuid='cell-down')
            return self.down[uuid]
        if uuid not in self.instances:
            raise exception.InstanceNotFound(instance_id=uuid)
        return self.instances[uuid]

    def get_all(self, ctx, search_opts=None, limit=None, marker=None,
                sort_keys=None, sort_dirs=None, cell_down_support=False):
        self.calls['get_all'] = dict(search_opts=search_opts, limit=limit,
                                     marker=marker, sort_keys=sort_keys,
                                     sort_dirs=sort_dirs)
        found = list(self.instances.values())
        if cell_down_support:
            found += list(self.down.values())
        return found[:limit]

    def update_instance(self, ctx, inst, updates):
        self.calls['update'] = updates
        for key, value in updates.items():
            setattr(inst, key, value)
        return inst

    def delete(self, ctx, inst):
        self.calls['delete'] = inst.uuid

    def spec(self, uuid):
        if uuid not in self.specs:
            raise exception.RequestSpecNotFound(instance_uuid=uuid)
        return self.specs[uuid]

    def group_of(self, ctx, instance_uuid):
        if instance_uuid not in self.groups:
            raise exception.InstanceGroupNotFound(group_uuid=instance_uuid)
        return objects.InstanceGroup(uuid=self.groups[instance_uuid])


@pytest.fixture
def compute(monkeypatch):
    fake = FakeComputeAPI()
    from nova.api.controllers import servers
    monkeypatch.setattr(servers, 'compute_api', lambda: fake)
    monkeypatch.setattr(objects.Flavor, 'get_by_flavor_id', classmethod(
        lambda cls, ctx, fid: make_flavor(fid) if fid == '1' else
        (_ for _ in ()).throw(exception.FlavorNotFound(flavor_id=fid))))
    monkeypatch.setattr(objects.ServiceList, 'get_by_binary', classmethod(
        lambda cls, ctx, binary: []))
    monkeypatch.setattr(objects.RequestSpecList, 'get_by_instance_uuids',
                        classmethod(lambda cls, ctx, uuids: [
                            fake.specs[u] for u in uuids
                            if u in fake.specs]))
    monkeypatch.setattr(objects.RequestSpec, 'get_by_instance_uuid',
                        classmethod(lambda cls, ctx, uuid: fake.spec(uuid)))
    monkeypatch.setattr(objects.RequestSpec, 'save', lambda self: None)
    monkeypatch.setattr(objects.InstanceGroup, 'get_by_instance_uuid',
                        classmethod(lambda cls, ctx, uuid:
                                    fake.group_of(ctx, uuid)))
    return fake


def _boot(**server):
    body = {'name': 'vm', 'flavorRef': '1', 'imageRef': IMAGE}
    body.update(server)
    return {'server': body}


def test_create_returns_202_with_password(client, compute):
    resp = client.request('POST', '/v2.1/servers', body=_boot())
    assert resp.status_int == 202, resp.text
    server = resp.json['server']
    assert set(server) == {'id', 'links', 'adminPass', 'OS-DCF:diskConfig',
                           'security_groups'}
    assert resp.headers['Location'].endswith('/v2.1/servers/' + server['id'])
    assert compute.calls['create']['admin_password'] == server['adminPass']


def test_create_reservation_id(client, compute):
    resp = client.request('POST', '/v2.1/servers',
                          body=_boot(return_reservation_id=True,
                                     min_count=2, max_count='3'))
    assert resp.json == {'reservation_id': 'r-abc'}
    assert compute.calls['create']['min_count'] == 2
    assert compute.calls['create']['max_count'] == 3


def test_create_passes_personality_before_2_57(client, compute):
    files = [{'path': '/etc/motd', 'contents': 'aGk='},
             {'path': 'rel.txt', 'contents': ''}]
    resp = client.request('POST', '/v2.1/servers',
                          body=_boot(personality=files, networks='none'),
                          version='2.56')
    assert resp.status_int == 202, resp.text
    assert compute.calls['create']['files_to_inject'] == [
        ('/etc/motd', 'aGk='), ('rel.txt', '')]


def test_create_without_personality_injects_nothing(client, compute):
    resp = client.request('POST', '/v2.1/servers',
                          body=_boot(networks='none'), version='2.56')
    assert resp.status_int == 202, resp.text
    assert not compute.calls['create'].get('files_to_inject')


@pytest.mark.parametrize('version,personality', [
    ('2.57', [{'path': '/etc/motd', 'contents': 'aGk='}]),
    ('2.100', []),
    ('2.56', [{'path': '/etc/motd'}]),
    ('2.56', [{'path': 5, 'contents': 'aGk='}]),
    ('2.56', [{'path': '/etc/motd', 'contents': None}]),
    ('2.56', 'aGk='),
])
def test_create_refuses_bad_personality(client, compute, version,
                                        personality):
    resp = client.request('POST', '/v2.1/servers',
                          body=_boot(personality=personality,
                                     networks='none'),
                          version=version)
    assert resp.status_int == 400, resp.text
    assert resp.json['badRequest']['code'] == 400
    assert 'create' not in compute.calls


@pytest.mark.parametrize('error,status', [
    (exception.OnsetFileLimitExceeded(), 403),
    (exception.OnsetFilePathLimitExceeded(allowed=255), 403),
    (exception.Base64Exception(path='/etc/motd'), 400),
])
def test_create_personality_refusals_are_faults(client, compute,
                                                monkeypatch, error, status):
    def create(ctx, flavor, image_href, **kwargs):
        raise error
    monkeypatch.setattr(compute, 'create', create)
    resp = client.request('POST', '/v2.1/servers', body=_boot(
        personality=[{'path': '/etc/motd', 'contents': 'aGk='}],
        networks='none'), version='2.56')
    assert resp.status_int == status
    name = 'forbidden' if status == 403 else 'badRequest'
    assert resp.json == {name: {'code': status,
                                'message': error.format_message()}}


def test_create_passes_hints_and_networks(client, compute):
    body = _boot(networks='none')
    body['os:scheduler_hints'] = {'group': 'g1'}
    resp = client.request('POST', '/v2.1/servers', body=body,
                          version='2.37')
    assert resp.status_int == 202, resp.text
    assert compute.calls['create']['scheduler_hints'] == {'group': 'g1'}
    assert compute.calls['create']['requested_networks'] == [{'uuid': 'none'}]


def test_create_validation(client, compute):
    bad = [
        _boot(name=''),
        _boot(user_data='not base64!'),
        _boot(min_count=0),
        _boot(accessIPv4='1.2.3'),
        _boot(description='d'),               # only from 2.19
        {'server': {'name': 'vm'}},
    ]
    for body in bad:
        resp = client.request('POST', '/v2.1/servers', body=body)
        assert resp.status_int == 400, body
        assert 'badRequest' in resp.json
    resp = client.request('POST', '/v2.1/servers', body=_boot(),
                          version='2.37')
    assert "'networks' is a required property" in resp.text
    resp = client.request('POST', '/v2.1/servers',
                          body=_boot(min_count=3, max_count=2))
    assert resp.status_int == 400


def test_create_good_user_data_and_unknown_flavor(client, compute):
    data = base64.b64encode(b'#!/bin/sh\n').decode()
    resp = client.request('POST', '/v2.1/servers',
                          body=_boot(user_data=data))
    assert resp.status_int == 202
    resp = client.request('POST', '/v2.1/servers',
                          body=_boot(flavorRef='99'))
    assert resp.status_int == 400
    assert resp.json['badRequest']['message'] == (
        'Invalid flavorRef provided.')


def test_show_fields_at_2_1(client, compute):
    server = client.request('GET', '/v2.1/servers/' + UUID).json['server']
    assert server['status'] == 'ACTIVE'
    assert server['flavor'] == {'id': '1', 'links': [
        {'rel': 'bookmark', 'href': 'http://localhost/flavors/1'}]}
    assert server['image']['id'] == IMAGE
    assert server['addresses'] == {}
    assert server['OS-EXT-STS:vm_state'] == 'active'
    assert server['created'] == '2024-05-01T12:00:00Z'
    assert server['progress'] == 0
    assert len(server['hostId']) == 56
    assert 'OS-EXT-SRV-ATTR:host' not in server
    for later in ('locked', 'description', 'tags', 'host_status'):
        assert later not in server


def test_show_fields_at_latest_for_admin(client, compute):
    resp = client.request('GET', '/v2.1/servers/' + UUID,
                          token='admin:admin', version='latest')
    server = resp.json['server']
    assert server['OS-EXT-SRV-ATTR:host'] == 'cmp1'
    assert server['OS-EXT-SRV-ATTR:instance_name'] == 'instance-00000001'
    assert server['OS-EXT-SRV-ATTR:reservation_id'] == 'r-1'
    assert server['locked'] is False
    assert server['locked_reason'] is None
    assert server['description'] is None
    assert server['tags'] == []
    assert server['host_status'] == 'UNKNOWN'
    assert server['flavor']['original_name'] == 'm1.tiny'
    assert server['flavor']['ram'] == 512
    assert server['image']['properties'] == {}
    assert server['pinned_availability_zone'] is None
    assert server['scheduler_hints'] == {}
    assert server['server_groups'] == []


def test_boot_from_volume_image_is_empty_string(client, compute):
    compute.instances[UUID].image_ref = ''
    server = client.request('GET', '/v2.1/servers/' + UUID).json['server']
    assert server['image'] == ''


def test_error_server_shows_fault(client, compute):
    inst = compute.instances[UUID]
    inst.vm_state = 'error'
    inst.fault = objects.InstanceFault(code=500, message='boom',
                                       details='trace', created_at=None)
    server = client.request('GET', '/v2.1/servers/' + UUID).json['server']
    assert server['status'] == 'ERROR'
    assert server['fault']['message'] == 'boom'
    assert 'details' not in server['fault']
    assert 'progress' not in server


def test_show_unknown_is_404(client, compute):
    resp = client.request('GET', '/v2.1/servers/nope')
    assert resp.status_int == 404


def test_list_scopes_to_project_and_links(client, compute):
    resp = client.request('GET', '/v2.1/servers?limit=1&name=vm')
    assert resp.json['servers'][0] == {
        'id': UUID, 'name': 'vm1',
        'links': [{'rel': 'self',
                   'href': 'http://localhost/v2.1/servers/' + UUID},
                  {'rel': 'bookmark',
                   'href': 'http://localhost/servers/' + UUID}]}
    assert 'marker=' + UUID in resp.json['servers_links'][0]['href']
    opts = compute.calls['get_all']['search_opts']
    assert opts == {'name': 'vm', 'project_id': 'demo'}


def test_list_admin_filters(client, compute):
    client.request('GET', '/v2.1/servers/detail?host=cmp1&status=active'
                   '&all_tenants=1&project_id=p2', token='admin:admin')
    opts = compute.calls['get_all']['search_opts']
    assert opts['host'] == 'cmp1'
    assert opts['project_id'] == 'p2'
    assert opts['vm_state'] == ['active']


def test_list_non_admin_host_filter_dropped(client, compute):
    client.request('GET', '/v2.1/servers?host=cmp1')
    assert 'host' not in compute.calls['get_all']['search_opts']


def test_list_unknown_status(client, compute):
    resp = client.request('GET', '/v2.1/servers?status=bogus')
    assert resp.json == {'servers': []}
    resp = client.request('GET', '/v2.1/servers?status=bogus',
                          version='2.38')
    assert resp.status_int == 400


def test_list_changes_since_parsed(client, compute):
    resp = client.request('GET',
                          '/v2.1/servers?changes-since=2024-01-01T00:00:00Z')
    assert resp.status_int == 200
    assert compute.calls['get_all']['search_opts'][
        'changes-since'].year == 2024
    resp = client.request('GET', '/v2.1/servers?changes-since=yesterday')
    assert resp.status_int == 400


def test_list_sort_params(client, compute):
    client.request('GET', '/v2.1/servers?sort_key=display_name&sort_dir=asc')
    assert compute.calls['get_all']['sort_keys'] == ['display_name']
    assert compute.calls['get_all']['sort_dirs'] == ['asc']
    resp = client.request('GET', '/v2.1/servers?sort_key=bogus')
    assert resp.status_int == 400


def test_update_renames(client, compute):
    resp = client.request('PUT', '/v2.1/servers/' + UUID,
                          body={'server': {'name': 'new',
                                           'description': 'desc'}},
                          version='2.19')
    assert resp.status_int == 200
    assert compute.calls['update'] == {'display_name': 'new',
                                       'display_description': 'desc'}
    assert resp.json['server']['name'] == 'new'
    assert 'OS-EXT-STS:vm_state' not in resp.json['server']
    resp = client.request('PUT', '/v2.1/servers/' + UUID,
                          body={'server': {'name': 'x'}}, version='2.75')
    assert 'OS-EXT-STS:vm_state' in resp.json['server']


@pytest.mark.parametrize('value,wanted', [('AUTO', True),
                                          ('MANUAL', False)])
def test_create_passes_disk_config_and_answers_it(client, compute, value,
                                                  wanted):
    resp = client.request('POST', '/v2.1/servers',
                          body=_boot(**{'OS-DCF:diskConfig': value}))
    assert resp.status_int == 202, resp.text
    assert compute.calls['create']['auto_disk_config'] is wanted
    assert resp.json['server']['OS-DCF:diskConfig'] == value


def test_create_without_disk_config_leaves_it_to_the_image(client,
                                                           compute):
    resp = client.request('POST', '/v2.1/servers', body=_boot())
    assert resp.status_int == 202, resp.text
    assert compute.calls['create']['auto_disk_config'] is None


def test_create_with_unknown_disk_config_is_400(client, compute):
    resp = client.request('POST', '/v2.1/servers',
                          body=_boot(**{'OS-DCF:diskConfig': 'auto'}))
    assert resp.status_int == 400
    assert 'create' not in compute.calls


def test_create_refused_by_the_image_is_400(client, compute, monkeypatch):
    def create(ctx, flavor, image_href, **kwargs):
        raise exception.AutoDiskConfigDisabledByImage(image=image_href)
    monkeypatch.setattr(compute, 'create', create)
    resp = client.request('POST', '/v2.1/servers',
                          body=_boot(**{'OS-DCF:diskConfig': 'AUTO'}))
    assert resp.status_int == 400
    assert resp.json['badRequest']['message'] == (
        'Requested image %s has automatic disk resize disabled.' % IMAGE)


@pytest.mark.parametrize('stored,shown', [(True, 'AUTO'),
                                          (False, 'MANUAL')])
def test_show_and_detail_report_disk_config(client, compute, stored,
                                            shown):
    compute.instances[UUID].auto_disk_config = stored
    server = client.request('GET', '/v2.1/servers/' + UUID).json['server']
    assert server['OS-DCF:diskConfig'] == shown
    servers = client.request('GET',
                             '/v2.1/servers/detail').json['servers']
    assert servers[0]['OS-DCF:diskConfig'] == shown


def test_server_recorded_without_disk_config_shows_manual(client, compute):
    # An instance that never had the field set (an older build request).
    assert not compute.instances[UUID].obj_attr_is_set('auto_disk_config')
    server = client.request('GET', '/v2.1/servers/' + UUID).json['server']
    assert server['OS-DCF:diskConfig'] == 'MANUAL'


@pytest.mark.parametrize('version', ['2.1', '2.75'])
@pytest.mark.parametrize('value,wanted', [('AUTO', True),
                                          ('MANUAL', False)])
def test_update_sets_disk_config(client, compute, version, value, wanted):
    compute.instances[UUID].auto_disk_config = not wanted
    resp = client.request('PUT', '/v2.1/servers/' + UUID,
                          body={'server': {'OS-DCF:diskConfig': value}},
                          version=version)
    assert resp.status_int == 200, resp.text
    assert compute.calls['update'] == {'auto_disk_config': wanted}
    assert resp.json['server']['OS-DCF:diskConfig'] == value


def test_delete_is_204(client, compute):
    resp = client.request('DELETE', '/v2.1/servers/' + UUID)
    assert resp.status_int == 204
    assert compute.calls['delete'] == UUID


def test_delete_with_json_accept_header_is_204(client, compute):
    # python-novaclient sends Accept: application/json on every request.
    resp = client.request('DELETE', '/v2.1/servers/' + UUID,
                          headers={'Accept': 'application/json'})
    assert resp.status_int == 204
    assert resp.body == b''


def test_show_server_still_being_scheduled(client, compute):
    inst = make_instance(vm_state='building', task_state='scheduling',
                         host=None, node=None)
    del inst.id  # a build request's instance has no database id yet
    compute.instances[UUID] = inst
    resp = client.request('GET', '/v2.1/servers/' + UUID, token='admin:a',
                          version='2.3')
    assert resp.status_int == 200
    server = resp.json_body_or_none['server']
    assert server['status'] == 'BUILD'
    assert server['OS-EXT-SRV-ATTR:instance_name'] == ''


def test_image_boot_described_as_block_device_is_accepted(client, compute):
    bdm = [{'uuid': IMAGE, 'boot_index': 0, 'source_type': 'image',
            'destination_type': 'local', 'delete_on_termination': True}]
    resp = client.request('POST', '/v2.1/servers',
                          _boot(block_device_mapping_v2=bdm,
                                networks='none'), version='2.37')
    assert resp.status_int == 202
    assert compute.calls['create']['image'] == IMAGE


def test_volume_block_devices_are_refused_with_reason(client, compute):
    bdm = [{'uuid': IMAGE, 'boot_index': 0, 'source_type': 'image',
            'destination_type': 'volume', 'volume_size': 1}]
    resp = client.request('POST', '/v2.1/servers',
                          _boot(block_device_mapping_v2=bdm,
                                networks='none'), version='2.37')
    assert resp.status_int == 400
    assert 'no block storage' in resp.json_body_or_none['badRequest'][
        'message']


def test_noauth2_serves_identity_discovery_without_a_token(client):
    resp = client.request('GET', '/identity/v3', token=None)
    assert resp.status_int == 200
    assert resp.json_body_or_none['version']['id'].startswith('v3')


def test_list_flavor_filter_is_the_flavors_db_id(client, compute):
    client.request('GET', '/v2.1/servers/detail?flavor=1')
    opts = compute.calls['get_all']['search_opts']
    assert opts['instance_type_id'] == make_flavor('1').id
    assert 'flavor' not in opts


def test_list_unknown_flavor_lists_nothing(client, compute):
    resp = client.request('GET', '/v2.1/servers?flavor=99')
    assert resp.status_int == 200
    assert resp.json['servers'] == []
    assert 'get_all' not in compute.calls


def test_show_and_detail_omit_security_groups_of_a_server_without_ports(
        client, compute):
    # Upstream lists the groups of the server's ports from the network
    # service and leaves the key out when there are none; without a
    # network service no server has ports.
    server = client.request('GET', '/v2.1/servers/' + UUID,
                            version='latest').json['server']
    assert 'security_groups' not in server
    servers = client.request('GET', '/v2.1/servers/detail').json['servers']
    assert all('security_groups' not in s for s in servers)


@pytest.mark.parametrize('version,extended', [('2.1', False),
                                              ('2.74', False),
                                              ('2.75', True)])
def test_update_addresses_extended_from_2_75(client, compute, monkeypatch,
                                             version, extended):
    class NetworkAPI:
        def get_instance_nw_info(self, ctx, inst):
            return [{'address': 'fa:16:3e:00:00:01', 'network': {
                'label': 'net',
                'subnets': [{'ips': [{'address': '10.0.0.3'}]}]}}]
    from nova.api.controllers import servers
    monkeypatch.setattr(servers, 'network_api', NetworkAPI)
    resp = client.request('PUT', '/v2.1/servers/' + UUID,
                          body={'server': {'name': 'x'}}, version=version)
    assert resp.status_int == 200, resp.text
    entry = resp.json['server']['addresses']['net'][0]
    assert ('OS-EXT-IPS:type' in entry) is extended
