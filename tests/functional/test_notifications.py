"""Versioned notifications with every service a real process: a
notification listener on the deployment's RabbitMQ virtual host (topic
versioned_notifications, exchange nova) sees the instance life cycle
that the REST API drives.

Image "broken" fails to spawn on every host ([fake] fail_spawn_images),
so its build ends in instance.create.error.
"""

import collections
import threading
import time
import uuid

import pytest

from tests import conftest

pytestmark = [pytest.mark.functional, pytest.mark.timeout(600)]

TOPIC = 'versioned_notifications'


class _Collector:
    """Notification endpoint keeping (event_type, priority, publisher_id,
    payload) per instance uuid, in arrival order."""

    def __init__(self):
        self._lock = threading.Lock()
        self._by_uuid = collections.defaultdict(list)

    def _keep(self, priority, publisher_id, event_type, payload):
        data = payload.get('nova_object.data') or {}
        with self._lock:
            self._by_uuid[data.get('uuid')].append(
                (event_type, priority, publisher_id, payload))

    def info(self, ctxt, publisher_id, event_type, payload, metadata):
        self._keep('INFO', publisher_id, event_type, payload)

    def error(self, ctxt, publisher_id, event_type, payload, metadata):
        self._keep('ERROR', publisher_id, event_type, payload)

    def events(self, instance_uuid):
        with self._lock:
            return list(self._by_uuid[instance_uuid])

    def wait_for(self, instance_uuid, event_type, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for event in self.events(instance_uuid):
                if event[0] == event_type:
                    return event
            time.sleep(0.2)
        raise AssertionError('no %s for %s within %ss; got %s' % (
            event_type, instance_uuid, timeout,
            [e[0] for e in self.events(instance_uuid)]))


@pytest.fixture(scope='module')
def cloud(tmp_path_factory, rabbit_available):
    import oslo_messaging as messaging
    from oslo_config import cfg

    cloud, cleanup = conftest.start_cloud(
        tmp_path_factory.mktemp('notif'), computes=('ncompute1',),
        extra_conf={'fake': {'fail_spawn_images': 'broken'},
                    'notifications': {'notification_format': 'versioned'}})
    listener = None
    transport = None
    try:
        collector = _Collector()
        transport = messaging.get_notification_transport(
            cfg.ConfigOpts(), url=cloud.settings.transport_url)
        listener = messaging.get_notification_listener(
            transport, [messaging.Target(topic=TOPIC, exchange='nova')],
            [collector], executor='threading')
        listener.start()
        cloud.notifications = collector
        cloud.flavor = cloud.create_flavor('notif.small', vcpus=1, ram=128,
                                           disk=1)
        cloud.image_id = cloud.import_image('plain')
        cloud.broken_id = cloud.import_image('broken')
        yield cloud
    finally:
        try:
            if listener is not None:
                listener.stop()
                listener.wait()
            if transport is not None:
                transport.cleanup()
        finally:
            cleanup()


def _data(event):
    return event[3]['nova_object.data']


def test_boot_stop_delete_send_the_life_cycle_in_order(cloud):
    notes = cloud.notifications
    server = cloud.boot('notif-%s' % uuid.uuid4().hex[:6],
                        cloud.flavor['id'], cloud.image_id)['server']
    sid = server['id']
    cloud.wait_status(sid, 'ACTIVE', timeout=90)
    end = notes.wait_for(sid, 'instance.create.end')
    start = notes.wait_for(sid, 'instance.create.start')

    assert start[1] == 'INFO' and start[2] == 'nova-compute:ncompute1'
    assert start[3]['nova_object.name'] == 'InstanceCreatePayload'
    assert start[3]['nova_object.namespace'] == 'nova'
    assert start[3]['nova_object.version'] == '1.11'
    data = _data(start)
    assert data['state'] == 'building'
    assert data['task_state'] == 'spawning'
    assert data['host'] == 'ncompute1'
    assert data['image_uuid'] == cloud.image_id
    assert data['fault'] is None
    assert data['action_initiator_user'] == 'admin'
    assert data['tenant_id'] == 'admin'
    flavor = data['flavor']
    assert flavor['nova_object.name'] == 'FlavorPayload'
    assert flavor['nova_object.data']['flavorid'] == cloud.flavor['id']
    assert flavor['nova_object.data']['memory_mb'] == 128
    end_data = _data(end)
    assert end_data['state'] == 'active'
    assert end_data['power_state'] == 'running'
    assert end_data['task_state'] is None
    assert end_data['launched_at']
    assert end_data['instance_name'].startswith('instance-')

    cloud.post('/servers/%s/action' % sid, {'os-stop': None}, expect=202)
    cloud.wait_status(sid, 'SHUTOFF')
    off_end = notes.wait_for(sid, 'instance.power_off.end')
    notes.wait_for(sid, 'instance.power_off.start')
    assert off_end[3]['nova_object.name'] == 'InstanceActionPayload'
    assert _data(off_end)['state'] == 'stopped'
    assert _data(off_end)['power_state'] == 'shutdown'

    cloud.request('DELETE', '/servers/%s' % sid, expect=204)
    cloud.wait_gone(sid)
    delete_end = notes.wait_for(sid, 'instance.delete.end')
    assert _data(delete_end)['state'] == 'deleted'
    assert _data(delete_end)['deleted_at'] or \
        _data(delete_end)['terminated_at']

    types = [e[0] for e in notes.events(sid)
             if e[0] != 'instance.update']
    assert types == ['instance.create.start', 'instance.create.end',
                     'instance.power_off.start', 'instance.power_off.end',
                     'instance.delete.start', 'instance.delete.end'], types


def test_failed_build_sends_create_error_with_the_fault(cloud):
    notes = cloud.notifications
    server = cloud.boot('notif-bad-%s' % uuid.uuid4().hex[:6],
                        cloud.flavor['id'], cloud.broken_id)['server']
    sid = server['id']
    cloud.wait_status(sid, 'ERROR', timeout=90)
    error = notes.wait_for(sid, 'instance.create.error')
    assert error[1] == 'ERROR'
    assert error[3]['nova_object.name'] == 'InstanceCreatePayload'
    fault = _data(error)['fault']
    assert fault['nova_object.name'] == 'ExceptionPayload'
    assert fault['nova_object.data']['exception'] == 'InstanceSpawnFailed'
    assert 'fail_spawn_images' in \
        fault['nova_object.data']['exception_message']
    assert fault['nova_object.data']['module_name'] == 'nova.virt.fake'
    types = [e[0] for e in notes.events(sid)]
    assert types.index('instance.create.start') < \
        types.index('instance.create.error')
    cloud.request('DELETE', '/servers/%s' % sid, expect=204)
    cloud.wait_gone(sid)
