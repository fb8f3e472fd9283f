"""How ports are sent to Neutron: dns_name dropped only when refused."""

import pytest

from nova.network import neutron
from nova.network import neutron_client


class _Neutron:
    """Answers port bodies; refuses dns_name as a Neutron without DNS
    integration does, or refuses everything with ``refusal``."""

    def __init__(self, dns=True, refusal=None):
        self.dns = dns
        self.refusal = refusal
        self.bodies = []

    def send(self, body):
        self.bodies.append(dict(body))
        if self.refusal:
            raise neutron_client.NeutronBadRequest(self.refusal)
        if 'dns_name' in body and not self.dns:
            raise neutron_client.NeutronBadRequest(
                'Unrecognized attribute(s) \'dns_name\'')
        return {'port': dict(body, id='p1')}


def test_port_keeps_dns_name_where_neutron_has_dns():
    fake = _Neutron(dns=True)
    port = neutron._send_port(fake.send, {'dns_name': 'vm1', 'x': 1})
    assert port['dns_name'] == 'vm1'
    assert len(fake.bodies) == 1


def test_port_sent_again_without_dns_name_when_refused():
    fake = _Neutron(dns=False)
    body = {'dns_name': 'vm1', 'x': 1}
    port = neutron._send_port(fake.send, body)
    assert 'dns_name' not in port and port['x'] == 1
    assert [('dns_name' in b) for b in fake.bodies] == [True, False]
    assert body == {'dns_name': 'vm1', 'x': 1}      # the caller's intact


def test_other_refusals_are_not_retried():
    fake = _Neutron(refusal='Invalid input for fixed_ips')
    with pytest.raises(neutron_client.NeutronBadRequest):
        neutron._send_port(fake.send, {'dns_name': 'vm1'})
    assert len(fake.bodies) == 1


def test_refusal_without_dns_name_is_not_retried():
    fake = _Neutron(dns=False, refusal='dns domain invalid')
    with pytest.raises(neutron_client.NeutronBadRequest):
        neutron._send_port(fake.send, {'x': 1})
    assert len(fake.bodies) == 1
