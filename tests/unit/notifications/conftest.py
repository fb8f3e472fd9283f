"""Fixtures of the notification tests: instances built in memory as the
compute host holds them, and a listener on the in-process transport."""

import datetime
import threading
import time
import uuid

import pytest

from nova import context as nova_context
from nova import objects

KEY = ('ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAAAgQDx8nkQv/zgGgB4rMYmIf+6A4l6Rr+o'
       '/6lHBQdW5aYd44bd8JttDCE/F/pNRr0lRE+PiqSPO8nDPHw0010JeMH9gYgnnFlyY3/'
       'OcJ02RhIPyyxYpv9FhY+2YiUkpwFOcLImyrxEsYXpD/0d3ac30bNH6Sw9JD9UZHYcpS'
       'xsIbECHw== Generated-by-Nova')
KEY_FINGERPRINT = '1e:2c:9b:56:79:4b:45:77:f9:ca:7a:98:2c:b0:d5:3c'
NOW = datetime.datetime(2024, 5, 6, 7, 8, 9, tzinfo=datetime.timezone.utc)


@pytest.fixture
def ctx():
    return nova_context.RequestContext(user_id='fake-user',
                                       project_id='fake-project')


@pytest.fixture
def flavor():
    objects.register_all()
    return objects.Flavor(
        id=7, flavorid='a22d5517', name='test_flavor', memory_mb=512,
        vcpus=1, root_gb=1, ephemeral_gb=0, swap=0, rxtx_factor=1.0,
        vcpu_weight=None, disabled=False, is_public=True,
        extra_specs={'hw:watchdog_action': 'disabled'}, projects=[],
        description=None)


@pytest.fixture
def instance(flavor):
    return objects.Instance(
        id=1, uuid=str(uuid.uuid4()), user_id='fake-user',
        project_id='fake-project', display_name='some-server',
        display_description='some-server', hostname='some-server',
        host='compute', node='fake-mini', image_ref='155d900f',
        reservation_id='r-npxv0e40', key_name='my-key', key_data=KEY,
        vm_state='active', task_state=None, power_state=1, progress=0,
        launched_at=NOW, created_at=NOW, updated_at=NOW,
        terminated_at=None, deleted_at=None, availability_zone='nova',
        metadata={'a': 'b'}, locked=False, flavor=flavor)


class Listener:
    """A notification listener on the notifier's own transport."""

    def __init__(self, transport, topic='versioned_notifications'):
        import oslo_messaging as messaging
        self.received = []
        self._lock = threading.Lock()
        self._listener = messaging.get_notification_listener(
            transport, [messaging.Target(topic=topic)], [self],
            executor='threading')
        self._listener.start()

    def info(self, ctxt, publisher_id, event_type, payload, metadata):
        with self._lock:
            self.received.append(('INFO', publisher_id, event_type,
                                  payload, ctxt))

    def error(self, ctxt, publisher_id, event_type, payload, metadata):
        with self._lock:
            self.received.append(('ERROR', publisher_id, event_type,
                                  payload, ctxt))

    def wait(self, count, timeout=10):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if len(self.received) >= count:
                    return list(self.received)
            time.sleep(0.05)
        raise AssertionError('got %d of %d notifications: %s' % (
            len(self.received), count, self.received))

    def stop(self):
        self._listener.stop()
        self._listener.wait()


@pytest.fixture
def listener(conf):
    """Notifications of this process over the in-process transport."""
    from nova.notifications import notifier
    from nova import rpc
    rpc.cleanup()
    rpc.init(url=rpc.IN_PROCESS_TRANSPORT_URL)
    notifier.reset()
    listener = Listener(notifier.transport())
    yield listener
    listener.stop()
    notifier.reset()
    rpc.cleanup()
