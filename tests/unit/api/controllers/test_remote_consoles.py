"""POST /servers/{id}/remote-consoles and the compute side that hands out
console tokens."""

import pytest

from nova.compute import host_info
from nova import exception
from nova import objects
from nova.states import power_state
from nova.virt import driver as virt_driver


def _url(inst):
    return '/v2.1/servers/%s/remote-consoles' % inst.uuid


def _body(protocol, console_type):
    return {'remote_console': {'protocol': protocol, 'type': console_type}}


def test_remote_console_url(client, world):
    inst = world.server()
    world.rpc.answers['get_console'] = {'url': 'http://p/vnc?token=t',
                                        'host': 'h', 'port': 1}
    assert client.request('POST', _url(inst), body=_body('vnc', 'novnc'),
                          version='2.5').status_int == 404
    resp = client.request('POST', _url(inst), body=_body('vnc', 'novnc'),
                          version='2.6')
    assert resp.status_int == 200, resp.text
    assert resp.json == {'remote_console': {
        'protocol': 'vnc', 'type': 'novnc', 'url': 'http://p/vnc?token=t'}}
    assert world.rpc.calls[-1][0] == 'get_console'


@pytest.mark.parametrize('version,protocol,console_type,status', [
    ('2.6', 'vnc', 'serial', 400), ('2.6', 'mks', 'webmks', 400),
    ('2.8', 'mks', 'webmks', 501), ('2.6', 'spice', 'spice-html5', 501),
    ('2.6', 'vnc', 'xvpvnc', 400)])
def test_remote_console_errors(client, world, version, protocol,
                               console_type, status):
    inst = world.server()
    world.rpc.answers['get_console'] = exception.ConsoleTypeInvalid(
        console_type=console_type)
    resp = client.request('POST', _url(inst), version=version,
                          body=_body(protocol, console_type))
    assert resp.status_int == status, resp.text


def test_remote_console_of_unhosted_server_is_409(client, world):
    inst = world.server(vm_state='building', host=None)
    resp = client.request('POST', _url(inst), version='2.6',
                          body=_body('vnc', 'novnc'))
    assert resp.status_int == 409


class _Driver:
    """The two driver calls get_console makes."""

    def __init__(self, state=power_state.RUNNING):
        self.state = state

    def get_info(self, instance):
        return virt_driver.InstanceInfo(state=self.state)

    def get_serial_console(self, context, instance):
        return {'host': '10.0.0.9', 'port': 10001}


class _Manager:
    def __init__(self, driver):
        self.driver = driver


def test_compute_side_authorizes_a_token(world, conf):
    conf.config(enabled=True, base_url='ws://proxy:6083/',
                group='serial_console')
    inst = world.server()
    found = host_info.get_console(_Manager(_Driver()), world.cctx, inst,
                                  'serial')
    assert found['url'].startswith('ws://proxy:6083/?token=')
    token = found['url'].split('token=')[1]
    stored = objects.ConsoleAuthToken.validate(world.cctx, token)
    assert (stored.host, stored.port, stored.instance_uuid) == (
        '10.0.0.9', 10001, inst.uuid)


def test_compute_side_refusals(world, conf):
    inst = world.server()
    with pytest.raises(exception.ConsoleTypeUnavailable):
        host_info.get_console(_Manager(_Driver()), world.cctx, inst,
                              'serial')
    with pytest.raises(exception.InstanceNotReady):
        host_info.get_console(_Manager(_Driver(power_state.SHUTDOWN)),
                              world.cctx, inst, 'novnc')
    with pytest.raises(exception.ConsoleTypeInvalid):
        host_info.get_console(_Manager(_Driver()), world.cctx, inst,
                              'spice-html5')


def _action(client, inst, body, version='2.1'):
    return client.request('POST', '/v2.1/servers/%s/action' % inst.uuid,
                          body=body, version=version)


def test_legacy_console_actions(client, world):
    inst = world.server()
    world.rpc.answers['get_console'] = {'url': 'http://p/?token=t',
                                        'host': 'h', 'port': 1}
    resp = _action(client, inst, {'os-getVNCConsole': {'type': 'novnc'}})
    assert resp.status_int == 200, resp.text
    assert resp.json == {'console': {'type': 'novnc',
                                     'url': 'http://p/?token=t'}}
    resp = _action(client, inst, {'os-getVNCConsole': {'type': 'novnc'}},
                   version='2.6')
    assert resp.status_int == 404
    resp = _action(client, inst, {'os-getVNCConsole': {'type': 'bad'}})
    assert resp.status_int == 400
    world.rpc.answers['get_console'] = exception.ConsoleTypeInvalid(
        console_type='spice-html5')
    resp = _action(client, inst,
                   {'os-getSPICEConsole': {'type': 'spice-html5'}})
    assert resp.status_int == 501
