import datetime

import pytest

from nova import exception
from nova import objects

NOW = datetime.datetime(2024, 5, 1, 12, 0, 0)
SVC_UUID = '2a3c6e58-5d6a-4a3b-9f0e-6a0f0f0a1b2c'
NODE_UUID = '9d1c3b1a-0a4e-4cc2-8a3f-3b5f6e7d8c9a'


@pytest.fixture
def services(monkeypatch):
    svc = objects.Service(id=3, uuid=SVC_UUID, host='cmp1',
                          binary='nova-compute', topic='compute',
                          report_count=1, disabled=True,
                          disabled_reason='maint', last_seen_up=NOW,
                          forced_down=False, version=1, created_at=NOW,
                          updated_at=NOW)
    node = objects.ComputeNode(
        id=7, uuid=NODE_UUID, service_id=3, host='cmp1',
        hypervisor_hostname='cmp1-node', hypervisor_type='fake',
        hypervisor_version=1000, host_ip='10.0.0.5', cpu_info='{"a": 1}',
        vcpus=4, memory_mb=8192, local_gb=100, vcpus_used=1,
        memory_mb_used=512, local_gb_used=1, free_ram_mb=7680,
        free_disk_gb=99, disk_available_least=99, running_vms=1,
        current_workload=0)
    monkeypatch.setattr(objects.ServiceList, 'get_all',
                        classmethod(lambda cls, ctx: [svc]))
    monkeypatch.setattr(objects.ServiceList, 'get_by_binary',
                        classmethod(lambda cls, ctx, binary: [svc]))
    monkeypatch.setattr(objects.ComputeNodeList, 'get_all',
                        classmethod(lambda cls, ctx: [node]))
    from nova import servicegroup
    monkeypatch.setattr(servicegroup, 'is_up', lambda s, now=None: True)
    return svc, node


def test_services_admin_only(client, services):
    assert client.request('GET', '/v2.1/os-services').status_int == 403


def test_services_fields_by_version(client, services):
    resp = client.request('GET', '/v2.1/os-services', token='admin:admin')
    svc = resp.json['services'][0]
    assert svc == {'id': 3, 'binary': 'nova-compute', 'host': 'cmp1',
                   'zone': 'nova', 'status': 'disabled', 'state': 'up',
                   'updated_at': '2024-05-01T12:00:00.000000',
                   'disabled_reason': 'maint'}
    resp = client.request('GET', '/v2.1/os-services?host=other',
                          token='admin:admin')
    assert resp.json == {'services': []}
    svc = client.request('GET', '/v2.1/os-services', token='admin:admin',
                         version='2.53').json['services'][0]
    assert svc['id'] == SVC_UUID
    assert svc['forced_down'] is False


def test_hypervisors_list_and_detail(client, services):
    resp = client.request('GET', '/v2.1/os-hypervisors', token='admin:admin')
    assert resp.json == {'hypervisors': [{
        'id': 7, 'hypervisor_hostname': 'cmp1-node', 'state': 'up',
        'status': 'disabled'}]}
    detail = client.request('GET', '/v2.1/os-hypervisors/detail',
                            token='admin:admin',
                            version='2.28').json['hypervisors'][0]
    assert detail['vcpus'] == 4
    assert detail['cpu_info'] == {'a': 1}
    assert detail['service'] == {'host': 'cmp1', 'id': 3,
                                 'disabled_reason': 'maint'}
    trimmed = client.request('GET', '/v2.1/os-hypervisors/detail',
                             token='admin:admin',
                             version='2.88').json['hypervisors'][0]
    assert trimmed['id'] == NODE_UUID
    assert 'vcpus' not in trimmed and 'cpu_info' not in trimmed
    assert 'uptime' in trimmed


def test_hypervisor_show_and_404(client, services):
    resp = client.request('GET', '/v2.1/os-hypervisors/7',
                          token='admin:admin')
    assert resp.json['hypervisor']['host_ip'] == '10.0.0.5'
    resp = client.request('GET', '/v2.1/os-hypervisors/8',
                          token='admin:admin')
    assert resp.status_int == 404


class FakeImageAPI:
    image = {'id': 'img-1', 'name': 'cirros', 'status': 'active',
             'size': 1024, 'min_ram': 0, 'min_disk': 1,
             'properties': {'os_distro': 'cirros'},
             'created_at': NOW, 'updated_at': NOW}

    def get(self, ctx, image_id):
        if image_id != 'img-1':
            raise exception.ImageNotFound(image_id=image_id)
        return self.image

    def get_all(self, ctx, filters=None, limit=None, marker=None):
        return [self.image]


@pytest.fixture
def images(monkeypatch):
    from nova.api.controllers import images as controller
    monkeypatch.setattr(controller, '_image_api', FakeImageAPI)


def test_image_detail_view(client, images):
    image = client.request('GET', '/v2.1/images/img-1').json['image']
    assert image['status'] == 'ACTIVE'
    assert image['progress'] == 100
    assert image['minDisk'] == 1
    assert image['OS-EXT-IMG-SIZE:size'] == 1024
    assert image['metadata'] == {'os_distro': 'cirros'}
    assert image['created'] == '2024-05-01T12:00:00Z'


def test_images_list_filters_and_404(client, images):
    resp = client.request('GET', '/v2.1/images?status=SAVING')
    assert resp.json == {'images': []}
    assert client.request('GET', '/v2.1/images/nope').status_int == 404


def test_images_gone_after_2_35(client, images):
    assert client.request('GET', '/v2.1/images',
                          version='2.35').status_int == 200
    assert client.request('GET', '/v2.1/images/detail',
                          version='2.36').status_int == 404
