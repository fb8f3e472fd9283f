"""A deployment mid-upgrade: every service pins [upgrade_levels] compute,
scheduler and conductor to 1.0, the oldest versions that still build a
server. A server boots to ACTIVE and stops and starts (all 1.0 methods);
an action newer than the compute pin is refused with a 409 naming the
method and the pin, and the server stays usable."""

import uuid

import pytest

from tests import conftest

pytestmark = [pytest.mark.functional, pytest.mark.timeout(600)]

PINS = {'compute': '1.0', 'scheduler': '1.0', 'conductor': '1.0'}


@pytest.fixture(scope='module')
def cloud(tmp_path_factory, rabbit_available):
    cloud, cleanup = conftest.start_cloud(
        tmp_path_factory.mktemp('cloud-pinned'), computes=('pin1',),
        extra_conf={'upgrade_levels': PINS})
    try:
        cloud.flavor = cloud.create_flavor('pinned.small', vcpus=1, ram=128,
                                           disk=1)
        cloud.image_id = cloud.import_image('pinned-img')
        yield cloud
    finally:
        cleanup()


def _action(cloud, server_id, body, expect=202):
    return cloud.post('/servers/%s/action' % server_id, body, expect=expect)


def test_boot_stop_start_under_the_oldest_pins(cloud):
    body = cloud.boot('pinned-%s' % uuid.uuid4().hex[:6],
                      cloud.flavor['id'], cloud.image_id)
    server_id = body['server']['id']
    cloud.wait_status(server_id, 'ACTIVE')

    _action(cloud, server_id, {'os-stop': None})
    cloud.wait_status(server_id, 'SHUTOFF')
    _action(cloud, server_id, {'os-start': None})
    server = cloud.wait_status(server_id, 'ACTIVE')
    assert server['OS-EXT-STS:task_state'] is None


def test_an_action_newer_than_the_pin_is_refused(cloud):
    body = cloud.boot('pinned-%s' % uuid.uuid4().hex[:6],
                      cloud.flavor['id'], cloud.image_id)
    server_id = body['server']['id']
    cloud.wait_status(server_id, 'ACTIVE')

    resp = _action(cloud, server_id, {'pause': None}, expect=409)
    message = resp.json()['conflictingRequest']['message']
    assert 'pause_instance needs version 1.1' in message
    assert '[upgrade_levels] compute pins it to 1.0' in message
    # Nothing is left waiting for the refused cast.
    server = cloud.server(server_id)
    assert server['status'] == 'ACTIVE'
    assert server['OS-EXT-STS:task_state'] is None
    _action(cloud, server_id, {'os-stop': None})
    cloud.wait_status(server_id, 'SHUTOFF')
