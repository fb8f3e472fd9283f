"""os-interface over the real compute API and databases, with the network
API faked (tests/unit/compute/fake_network.py) and the compute RPC
recorded."""

import uuid

import pytest

from nova import exception
from nova.network import model
from tests.unit.compute.fake_network import FakeNetworkAPI
from tests.unit.compute.fake_network import vif


@pytest.fixture
def network(world):
    world.api.network_api = FakeNetworkAPI()
    return world.api.network_api


def _url(inst, *parts):
    return '/'.join(['/v2.1/servers', inst.uuid, 'os-interface'] +
                    list(parts))


def _server(world, *vifs, **kwargs):
    return world.server(network_info=model.dump(list(vifs)), **kwargs)


def test_list_and_show_read_the_info_cache(client, world, network):
    inst = _server(world, vif('port-a', tag='nic1'),
                   vif('port-b', active=False))
    body = client.request('GET', _url(inst)).json
    assert body == {'interfaceAttachments': [
        {'port_state': 'ACTIVE', 'port_id': 'port-a', 'net_id': 'net-1',
         'mac_addr': vif('port-a')['address'],
         'fixed_ips': [{'subnet_id': 'subnet-1',
                        'ip_address': '10.0.0.5'}]},
        {'port_state': 'DOWN', 'port_id': 'port-b', 'net_id': 'net-1',
         'mac_addr': vif('port-b')['address'],
         'fixed_ips': [{'subnet_id': 'subnet-1',
                        'ip_address': '10.0.0.5'}]}]}
    shown = client.request('GET', _url(inst, 'port-a'), version='2.70')
    assert shown.json['interfaceAttachment']['tag'] == 'nic1'
    assert 'tag' not in client.request(
        'GET', _url(inst, 'port-a'),
        version='2.69').json['interfaceAttachment']
    assert client.request('GET', _url(inst, 'port-x')).status_int == 404


def test_attach_calls_the_host_and_answers_the_attachment(client, world,
                                                          network):
    inst = _server(world)
    net_id = str(uuid.uuid4())
    world.rpc.answers['attach_interface'] = vif('port-new', active=True,
                                                tag='data')
    resp = client.request('POST', _url(inst), version='2.49', body={
        'interfaceAttachment': {'net_id': net_id, 'tag': 'data',
                                'fixed_ips': [{'ip_address': '10.0.0.9'}]}})
    assert resp.status_int == 200, resp.text
    assert resp.json['interfaceAttachment']['port_id'] == 'port-new'
    assert resp.json['interfaceAttachment']['port_state'] == 'ACTIVE'
    name, _args, kwargs = world.rpc.calls[-1]
    assert name == 'attach_interface'
    assert kwargs == {'network_id': net_id, 'port_id': None,
                      'requested_ip': '10.0.0.9', 'tag': 'data'}
    assert network.calls == [('validate_interface_attach', net_id)]


@pytest.mark.parametrize('body,version', [
    # A device tag only from 2.49.
    ({'net_id': str(uuid.uuid4()), 'tag': 'x'}, '2.48'),
    ({'net_id': str(uuid.uuid4()), 'port_id': str(uuid.uuid4())}, '2.1'),
    ({'port_id': str(uuid.uuid4()),
      'fixed_ips': [{'ip_address': '10.0.0.9'}]}, '2.1'),
    ({'net_id': str(uuid.uuid4()),
      'fixed_ips': [{'ip_address': 'not-an-ip'}]}, '2.1'),
])
def test_bad_attach_requests_answer_400(client, world, network, body,
                                        version):
    inst = _server(world)
    resp = client.request('POST', _url(inst), version=version,
                          body={'interfaceAttachment': body})
    assert resp.status_int == 400, resp.text
    assert world.rpc.calls == []


@pytest.mark.parametrize('error,status', [
    (exception.PortNotFound(port_id='p'), 404),
    (exception.NetworkNotFound(network_id='n'), 404),
    (exception.PortInUse(port_id='p'), 409),
    (exception.FixedIpAlreadyInUse(address='a', instance_uuid='i'), 409),
    (exception.NetworkAmbiguous(), 400),
    (exception.InterfaceAttachFailedNoNetwork(project_id='p'), 400),
    (exception.PortLimitExceeded(), 403),
])
def test_network_refusals_answer_as_upstream(client, world, network, error,
                                             status):
    inst = _server(world)
    network.fail['validate_interface_attach'] = error
    resp = client.request('POST', _url(inst),
                          body={'interfaceAttachment': {}})
    assert resp.status_int == status, resp.text
    assert world.rpc.calls == []


def test_host_failure_answers_500_and_invalid_state_409(client, world,
                                                        network):
    inst = _server(world)
    world.rpc.answers['attach_interface'] = exception.InterfaceAttachFailed(
        instance_uuid=inst.uuid)
    resp = client.request('POST', _url(inst),
                          body={'interfaceAttachment': {}})
    assert resp.status_int == 500
    resizing = _server(world, task_state='resize_prep')
    resp = client.request('POST', _url(resizing),
                          body={'interfaceAttachment': {}})
    assert resp.status_int == 409
    shelved = _server(world, vm_state='shelved_offloaded', host=None)
    resp = client.request('POST', _url(shelved),
                          body={'interfaceAttachment': {}})
    assert resp.status_int == 409


def test_detach_casts_to_the_host_or_answers_404(client, world, network):
    inst = _server(world, vif('port-a'))
    resp = client.request('DELETE', _url(inst, 'port-x'))
    assert resp.status_int == 404
    assert 'Port port-x is not attached' in resp.text
    resp = client.request('DELETE', _url(inst, 'port-a'))
    assert resp.status_int == 202
    name, (server, port_id), _kwargs = world.rpc.calls[-1]
    assert (name, server.uuid, port_id) == ('detach_interface', inst.uuid,
                                            'port-a')
