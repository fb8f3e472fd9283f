"""The ip/ip6 filters of GET /servers: servers whose ports hold a
matching fixed IP."""

from nova.network import neutron


class _Ports:
    def __init__(self, ports):
        self.ports = ports
        self.asked = None

    def list(self, collection, **filters):
        assert collection == 'ports'
        self.asked = filters
        return self.ports


def _api(monkeypatch, ports):
    stub = _Ports(ports)
    api = neutron.NeutronAPI()
    monkeypatch.setattr(api, 'client', lambda context, admin=False: stub)
    return api, stub


def _port(device, *addresses, owner='compute:nova'):
    return {'device_id': device, 'device_owner': owner,
            'fixed_ips': [{'ip_address': a} for a in addresses]}


def test_matches_regular_expressions_from_the_start(monkeypatch):
    api, stub = _api(monkeypatch, [
        _port('a', '10.0.0.5'), _port('b', '10.0.0.51'),
        _port('c', '110.0.0.5'), _port('dhcp', '10.0.0.2',
                                       owner='network:dhcp')])
    assert api.instance_uuids_by_ip(None, [r'10\.0\.0\.5']) == {'a', 'b'}
    # Neutron narrows by the literal part of the pattern.
    assert stub.asked['fixed_ips'] == 'ip_address_substr=10.0.0.5'
    assert api.instance_uuids_by_ip(None, [r'10\.0\.0\.5$']) == {'a'}
    assert api.instance_uuids_by_ip(None, ['10.0.0.2']) == set()


def test_every_pattern_must_match_an_address(monkeypatch):
    api, _ = _api(monkeypatch, [_port('a', '10.0.0.5', 'fd00::5'),
                                _port('b', '10.0.0.5')])
    assert api.instance_uuids_by_ip(None, ['10.0.0', 'fd00']) == {'a'}


def test_a_bad_expression_is_taken_literally(monkeypatch):
    api, _ = _api(monkeypatch, [_port('a', '10.0.0.5')])
    assert api.instance_uuids_by_ip(None, ['10.0.0.5[']) == set()
