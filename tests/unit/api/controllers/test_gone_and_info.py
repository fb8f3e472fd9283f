"""410 Gone resources, proxies past 2.35, server info sub-resources,
external events and console auth tokens."""

import uuid

import pytest

from nova import exception
from nova import objects
from nova.states import power_state


@pytest.mark.parametrize('method,path', [
    ('GET', '/v2.1/os-cells'), ('POST', '/v2.1/os-cells'),
    ('GET', '/v2.1/os-cells/capacities'), ('GET', '/v2.1/os-fping'),
    ('GET', '/v2.1/os-certificates/root'), ('POST', '/v2.1/os-cloudpipe'),
    ('GET', '/v2.1/os-fixed-ips/10.0.0.1'),
    ('DELETE', '/v2.1/os-agents/1'),
    ('GET', '/v2.1/os-floating-ip-dns'),
    ('POST', '/v2.1/os-floating-ips-bulk'),
    ('GET', '/v2.1/os-security-group-default-rules'),
    ('POST', '/v2.1/os-networks'), ('DELETE', '/v2.1/os-networks/x'),
    ('POST', '/v2.1/os-networks/x/action'),
])
def test_removed_apis_answer_410(client, method, path):
    resp = client.request(method, path, token='admin:admin',
                          body={} if method == 'POST' else None)
    assert resp.status_int == 410, resp.text
    assert resp.json['computeFault']['code'] == 410


def test_network_proxies_until_2_35(client):
    assert client.request('GET', '/v2.1/os-networks',
                          version='2.35').json == {'networks': []}
    assert client.request('GET', '/v2.1/os-networks',
                          version='2.36').status_int == 404
    assert client.request('GET', '/v2.1/os-tenant-networks/x',
                          version='2.1').status_int == 404


def _url(inst, *parts):
    return '/'.join(['/v2.1/servers', inst.uuid] + list(parts))


def test_diagnostics_admin_and_versions(client, world):
    inst = world.server()
    assert client.request('GET', _url(inst, 'diagnostics')).status_int == 403
    world.rpc.answers['get_diagnostics'] = {'driver': 'libvirt', 'x': 1}
    resp = client.request('GET', _url(inst, 'diagnostics'),
                          token='admin:admin')
    assert resp.json == {'driver': 'libvirt', 'x': 1}
    world.rpc.answers['get_instance_diagnostics'] = {'num_cpus': 1}
    resp = client.request('GET', _url(inst, 'diagnostics'),
                          token='admin:admin', version='2.48')
    assert resp.json == {'num_cpus': 1}
    assert world.rpc.calls[-1][0] == 'get_instance_diagnostics'
    world.rpc.answers['get_instance_diagnostics'] = \
        exception.InstanceNotRunning(instance_id=inst.uuid)
    resp = client.request('GET', _url(inst, 'diagnostics'),
                          token='admin:admin', version='2.48')
    assert resp.status_int == 409
    stopped = world.server(vm_state='stopped')
    resp = client.request('GET', _url(stopped, 'diagnostics'),
                          token='admin:admin')
    assert resp.status_int == 409


def test_ips_topology_password(client, world):
    inst = world.server(system_metadata={'password_0': 'abc',
                                         'password_1': 'def'})
    assert client.request('GET', _url(inst, 'ips')).json == {
        'addresses': {}}
    assert client.request('GET', _url(inst, 'ips', 'net')).status_int == 404
    assert client.request('GET', _url(inst, 'topology'),
                          version='2.77').status_int == 404
    assert client.request('GET', _url(inst, 'topology'),
                          version='2.78').json == {'nodes': [],
                                                   'pagesize_kb': None}
    assert client.request('GET', _url(inst, 'os-server-password')).json == \
        {'password': 'abcdef'}
    assert client.request('DELETE', _url(
        inst, 'os-server-password')).status_int == 204
    assert client.request('GET', _url(inst, 'os-server-password')).json == \
        {'password': ''}


def test_interfaces_volumes_security_groups(client, world):
    inst = world.server()
    assert client.request('GET', _url(inst, 'os-interface')).json == {
        'interfaceAttachments': []}
    resp = client.request('POST', _url(inst, 'os-interface'), body={
        'interfaceAttachment': {'port_id': str(uuid.uuid4())}})
    assert resp.status_int == 404
    resp = client.request('DELETE', _url(inst, 'os-interface', 'p1'))
    assert resp.status_int == 404
    assert client.request('GET', _url(inst, 'os-volume_attachments')).json \
        == {'volumeAttachments': []}
    resp = client.request('POST', _url(inst, 'os-volume_attachments'),
                          body={'volumeAttachment': {'volumeId': 'bad'}})
    assert resp.status_int == 400
    resp = client.request('POST', _url(inst, 'os-volume_attachments'),
                          body={'volumeAttachment': {
                              'volumeId': str(uuid.uuid4())}})
    assert resp.status_int == 404
    # A server's groups are not a proxy API: every version lists them.
    for version in ('2.35', '2.36', 'latest'):
        assert client.request('GET', _url(inst, 'os-security-groups'),
                              version=version).json == {
            'security_groups': []}


def test_external_events_codes(client, world):
    inst = world.server()
    unhosted = world.server(vm_state='building', host=None)
    body = {'events': [
        {'name': 'network-changed', 'server_uuid': inst.uuid},
        {'name': 'network-vif-plugged', 'server_uuid': unhosted.uuid,
         'tag': 'port'},
        {'name': 'network-changed', 'server_uuid': str(uuid.uuid4())}]}
    assert client.request('POST', '/v2.1/os-server-external-events',
                          body=body).status_int == 403
    resp = client.request('POST', '/v2.1/os-server-external-events',
                          body=body, token='admin:admin')
    assert resp.status_int == 207
    assert [(e['code'], e['status']) for e in resp.json['events']] == [
        (200, 'completed'), (422, 'failed'), (404, 'failed')]
    name, _args, kwargs = world.rpc.calls[-1]
    assert name == 'external_instance_event' and kwargs['host'] == 'cmp1'
    resp = client.request('POST', '/v2.1/os-server-external-events',
                          token='admin:admin', body={'events': [
                              {'name': 'network-changed',
                               'server_uuid': str(uuid.uuid4())}]})
    assert resp.status_int == 404


@pytest.mark.parametrize('version,name,status', [
    ('2.50', 'volume-extended', 400), ('2.51', 'volume-extended', 200),
    ('2.75', 'power-update', 400), ('2.76', 'power-update', 200),
    ('2.81', 'accelerator-request-bound', 400),
    ('2.82', 'accelerator-request-bound', 200)])
def test_external_event_names_by_version(client, world, version, name,
                                         status):
    inst = world.server()
    resp = client.request('POST', '/v2.1/os-server-external-events',
                          token='admin:admin', version=version,
                          body={'events': [{'name': name, 'tag': 'POWER_ON',
                                            'server_uuid': inst.uuid}]})
    assert resp.status_int == status, resp.text


def test_console_auth_tokens(client, world):
    inst = world.server()
    token = objects.ConsoleAuthToken(
        world.cctx, console_type='serial', host='cmp1', port=10000,
        internal_access_path=None, instance_uuid=inst.uuid)
    secret = token.authorize(600)
    url = '/v2.1/os-console-auth-tokens/' + secret
    assert client.request('GET', url, version='2.31').status_int == 403
    resp = client.request('GET', url, version='2.31', token='admin:admin')
    assert resp.json == {'console': {
        'instance_uuid': inst.uuid, 'host': 'cmp1', 'port': 10000,
        'internal_access_path': None}}
    resp = client.request('GET', url, version='2.30', token='admin:admin')
    assert resp.status_int == 401
    resp = client.request('GET', '/v2.1/os-console-auth-tokens/nope',
                          token='admin:admin')
    assert resp.status_int == 404
    expired = objects.ConsoleAuthToken(
        world.cctx, console_type='serial', host='cmp1', port=1,
        instance_uuid=inst.uuid)
    gone = expired.authorize(-1)
    resp = client.request('GET', '/v2.1/os-console-auth-tokens/' + gone,
                          token='admin:admin', version='2.31')
    assert resp.status_int == 404
    assert objects.ConsoleAuthToken.clean_expired_console_auths(
        world.cctx) == 1


def test_power_state_constant_is_running():
    # host_info checks the driver's state against RUNNING.
    assert power_state.RUNNING == 1
