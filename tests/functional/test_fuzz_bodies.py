"""Malformed request bodies against a real deployment (every service a
process, RabbitMQ, SQLite), generated with hypothesis.

What must hold for every request, however wrong its body:
- the API never answers 5xx;
- a 4xx carries the Compute API fault body, {"<name>": {"code": <the
  status>, "message": "<non-empty text>"}};
- a rejected request leaves nothing behind: no server from a refused
  create, no instance action recorded under a refused request's id.

NOVA_FUZZ_EXAMPLES raises the number of examples per target (default 40,
which keeps the module near a minute).
"""

import json
import os
import uuid

from hypothesis import HealthCheck
from hypothesis import assume
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st
import pytest

from tests import conftest

pytestmark = [pytest.mark.functional, pytest.mark.timeout(1200)]

EXAMPLES = int(os.environ.get('NOVA_FUZZ_EXAMPLES', '40'))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
                suppress_health_check=list(HealthCheck))
VERSION = '2.100'

json_scalars = (st.none() | st.booleans() |
                st.integers(min_value=-2 ** 63, max_value=2 ** 63) |
                st.floats(allow_nan=False, allow_infinity=False) |
                st.text(max_size=300))
json_values = st.recursive(
    json_scalars,
    lambda inner: (st.lists(inner, max_size=4) |
                   st.dictionaries(st.text(max_size=30), inner,
                                   max_size=4)),
    max_leaves=12)

CREATE_KEYS = ('name', 'flavorRef', 'imageRef', 'networks', 'min_count',
               'max_count', 'metadata', 'key_name', 'availability_zone',
               'user_data', 'accessIPv4', 'accessIPv6', 'description',
               'tags', 'block_device_mapping_v2', 'security_groups',
               'config_drive', 'hostname', 'host', 'hypervisor_hostname',
               'return_reservation_id', 'adminPass', 'personality',
               'trusted_image_certificates', 'OS-DCF:diskConfig',
               'no_such_field')
UPDATE_KEYS = ('name', 'description', 'accessIPv4', 'accessIPv6',
               'hostname', 'OS-DCF:diskConfig', 'no_such_field')


@pytest.fixture(scope='module')
def cloud(tmp_path_factory, rabbit_available):
    cloud, cleanup = conftest.start_cloud(tmp_path_factory.mktemp('fuzz'),
                                          computes=('fz1', 'fz2'))
    try:
        cloud.http.headers['OpenStack-API-Version'] = 'compute ' + VERSION
        cloud.flavor = cloud.create_flavor('fuzz.small')
        cloud.image_id = cloud.import_image('fuzz-image')
        # Server ids and reservation ids of the creates answered 202.
        cloud.accepted = set()
        cloud.rejected_requests = set()
        cloud.server_id = None
        yield cloud
    finally:
        cleanup()


def _valid_create(cloud):
    return {'name': 'fz-%s' % uuid.uuid4().hex[:6],
            'flavorRef': cloud.flavor['id'], 'imageRef': cloud.image_id,
            'networks': 'none'}


def _send(cloud, method, path, body):
    """Send ``body`` (JSON-encodable, or raw bytes) and check the rules
    every answer follows; returns the response."""
    if isinstance(body, bytes):
        resp = cloud.request(method, path, data=body, headers={
            'Content-Type': 'application/json'})
    else:
        resp = cloud.request(method, path, json=body)
    assert resp.status_code < 500, (
        '%s %s %s -> %s %s' % (method, path, json.dumps(body)[:500]
                               if not isinstance(body, bytes) else body,
                               resp.status_code, resp.text))
    if 400 <= resp.status_code < 500:
        fault = resp.json()
        assert isinstance(fault, dict) and len(fault) == 1, resp.text
        (detail,) = fault.values()
        assert detail['code'] == resp.status_code, resp.text
        assert isinstance(detail['message'], str) and detail['message']
        cloud.rejected_requests.add(
            resp.headers.get('x-openstack-request-id'))
    return resp


def _note_accepted(cloud, body):
    if 'server' in body:
        cloud.accepted.add(body['server']['id'])
    if 'reservation_id' in body:
        cloud.accepted.add(body['reservation_id'])


def _target_server(cloud):
    """A live server to act on (booted again when a fuzzed action deleted
    it)."""
    if cloud.server_id is None or cloud.server(cloud.server_id) is None:
        body = cloud.boot('fz-target', cloud.flavor['id'], cloud.image_id)
        _note_accepted(cloud, body)
        cloud.server_id = body['server']['id']
        cloud.wait_status(cloud.server_id, 'ACTIVE')
    return cloud.server_id


def _safe_count(key, value):
    # A count that could be valid would boot that many servers.
    if key not in ('min_count', 'max_count'):
        return True
    if isinstance(value, bool):
        return True
    if isinstance(value, int):
        return value < 1 or value > 10 ** 6
    if isinstance(value, str):
        return not value.strip().isdigit()
    return True


@FUZZ
@given(data=st.data())
def test_create_with_one_field_wrong(cloud, data):
    server = _valid_create(cloud)
    key = data.draw(st.sampled_from(CREATE_KEYS), label='field')
    value = data.draw(json_values, label='value')
    assume(_safe_count(key, value))
    server[key] = value
    resp = _send(cloud, 'POST', '/servers', {'server': server})
    if resp.status_code == 202:
        _note_accepted(cloud, resp.json())


@FUZZ
@given(body=json_values | st.binary(max_size=200))
def test_create_with_any_body(cloud, body):
    if isinstance(body, dict) and isinstance(body.get('server'), dict):
        assume(all(_safe_count(k, v) for k, v in body['server'].items()))
    resp = _send(cloud, 'POST', '/servers', body)
    if resp.status_code == 202:
        _note_accepted(cloud, resp.json())


@FUZZ
@given(data=st.data())
def test_update_with_one_field_wrong(cloud, data):
    server_id = _target_server(cloud)
    key = data.draw(st.sampled_from(UPDATE_KEYS), label='field')
    value = data.draw(json_values, label='value')
    _send(cloud, 'PUT', '/servers/%s' % server_id, {'server': {key: value}})


def _action_names():
    from nova.api.controllers import actions  # noqa: F401 (registers)
    from nova.api.controllers import server_actions
    return sorted(server_actions.ACTIONS) + ['noSuchAction']


@FUZZ
@given(data=st.data())
def test_actions_with_wrong_bodies(cloud, data):
    server_id = _target_server(cloud)
    name = data.draw(st.sampled_from(_action_names()), label='action')
    value = data.draw(json_values, label='value')
    _send(cloud, 'POST', '/servers/%s/action' % server_id, {name: value})


@FUZZ
@given(body=json_values | st.binary(max_size=200))
def test_actions_with_any_body(cloud, body):
    server_id = _target_server(cloud)
    _send(cloud, 'POST', '/servers/%s/action' % server_id, body)


def test_rejected_requests_left_nothing_behind(cloud):
    """Runs last in the module: every server that exists comes from an
    accepted create, and no instance action carries the request id of a
    refused request."""
    existing = cloud.get('/servers/detail',
                         params={'all_tenants': 1})['servers']
    assert existing, 'the fuzzing booted at least its target server'
    for server in existing:
        assert (server['id'] in cloud.accepted or
                server.get('OS-EXT-SRV-ATTR:reservation_id') in
                cloud.accepted), server
    cloud.rejected_requests.discard(None)
    checked = 0
    for server in existing:
        resp = cloud.request('GET', '/servers/%s/os-instance-actions'
                             % server['id'])
        if resp.status_code == 404:
            continue
        checked += 1
        for action in resp.json()['instanceActions']:
            assert action['request_id'] not in cloud.rejected_requests, (
                action)
    assert checked or not existing
